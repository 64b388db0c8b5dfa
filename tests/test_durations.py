"""Durations as plans write them (issue 13 item 4): compound, ranges, approximate; expected values by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from generator.deadlines import add
from generator.durations import Duration, parse_duration
from generator.model import Calendar

VIENNA = ZoneInfo("Europe/Vienna")


@pytest.mark.parametrize(("text", "read", "shown"), [
    ("5h30m", Duration(5, "hours", plus_minutes=30), "5 hours 30 minutes"),
    ("1 day 4h", Duration(1, "days", plus_minutes=240), "1 day 4 hours"),
    ("1 day, 4 hours and 30 minutes", Duration(1, "days", plus_minutes=270), "1 day 4 hours 30 minutes"),
    ("2 working days 2h", Duration(2, "business days", plus_minutes=120), "2 business days 2 hours"),
    ("15-20m", Duration(15, "minutes", up_to=20), "15\u201320 minutes"),
    ("2 to 3 days", Duration(2, "days", up_to=3), "2\u20133 days"),
    ("about 12h", Duration(12, "hours", about=True), "about 12 hours"),
    ("~ 1h30m", Duration(1, "hours", plus_minutes=30, about=True), "about 1 hour 30 minutes"),
    ("90m", Duration(90, "minutes"), "90 minutes"),
])
def test_durations_are_read_as_people_write_them(text: str, read: Duration, shown: str) -> None:
    assert parse_duration(text) == read
    assert str(read) == shown


@pytest.mark.parametrize(("text", "message"), [
    ("4h 1 day", "'4h 1 day' mixes its units in an order this tool cannot read; write one calendar unit first, "
                 "then hours, then minutes (like 1 day 4h or 5h30m)"),
    ("30m 2h", "'30m 2h' mixes its units in an order this tool cannot read; write one calendar unit first, then "
               "hours, then minutes (like 1 day 4h or 5h30m)"),
    ("1 day 2 days", "'1 day 2 days' mixes its units in an order this tool cannot read; write one calendar unit "
                     "first, then hours, then minutes (like 1 day 4h or 5h30m)"),
    ("20-15m", "'20-15m' is a range whose end is not after its start; write the earlier time first"),
    ("1h30", "'1h30' is not a duration; write it like 30m, 1h, 72h, 5h30m, 1 day 4h, 15-20m, about 12h, "
             "4 business days, 1 month"),
])
def test_durations_that_cannot_be_read_say_how_to_write_them(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_duration(text)
    assert str(raised.value) == message


def test_a_range_counts_its_earlier_end_and_an_approximate_time_counts_as_written() -> None:
    start = dt.datetime(2026, 7, 1, 9, 0, tzinfo=VIENNA)
    assert add(start, parse_duration("15-20m"), VIENNA) == dt.datetime(2026, 7, 1, 9, 15, tzinfo=VIENNA)
    assert add(start, parse_duration("about 12h"), VIENNA) == dt.datetime(2026, 7, 1, 21, 0, tzinfo=VIENNA)


def test_compound_durations_across_clock_changes() -> None:
    # 1 day 4h from Saturday 28 March 2026, 10:00 CET: the calendar day ends at the same wall time on Sunday
    # (10:00 CEST, the clocks went forward at 02:00), then 4 elapsed hours: 14:00 CEST = 12:00 UTC.
    start = dt.datetime(2026, 3, 28, 10, 0, tzinfo=VIENNA)
    assert add(start, parse_duration("1 day 4h"), VIENNA).astimezone(dt.UTC) == \
        dt.datetime(2026, 3, 29, 12, 0, tzinfo=dt.UTC)
    # 5h30m from 00:30 CEST on 25 October 2026 (22:30 UTC the day before), across the night the clocks go
    # back: 5 h 30 min elapsed is 04:00 UTC, 05:00 CET.
    start = dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC)
    assert add(start, parse_duration("5h30m"), VIENNA) == dt.datetime(2026, 10, 25, 4, 0, tzinfo=dt.UTC)


WINDOW = Calendar("AT", timezone="Europe/Vienna", hours="08:00-17:00")


@pytest.mark.parametrize(("start", "period", "due"), [
    # Friday 15:00 CET: 2 hours that day, the weekend skipped (the clocks go forward on Sunday), 2 hours on
    # Monday from 08:00 CEST: 10:00 CEST = 08:00Z.
    ("2026-03-27T14:00Z", "4 business hours", "2026-03-30T08:00Z"),
    # Saturday noon: nothing counts before Monday 08:00 CEST; + 4 hours = 12:00 CEST = 10:00Z.
    ("2026-03-28T11:00Z", "4 working hours", "2026-03-30T10:00Z"),
    # Thursday 16:00 CET: 1 hour that day, then 1 hour 30 minutes from Friday 08:00 CET: 09:30 CET = 08:30Z.
    ("2026-03-26T15:00Z", "2 business hours 30m", "2026-03-27T08:30Z"),
    # Exactly at closing time the day's window is used up: the next business day's 08:00 + 1 hour.
    ("2026-03-26T16:00Z", "1 business hour", "2026-03-27T08:00Z"),
])
def test_business_hours_count_only_inside_the_service_window(start: str, period: str, due: str) -> None:
    at = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    found = add(at, parse_duration(period), VIENNA, WINDOW).astimezone(dt.UTC)
    assert found == dt.datetime.fromisoformat(due.replace("Z", "+00:00"))


def test_business_hours_need_a_calendar_with_a_service_window() -> None:
    from tests.conftest import MINIMAL, edit, problems

    text = edit(MINIMAL.read_text(), "        due: 72h\n", "        due: 4 business hours\n")
    assert problems(text) == ["playbook.yml:58:5: regulators[0]: business-day deadlines need a holiday calendar; "
                              "add 'calendar: {country: XX}'"]
    text = edit(text, "    submit: Online form.\n", "    submit: Online form.\n    calendar: {country: AT}\n")
    assert problems(text) == ["playbook.yml:58:5: regulators[0]: business-hour deadlines need a service window; add "
                              "'hours: 08:00-17:00' (say) to the regulator's calendar"]
    assert problems(edit(text, "{country: AT}", "{country: AT, hours: 08:00-17:00}")) == []
