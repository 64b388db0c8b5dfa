"""Only time zones the browser's incident clock knows: tzdata's names, not the system's posix/, right/ or localtime."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from generator.zones import accepted_timezones, is_timezone
from tests.conftest import edit, invoke, problems


@pytest.mark.parametrize("zone", ["posix/Europe/Vienna", "right/UTC", "localtime", "Factory", "posixrules",
                                  "Europe/Vienna/", "../zoneinfo/UTC"])
def test_zones_the_system_loads_but_the_browser_does_not_are_refused(minimal: str, zone: str) -> None:
    assert not is_timezone(zone)
    [message] = problems(edit(minimal, "timezone: Europe/Vienna", f"timezone: {zone}"))
    assert message.startswith(f"playbook.yml:12:3: document.timezone: unknown time zone '{zone}'")
    code, output = invoke("clock", "--aware", "2026-03-27T10:00", "--tz", zone)
    assert code == 2
    assert f"unknown time zone '{zone}'" in output
    assert invoke("new", "x", "--tz", zone)[0] == 2


@pytest.mark.parametrize("zone", ["Europe/Vienna", "Europe/Kyiv", "Europe/Kiev", "US/Eastern", "UTC", "Etc/GMT-14"])
def test_canonical_names_and_their_aliases_are_accepted(zone: str) -> None:
    assert is_timezone(zone)


def test_every_accepted_zone_loads() -> None:
    assert len(accepted_timezones()) > 500
    for zone in accepted_timezones():
        zoneinfo.ZoneInfo(zone)


def test_time_zones_come_from_the_pinned_tzdata_package_not_the_machine() -> None:
    from importlib import resources

    import generator  # noqa: F401  (importing it is what empties the search path)

    assert zoneinfo.TZPATH == ()
    instant = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    for name in ("America/Vancouver", "America/Edmonton", "Africa/Casablanca", "Pacific/Chatham", "Europe/Vienna"):
        with resources.files("tzdata").joinpath("zoneinfo", *name.split("/")).open("rb") as data:
            packaged = zoneinfo.ZoneInfo.from_file(data, key=name)
        assert instant.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() == instant.astimezone(packaged).utcoffset()
