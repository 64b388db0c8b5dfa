"""The versions a built site and a deadline depend on: the tool's, the format's, and the time-zone and
public-holiday data's (`playbook --version` and the regulators page show them)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


def _installed(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def _imported(module: Any, distribution: str) -> str:
    """The version of ``module``'s distribution as the module states it (``__version__``), else as installed: the
    package's metadata is read from disk and parsed on every call (17 ms for the three asked in each build)."""
    stated = getattr(module, "__version__", None)
    return stated if isinstance(stated, str) and stated else _installed(distribution)


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
    return f"IANA {tzdata.IANA_VERSION} (tzdata {_imported(tzdata, 'tzdata')})"


def data_versions() -> dict[str, str]:
    """The data the deadlines are computed with: the tzdata package, the time-zone data in use (the
    system's comes first where it has one), and the holidays package."""
    import holidays
    import tzdata

    return {"tzdata": f"{_imported(tzdata, 'tzdata')} (IANA {tzdata.IANA_VERSION})", "zones": zone_data_in_use(),
            "holidays": _imported(holidays, "holidays")}


def version_text() -> str:
    """What `playbook --version` prints."""
    from . import __version__
    from .schema import FORMAT_VERSION

    data = data_versions()
    return (f"playbook {__version__}\nformat {FORMAT_VERSION}\ntzdata {data['tzdata']}\n"
            f"time zones in use: {data['zones']}\nholidays {data['holidays']}")
