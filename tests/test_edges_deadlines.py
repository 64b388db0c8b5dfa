"""Edges of generator/deadlines.py that the mutation run found unpinned. Every expected time is
worked out by hand from the rule in the module's docstring, never by the engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator import open_playbook
from generator.deadlines import deadlines, read_time
from generator.model import Playbook
from tests.conftest import MINIMAL, edit

UTC = dt.UTC
VIENNA = ZoneInfo("Europe/Vienna")
#: The Saturday before Europe's clocks go forward (Sunday 29 March 2026, 02:00 CET → 03:00 CEST).
AWARE = dt.datetime(2026, 3, 28, 10, 0, tzinfo=VIENNA)  # 09:00 UTC


def playbook_with_stage(tmp_path: Path, due: str, start: str, more: str = "") -> Playbook:
    """The fixture with its one regulator stage due ``due`` from ``start``; ``more``: lines after it, indented
    8 spaces for the stage or 4 for its regulator."""
    text = edit(MINIMAL.read_text(), "        due: 72h\n        from: awareness\n",
                f"        due: {due}\n        from: {start}\n{more}")
    (tmp_path / "playbook.yml").write_text(text)
    return open_playbook(tmp_path / "playbook.yml").playbook


def test_days_count_in_the_playbooks_zone_when_no_zone_is_given(tmp_path: Path) -> None:
    # One calendar day in Vienna from Saturday 10:00 CET is Sunday 10:00 CEST: 23 hours, 08:00 UTC.
    [deadline] = deadlines(playbook_with_stage(tmp_path, "1 day", "awareness"), {"awareness": AWARE})
    assert deadline.due == dt.datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_days_count_in_the_zone_given_rather_than_the_playbooks(tmp_path: Path) -> None:
    # Counted in UTC, one day from Saturday 09:00 UTC is Sunday 09:00 UTC (no clock change in UTC).
    [deadline] = deadlines(playbook_with_stage(tmp_path, "1 day", "awareness"), {"awareness": AWARE},
                           zone=ZoneInfo("UTC"))
    assert deadline.due == dt.datetime(2026, 3, 29, 9, 0, tzinfo=UTC)


def test_a_stage_waiting_for_an_event_has_no_hint_until_awareness_is_known(tmp_path: Path) -> None:
    [deadline] = deadlines(playbook_with_stage(tmp_path, "72h", "detection"), {})
    assert (deadline.status, deadline.due, deadline.hint) == ("waiting", None, None)
    assert deadline.explanation == ("72 hours after detection; give the time of detection "
                                    "(first suspicion or discovery)")


def test_a_stage_waiting_for_an_event_hints_at_its_time_if_that_event_equals_awareness(tmp_path: Path) -> None:
    [deadline] = deadlines(playbook_with_stage(tmp_path, "72h", "detection"), {"awareness": AWARE})
    assert (deadline.status, deadline.due) == ("waiting", None)
    assert deadline.hint == dt.datetime(2026, 3, 31, 9, 0, tzinfo=UTC)  # 72 elapsed hours after 09:00 UTC


@pytest.mark.parametrize("text", ["2000-01-01T00:00", "2099-12-31T23:59"])
def test_times_in_the_first_and_last_year_the_clock_counts_are_read(text: str) -> None:
    assert read_time(text, VIENNA) == dt.datetime.fromisoformat(text).replace(tzinfo=VIENNA)


@pytest.mark.parametrize(("text", "year"), [("1999-12-31T23:59", 1999), ("2100-01-01T00:00", 2100)])
def test_times_outside_the_years_the_clock_counts_are_refused(text: str, year: int) -> None:
    with pytest.raises(ValueError) as refused:
        read_time(text, VIENNA)
    assert str(refused.value) == f"the time is in the year {year}; the clock counts only 2000 to 2099 - check the date"


def test_a_time_with_a_fraction_of_a_second_in_the_spring_gap_is_refused_with_its_offsets() -> None:
    # 02:30 on 29 March 2026 does not exist in Vienna: at 02:00 CET (+01:00) the clocks went to 03:00
    # CEST (+02:00). Read with the offset before the change, 02:30:00.5+01:00 is 01:30:00.5 UTC, 03:30 CEST.
    with pytest.raises(ValueError) as refused:
        read_time("2026-03-29T02:30:00.5", VIENNA)
    assert str(refused.value) == (
        "2026-03-29T02:30:00.5 does not exist in Europe/Vienna: the clocks went forward that night (UTC offset "
        "+01:00 to +02:00). Give the time the clock showed, or write the offset, e.g. 2026-03-29T02:30:00.5+01:00 "
        "(which is 03:30 CEST)")


def test_the_hint_of_a_waiting_stage_is_capped_by_its_outer_limit_from_the_same_event(tmp_path: Path) -> None:
    # Awareness Tuesday 10 March 2026, 10:00 CET. If detection equals it: one month later is 10 April,
    # 30 days later is 9 April; the earlier counts. 9 April 10:00 CEST (+02:00) is 08:00 UTC.
    playbook = playbook_with_stage(tmp_path, "1 month", "detection",
                                   "        no_later_than: {due: 30 days, from: detection}\n")
    [deadline] = deadlines(playbook, {"awareness": dt.datetime(2026, 3, 10, 10, 0, tzinfo=VIENNA)})
    assert (deadline.status, deadline.due) == ("waiting", None)
    assert deadline.hint == dt.datetime(2026, 4, 9, 8, 0, tzinfo=UTC)


def test_business_hours_that_end_as_the_window_closes_are_due_at_the_close(tmp_path: Path) -> None:
    # Monday 1 June 2026 (a working day in Austria), 13:00 CEST; 4 business hours in 08:00-17:00 end at
    # 17:00 that day (15:00 UTC), not when the window opens again on Tuesday.
    playbook = playbook_with_stage(tmp_path, "4 business hours", "awareness",
                                   '    calendar: {country: AT, hours: "08:00-17:00"}\n')
    [deadline] = deadlines(playbook, {"awareness": dt.datetime(2026, 6, 1, 13, 0, tzinfo=VIENNA)})
    assert deadline.due == dt.datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def test_a_chained_stage_says_what_it_counts_from_before_a_disputed_start(tmp_path: Path) -> None:
    # Awareness Wednesday 3 June 2026 10:00; the notification is due 72 hours later, Saturday 6 June 10:00.
    # The update, 2 business days after it, starts on a weekend: Tuesday 9 June if Monday is day 1,
    # Wednesday 10 June if the count waits. Both readings are shown, after how the stage is counted.
    playbook = playbook_with_stage(
        tmp_path, "72h", "awareness",
        "      - id: update\n        name: Update\n        due: 2 business days\n        from: notification\n"
        "    calendar: {country: AT}\n"
        "    counting: {non_business_start: disputed, dispute: The text does not say which day is day 1.}\n")
    notification, update = deadlines(playbook, {"awareness": dt.datetime(2026, 6, 3, 10, 0, tzinfo=VIENNA)})
    assert notification.due == dt.datetime(2026, 6, 6, 8, 0, tzinfo=UTC)
    assert (update.due, update.other) == (dt.datetime(2026, 6, 9, 8, 0, tzinfo=UTC),
                                          dt.datetime(2026, 6, 10, 8, 0, tzinfo=UTC))
    assert update.notes == (
        "Counted from the deadline of the notification, which is not marked as filed; once it is filed this "
        "deadline counts from the filing.",
        "The text does not say which day is day 1.")
