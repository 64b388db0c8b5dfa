"""Time-zone names, from the tzdata package: the canonical IANA zones, their aliases, and a reader
that refuses abbreviations.

The list is the tzdata package's own (``tzdata.zi``: a ``Z`` line per canonical zone, an ``L`` line
per alias), so it is complete and as current as the installed tzdata: ``Asia/Kolkata`` and
``Europe/Kyiv`` are zones, ``Asia/Calcutta`` and ``Europe/Kiev`` are accepted as their aliases.
``UTC`` is offered as a choice of its own (tzdata makes it an alias of ``Etc/UTC``).
The site's zone menu and the ``clock`` command read the same lists.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

#: Abbreviations people type, with the IANA zones they usually mean. An abbreviation is not a zone:
#: EST is never summer time, "IST" is India, Ireland or Israel, and CET is not where anyone lives.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "EST": ("America/New_York", "America/Toronto"), "EDT": ("America/New_York", "America/Toronto"),
    "CST": ("America/Chicago", "Asia/Shanghai"), "CDT": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix"), "MDT": ("America/Denver",),
    "PST": ("America/Los_Angeles",), "PDT": ("America/Los_Angeles",),
    "HST": ("Pacific/Honolulu",), "AKST": ("America/Anchorage",),
    "GMT": ("UTC", "Europe/London"), "BST": ("Europe/London",), "WET": ("Europe/Lisbon",),
    "CET": ("Europe/Berlin", "Europe/Paris", "Europe/Vienna"), "CEST": ("Europe/Berlin", "Europe/Paris"),
    "MET": ("Europe/Berlin",), "EET": ("Europe/Athens", "Europe/Kyiv"), "EEST": ("Europe/Athens", "Europe/Kyiv"),
    "MSK": ("Europe/Moscow",), "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",), "SGT": ("Asia/Singapore",), "HKT": ("Asia/Hong_Kong",),
    "AEST": ("Australia/Sydney", "Australia/Brisbane"), "AEDT": ("Australia/Sydney",),
    "ACST": ("Australia/Adelaide",), "AWST": ("Australia/Perth",), "NZST": ("Pacific/Auckland",),
    "BRT": ("America/Sao_Paulo",), "ART": ("America/Argentina/Buenos_Aires",),
}


@cache
def _tzdata() -> tuple[tuple[str, ...], dict[str, str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    zones, aliases = [], {}
    for line in text.splitlines():
        if line[:2] not in ("Z ", "L "):  # the rules and a zone's further lines: most of the file, split for nothing
            continue
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "Z":
            zones.append(parts[1])
        elif len(parts) == 3 and parts[0] == "L":
            aliases[parts[2]] = parts[1]
    return tuple(sorted(zones)), aliases


@cache
def canonical_zones() -> tuple[str, ...]:
    """Every canonical IANA zone, sorted, with ``UTC`` first (the choices a menu offers). Not ``Factory``,
    tzdata's "zone not set" placeholder."""
    return ("UTC", *(z for z in _tzdata()[0] if z not in ("Etc/UTC", "Factory")))


@cache
def _canonical() -> frozenset[str]:
    """canonical_zones() as a set: resolve_zone runs once per known name when the accepted names are
    listed, and a scan of the tuple each time made that quadratic (0.1 s of every `playbook validate`)."""
    return frozenset(canonical_zones())


@cache
def _aliases() -> dict[str, str]:
    aliases = dict(_tzdata()[1])
    aliases.update({"Etc/UTC": "UTC", "UCT": "UTC", "Etc/UCT": "UTC", "Universal": "UTC", "Etc/Universal": "UTC",
                    "Zulu": "UTC", "Etc/Zulu": "UTC", "Z": "UTC"})
    aliases.pop("UTC", None)
    return {alias: target for alias, target in aliases.items() if alias not in ABBREVIATIONS}


def zone_aliases() -> dict[str, str]:
    """Old or alternative names and the canonical zone each stands for (``Europe/Kiev`` → ``Europe/Kyiv``)."""
    return dict(_aliases())


def resolve_zone(name: str) -> str:
    """The canonical zone ``name`` stands for; ValueError with the names to use instead."""
    name = name.strip()
    upper = name.upper()
    if upper in ABBREVIATIONS or (upper == name and name.isalpha() and 2 < len(name) < 6 and name != "UTC"):
        means = ABBREVIATIONS.get(upper)
        examples = ", ".join(means) if means else "Europe/Vienna, America/New_York"
        raise ValueError(f"'{name}' is an abbreviation, not a time zone; use an IANA name such as {examples}")
    if name in _canonical():
        return name
    alias = _aliases().get(name)
    if alias is not None:
        return alias
    raise ValueError(f"unknown time zone '{name}'; use an IANA name like Europe/Vienna")


def is_timezone(name: str) -> bool:
    """THE test of whether a zone name is acceptable (playbook.yml, ``clock --tz``, ``new --tz``): a zone
    or alias of tzdata.zi, as written, that :func:`resolve_zone` takes (no abbreviation).

    ``zoneinfo.ZoneInfo`` alone also loads ``posix/…``, ``right/…`` and ``localtime`` from the system's
    zoneinfo folder; those validated and then broke the clock in the browser.
    tests/browser/test_timezones.py checks every accepted name in Chromium's ``Intl``.
    """
    return name in _accepted()


@cache
def _accepted() -> frozenset[str]:
    zones, aliases = _tzdata()
    names = {*canonical_zones(), *zones, *aliases} - {"Factory"}
    accepted = set()
    for name in names:
        try:
            resolve_zone(name)
        except ValueError:
            continue
        accepted.add(name)
    return frozenset(accepted)


def accepted_timezones() -> list[str]:
    """Every name :func:`is_timezone` accepts, sorted: tzdata's zones and their aliases."""
    return sorted(_accepted())
