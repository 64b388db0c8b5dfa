"""The incident tools in headless Chromium, from file:// with the network off."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def enter(visit: Visit, selector: str, value: str) -> None:
    """Type into a field and leave it, as a person does (the tools act on the change event)."""
    visit.page.fill(selector, value)
    visit.page.dispatch_event(selector, "change")


def tick_first_item(visit: Visit) -> str:
    """Click the first checklist box where a person would (Material draws it over the hidden input)."""
    box = visit.page.locator(".task-list-item input").first.bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    visit.page.wait_for_timeout(100)
    return visit.page.locator(".task-list-item strong").first.inner_text()


def test_clock_shows_the_deadlines_for_a_known_awareness_time(visit: Visit) -> None:
    visit.open("incident.html")
    visit.page.select_option("#pb-zone", "Europe/Berlin")
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    enter(visit, "#pb-event-classification", "2026-03-27T13:30")
    rows = visit.page.locator("#pb-deadlines tbody tr[data-regulator][data-status=due]")
    first = [rows.nth(i).locator("td").all_inner_texts()[:3] for i in range(3)]
    first = [[due, utc, what.split("\n")[0]] for due, utc, what in first]
    assert first == [
        ["Fri 2026-03-27 17:30 CET", "2026-03-27 16:30Z",
         "Austrian Financial Market Authority (FMA) - DORA major ICT-related incident: Initial notification"],
        ["Mon 2026-03-30 11:00 CEST", "2026-03-30 09:00Z",
         "Austrian Data Protection Authority (DSB): Notification to the supervisory authority"],
        ["Mon 2026-03-30 11:00 CEST", "2026-03-30 09:00Z",
         "Serbian Commissioner for Personal Data Protection: Notification to the Commissioner"],
    ]
    assert "OVERDUE by" in rows.first.locator("td.pb-left").inner_text()
    assert rows.first.get_attribute("class") == "pb-overdue"
    echo = visit.page.locator("#pb-echo-awareness").inner_text()
    assert echo == "read as Fri 2026-03-27 10:00 CET = 2026-03-27 09:00Z"
    # Filed now: the intermediate report counts 72 hours from the filing, and the log says so.
    rows.first.locator("button.pb-file-now").click()
    intermediate = visit.page.locator("#pb-deadlines tr[data-stage=intermediate]")
    assert "Counted from the filing of the initial notification." in intermediate.inner_text()
    assert visit.page.evaluate("JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key)).log.some("
                               "e => e.kind === 'filed' && e.text.indexOf('Initial notification') > 0)")
    visit.open("incident.html")  # the moments are remembered
    assert visit.page.input_value("#pb-event-awareness") == "2026-03-27T10:00"
    assert visit.errors == []
    assert visit.outside_requests() == []


def test_the_deadline_list_comes_first_and_a_repeated_hour_is_never_read_silently(visit: Visit) -> None:
    visit.open("incident.html")
    headings = visit.page.locator("article h2").all_inner_texts()
    assert headings[0].startswith("Deadlines")
    visit.page.select_option("#pb-zone", "Europe/Vienna")
    enter(visit, "#pb-event-awareness", "2026-10-25T02:30")
    echo = visit.page.locator("#pb-echo-awareness")
    assert echo.inner_text().startswith("read as Sun 2026-10-25 02:30 CEST = 2026-10-25 00:30Z. This time happened "
                                        "twice in Europe/Vienna")
    echo.locator("button").click()
    assert visit.page.locator("#pb-echo-awareness").inner_text().startswith(
        "read as Sun 2026-10-25 02:30 CET = 2026-10-25 01:30Z")
    visit.page.select_option("#pb-zone", "Asia/Kolkata")  # the typed wall-clock time is read again
    assert visit.page.locator("#pb-echo-awareness").inner_text().startswith(
        "read as Sun 2026-10-25 02:30 GMT+5:30 = 2026-10-24 21:00Z")
    enter(visit, "#pb-event-awareness", "1899-10-25T02:30")
    assert "outside the years the clock counts (2000 to 2099)" in visit.page.locator("#pb-echo-awareness").inner_text()
    assert visit.errors == []


def test_a_stage_waiting_for_detection_shows_its_time_and_takes_awareness_in_one_click(visit: Visit) -> None:
    visit.open("incident.html")
    visit.page.select_option("#pb-zone", "Europe/Vienna")
    visit.page.select_option("#pb-show-zone", "UTC")
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    alert = visit.page.locator("#pb-deadlines tr[data-stage=alert]")
    assert alert.get_attribute("data-status") == "waiting"
    assert ("Enter the time of detection. If it equals awareness, due at Sat 2026-03-28 09:00 UTC = "
            "2026-03-28 09:00Z.") in alert.inner_text()
    alert.locator("button.pb-use-awareness").click()
    assert visit.page.input_value("#pb-event-detection") == "2026-03-27T10:00"
    alert = visit.page.locator("#pb-deadlines tr[data-stage=alert]")
    assert alert.get_attribute("data-status") == "due"
    assert alert.locator("td").first.inner_text() == "Sat 2026-03-28 09:00 UTC"  # shown in UTC, counted in Vienna
    visit.page.locator("#pb-now-classification").click()
    now = visit.page.input_value("#pb-event-classification")
    assert visit.page.locator("#pb-echo-classification").inner_text().startswith("read as ")
    assert now[:4] == str(dt.datetime.now(dt.UTC).year)
    assert visit.errors == []


@pytest.mark.parametrize(("hours_ago", "marks"), [
    (70.25, {"pb-soon"}), (71.75, {"pb-soon", "pb-very-soon"}), (73, {"pb-overdue"}), (69.5, set()),
])
def test_deadlines_due_soon_stand_out_and_overdue_ones_are_unmistakable(
        visit: Visit, hours_ago: float, marks: set[str]) -> None:
    from zoneinfo import ZoneInfo

    visit.open("incident.html")
    visit.page.select_option("#pb-zone", "Europe/Vienna")
    aware = dt.datetime.now(ZoneInfo("Europe/Vienna")) - dt.timedelta(hours=hours_ago)
    enter(visit, "#pb-event-awareness", aware.strftime("%Y-%m-%dT%H:%M"))
    visit.page.wait_for_timeout(1100)  # one tick of the countdown
    row = visit.page.locator("#pb-deadlines tr[data-regulator=at-dsb]")  # GDPR: 72 hours after awareness
    assert set((row.get_attribute("class") or "").split()) == marks
    left = row.locator("td.pb-left").inner_text()
    assert left.startswith("OVERDUE by ") if "pb-overdue" in marks else left.startswith("in ")


def test_events_in_an_impossible_order_are_flagged(visit: Visit) -> None:
    visit.open("incident.html")
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    enter(visit, "#pb-event-classification", "2026-03-27T09:00")
    assert visit.page.locator("#pb-order").inner_text() == (
        "Classification is before awareness: an incident cannot be classified before anyone is aware of it. "
        "Check the times.")
    enter(visit, "#pb-event-classification", "2026-03-27T11:00")
    assert visit.page.locator("#pb-order").inner_text() == ""


def test_an_unreadable_stored_incident_is_kept_and_reported(visit: Visit) -> None:
    visit.open("incident.html")
    visit.page.evaluate("localStorage.setItem(window.PLAYBOOK_DATA.key, '{\"log\": [broken')")
    visit.open("incident.html")
    warning = visit.page.locator(".pb-unreadable")
    assert "could not be read" in warning.inner_text()
    kept = visit.page.evaluate("Object.keys(localStorage).filter(k => k.indexOf('/unreadable/') > 0)"
                               ".map(k => localStorage.getItem(k))")
    assert kept == ['{"log": [broken']
    visit.open("incident.html")  # still said on the next visit, and the new log works
    assert visit.page.locator(".pb-unreadable").count() == 1
    assert visit.errors == []


def test_tick_survives_a_reload_and_counts_on_the_home_page(visit: Visit) -> None:
    visit.open("phases/assessment.html")
    tick_first_item(visit)
    visit.open("phases/assessment.html")
    assert visit.page.locator(".task-list-item input").first.is_checked()
    assert visit.page.locator(".pb-tick").first.inner_text().startswith("✓ ")
    visit.open("index.html")
    assert visit.page.locator(".pb-progress[data-phase='assessment']").inner_text() == "1 of 9 done"
    assert visit.errors == []


def test_export_contains_the_tick_and_the_note(visit: Visit) -> None:
    visit.open("incident.html")
    enter(visit, "#pb-initials", "AH")
    enter(visit, "#pb-incident-name", "DP-2026-014")
    visit.open("phases/assessment.html")
    action = tick_first_item(visit)
    visit.open("incident.html")
    visit.page.fill("#pb-note", "Board chair informed by phone.")
    visit.page.click("#pb-add-note")
    visit.page.select_option("#pb-status", "confirmed")
    with visit.page.expect_download() as markdown:
        visit.page.click("#pb-export-md")
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert markdown.value.suggested_filename == "DP-2026-014-log.md"
    assert text.startswith("# Incident log: DP-2026-014\n")
    assert f"| AH | ticked: {action} (Detection and assessment) |" in text
    assert "| AH | Board chair informed by phone. |" in text
    assert "| AH | status: Reported event \u2192 Confirmed incident |" in text  # its text, not "status: undefined"
    with visit.page.expect_download() as raw:
        visit.page.click("#pb-export-json")
    log: dict[str, Any] = json.loads(Path(raw.value.path()).read_text(encoding="utf-8"))
    assert log["playbook"] == {"organisation": "Danubia Pay AG", "version": "3.1"}
    assert [(e["kind"], e["item"], e["by"]) for e in log["entries"]][:1] == [("ticked", "assess-alarm", "AH")]
    assert visit.errors == []


def test_new_incident_clears_the_ticks_after_confirmation(visit: Visit) -> None:
    visit.open("phases/assessment.html")
    tick_first_item(visit)
    visit.open("incident.html")
    visit.page.once("dialog", lambda dialog: dialog.dismiss())
    visit.page.click("#pb-new-incident")
    visit.open("phases/assessment.html")
    assert visit.page.locator(".task-list-item input").first.is_checked()  # cancelled: nothing cleared
    visit.open("incident.html")
    visit.page.fill("#pb-incident-name", "Second incident")
    visit.page.once("dialog", lambda dialog: dialog.accept())
    with visit.page.expect_navigation():
        visit.page.click("#pb-new-incident")
    assert visit.page.input_value("#pb-incident-name") == "Second incident"
    visit.open("phases/assessment.html")
    assert not visit.page.locator(".task-list-item input").first.is_checked()
    assert visit.errors == []


def test_storage_is_keyed_by_playbook_version(visit: Visit) -> None:
    visit.open("index.html")
    assert visit.page.evaluate("window.PLAYBOOK_DATA.key") == "crisis-playbook/danubia-pay-ag/3.1"


def test_composer_fills_a_message_and_copies_it(visit: Visit) -> None:
    # Record what is copied instead of touching the machine's clipboard.
    visit.page.add_init_script(
        "window.__copied = []; navigator.clipboard.writeText = "
        "t => { window.__copied.push(t); return Promise.resolve(); };"
    )
    visit.open("facts.html")
    visit.page.fill("#pb-fact-affected_services", "card payments in the web shop")
    visit.open("messages/social-post.html")
    assert visit.page.locator(".pb-compose").inner_text().startswith("Every blank is filled.")
    assert "of 280 characters" in visit.page.locator(".pb-compose").inner_text()
    visit.page.click(".pb-copy")
    copied = visit.page.evaluate("window.__copied")
    assert copied == ["We are dealing with a security incident affecting card payments in the web shop. Our teams are "
                      "working on it. We never ask for passwords or card details. Updates: "
                      "https://www.danubiapay.example/security-update"]
    visit.open("messages/holding-statement.html")
    assert visit.page.locator(".pb-compose p").first.inner_text() == (
        "Still empty: [[ what_happened ]], [[ discovered_at ]], [[ known_facts ]], [[ unknown_facts ]], "
        "[[ next_update ]]."
    )
    assert visit.errors == []


def test_release_planner_shows_every_office(visit: Visit) -> None:
    visit.open("incident.html")
    visit.page.select_option("#pb-release-zone", "Europe/Vienna")
    enter(visit, "#pb-release-time", "2026-03-31T09:00")
    rows = visit.page.locator("#pb-release-table tbody tr")
    places = {rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("td").nth(2).inner_text()
              for i in range(rows.count())}
    assert places["Head office, Vienna"] == "Tue 2026-03-31 09:00 CEST"
    assert places["Engineering hub, Belgrade"] == "Tue 2026-03-31 09:00 CEST"
    assert places["Customer-care centre, Lisbon"] == "Tue 2026-03-31 08:00 WEST"
    assert visit.page.locator("#pb-embargo").inner_text().startswith(
        "Embargo lifts for Media at Tue 2026-03-31 09:00 CEST (2026-03-31 07:00Z)")
    assert visit.errors == []


def test_messages_fill_live_from_facts_typed_in_another_tab(visit: Visit) -> None:
    visit.open("messages/customer-sms.html")
    facts = visit.page.context.new_page()
    facts.goto((visit.site / "facts.html").as_uri())
    facts.fill("#pb-fact-what_happened", "x")  # the SMS has no incident blanks: stays complete
    visit.page.wait_for_timeout(200)
    assert visit.page.locator(".pb-compose").inner_text().startswith("Every blank is filled.")
    visit.open("messages/partner-notice.html")
    facts.fill("#pb-fact-release_time", "31 March 2026 at 09:00 CEST")
    visit.page.wait_for_function(
        "document.querySelector('#message-partner-notice mark[data-fact=release_time]').textContent"
        " === '31 March 2026 at 09:00 CEST'")
    assert "[[ release_time ]]" not in visit.page.locator(".pb-compose p").first.inner_text()
    facts.close()


def test_filled_clock_reads_at_phone_width(visit: Visit) -> None:
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.open("incident.html")
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    enter(visit, "#pb-release-time", "2026-03-31T09:00")
    overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the incident page scrolls sideways by {overflow}px at phone width"
    hidden = visit.page.evaluate(
        "(() => { const t = document.getElementById('pb-deadlines'); return t.scrollWidth - t.clientWidth; })()")
    assert hidden <= 0, f"{hidden}px of the deadline table (the countdown) need sideways scrolling"
    left = visit.page.locator("#pb-deadlines td.pb-left").first
    assert left.inner_text().startswith(("in ", "OVERDUE by "))


def test_checklist_deadlines_join_the_clock_from_awareness_a_phase_start_and_a_milestone(visit: Visit) -> None:
    visit.open("incident.html")
    visit.page.select_option("#pb-zone", "Europe/Vienna")
    visit.page.select_option("#pb-show-zone", "Europe/Vienna")
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    first = visit.page.locator("#pb-deadlines tbody tr").first
    # assess-alarm is due 15 minutes after awareness: by hand, 10:15 CET, before any regulator deadline.
    assert first.get_attribute("data-item") == "assess-alarm"
    assert first.locator("td").all_inner_texts()[:2] == ["Fri 2026-03-27 10:15 CET", "2026-03-27 09:15Z"]
    video = visit.page.locator("#pb-deadlines tr[data-item=disclose-video]")
    assert video.get_attribute("data-status") == "waiting"
    assert "Enter the time of Public release." in video.inner_text()
    # The start of a phase, entered: disclose-approve is due 2 hours after it (Saturday 08:00 CET + 2h).
    enter(visit, "#pb-event-phase-disclosure", "2026-03-28T08:00")
    approve = visit.page.locator("#pb-deadlines tr[data-item=disclose-approve]")
    assert approve.locator("td").all_inner_texts()[:2] == ["Sat 2026-03-28 10:00 CET", "2026-03-28 09:00Z"]
    # A milestone is reached when the item that marks it is ticked: the video is due 2 hours after that tick.
    visit.open("phases/disclosure.html")
    box = visit.page.locator("li:has(#item-disclose-release) input[type=checkbox]").bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    ticked = visit.page.evaluate("JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key))"
                                 ".ticks['disclose-release'].at")
    visit.open("incident.html")
    video = visit.page.locator("#pb-deadlines tr[data-item=disclose-video]")
    assert video.get_attribute("data-status") == "due"
    assert video.locator("td.pb-left").get_attribute("data-due") == str(ticked + 2 * 60 * 60 * 1000)
    assert "2 hours after public release" in video.inner_text()
    assert visit.errors == []
    assert visit.outside_requests() == []


def test_a_repeating_duty_shows_its_next_time_and_counts_them(visit: Visit) -> None:
    visit.open("incident.html")
    # The FMA update repeats every day from the start of notification: started Friday 27 March 2026, 10:00 CET
    # (09:00Z). By hand: Saturday 10:00 CET (09:00Z), Sunday 10:00 CEST (08:00Z: the clocks went forward),
    # Monday 10:00 CEST (08:00Z). On Sunday at 21:00Z the next is the third, on Monday.
    rows = visit.page.evaluate("""() => window.PlaybookClock.itemDeadlines(
        {"phase:notification": Date.UTC(2026, 2, 27, 9)}, {}, "Europe/Vienna", Date.UTC(2026, 2, 29, 21))
        .filter(r => r.item.id === "notify-fma-daily").map(r => [r.due, r.occurrence, r.why])""")
    assert rows == [[int(dt.datetime(2026, 3, 30, 8, tzinfo=dt.UTC).timestamp() * 1000), 3,
                     "every 1 day after the start of Regulator notification until the FMA closes the case"]]
    assert visit.errors == []


def test_a_procedure_step_is_ticked_into_the_log_and_counts_in_no_phase(visit: Visit) -> None:
    visit.open("index.html")
    before = visit.page.locator(".pb-progress").all_inner_texts()
    visit.open("procedures/stand-down.html")
    box = visit.page.locator("li:has(#item-stand-down-confirm) input[type=checkbox]").bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    state = visit.page.evaluate("JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key))")
    assert "stand-down-confirm" in state["ticks"]
    assert any(e.get("item") == "stand-down-confirm" and e["kind"] == "ticked" for e in state["log"])
    visit.open("index.html")
    assert visit.page.locator(".pb-progress").all_inner_texts() == before
    assert visit.errors == []
    assert visit.outside_requests() == []


def test_the_status_follows_the_plans_lifecycle_and_goes_into_the_log(visit: Visit) -> None:
    visit.open("incident.html")
    options = visit.page.locator("#pb-status option").all_inner_texts()
    assert options == ["Reported event", "Confirmed incident", "False alarm"]  # where it starts, and what it may become
    visit.page.select_option("#pb-status", "false-alarm")
    assert visit.page.locator("#pb-status option").all_inner_texts() == ["False alarm"]  # final
    state = visit.page.evaluate("JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key))")
    assert state["status"] == "false-alarm"
    assert state["log"][-1]["kind"] == "status"
    assert state["log"][-1]["text"] == "status: Reported event \u2192 False alarm"
    visit.open("incident.html")
    assert visit.page.locator("#pb-status").input_value() == "false-alarm"
    assert "Run Stand-down after a false alarm." in visit.page.locator("article").inner_text()
    assert visit.errors == []


def test_a_repeating_report_shows_its_next_time_on_the_clock(visit: Visit) -> None:
    from zoneinfo import ZoneInfo

    vienna = ZoneInfo("Europe/Vienna")
    now = dt.datetime.now(vienna)
    detected = (now - dt.timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    visit.open("incident.html")
    visit.page.select_option("#pb-zone", "Europe/Vienna")
    visit.page.select_option("#pb-show-zone", "Europe/Vienna")
    enter(visit, "#pb-event-awareness", detected.strftime("%Y-%m-%dT%H:%M"))
    enter(visit, "#pb-event-detection", detected.strftime("%Y-%m-%dT%H:%M"))
    # The alert is due a day after detection; the updates a day after the alert, then every day at 10:00
    # Vienna time: times 1, 2, 3 fell 3, 2 and 1 days ago; time 4 is today at 10:00, time 5 tomorrow.
    expected = 4 if now.time() < dt.time(10, 0) else 5
    row = visit.page.locator("#pb-deadlines tr[data-regulator=card-schemes][data-stage=updates]")
    assert f"Then every 1 day until the acquirer closes its case. Next: time {expected}, " in row.inner_text()
    assert visit.errors == []
