"""The versions a built site and a deadline depend on: the tool's, the format's, and the time-zone and
public-holiday data's (`playbook --version` and the regulators page show them)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def zone_data_in_use() -> str:
    """The IANA release ``zoneinfo`` reads: the tzdata package's, since :mod:`generator` empties
    ``zoneinfo.TZPATH`` (``"IANA 2026f (tzdata 2026.6)"``); a folder's, should a caller set one again."""
    import zoneinfo

    import tzdata

    for folder in map(Path, zoneinfo.TZPATH):
        if (folder / "UTC").is_file():
            index = folder / "tzdata.zi"
            first = index.read_text(encoding="utf-8", errors="replace").partition("\n")[0] if index.is_file() else ""
            release = first.removeprefix("# version ").strip() if first.startswith("# version ") else "release unknown"
            return f"IANA {release} ({folder})"
    return f"IANA {tzdata.IANA_VERSION} (tzdata {_installed('tzdata')})"


def data_versions() -> dict[str, str]:
    """The data the deadlines are computed with: the tzdata package, the time-zone data in use (the
    system's comes first where it has one), and the holidays package."""
    import tzdata

    return {"tzdata": f"{_installed('tzdata')} (IANA {tzdata.IANA_VERSION})", "zones": zone_data_in_use(),
            "holidays": _installed("holidays")}


def version_text() -> str:
    """What `playbook --version` prints."""
    from . import __version__
    from .schema import FORMAT_VERSION

    data = data_versions()
    return (f"playbook {__version__}\nformat {FORMAT_VERSION}\ntzdata {data['tzdata']}\n"
            f"time zones in use: {data['zones']}\nholidays {data['holidays']}")
