"""The versions a built site and a deadline depend on: the tool's, the format's, and the time-zone and
public-holiday data's (`playbook --version` and the regulators page show them)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def data_versions() -> dict[str, str]:
    """``{"tzdata": "2026.6 (IANA 2026f)", "holidays": "0.109"}``: the data the deadlines are computed with."""
    import tzdata

    return {"tzdata": f"{_installed('tzdata')} (IANA {tzdata.IANA_VERSION})", "holidays": _installed("holidays")}


def version_text() -> str:
    """What `playbook --version` prints."""
    from . import __version__
    from .schema import FORMAT_VERSION

    data = data_versions()
    return (f"playbook {__version__}\nformat {FORMAT_VERSION}\ntzdata {data['tzdata']}\n"
            f"holidays {data['holidays']}")
