"""Exercise mode in the incident tools (issue 17, parts 3-5), from file:// with the network off.

An exercise of the ransomware pack runs on a clock 3600 times faster (a simulated hour per real second): the
first injects appear at their times, the log is kept apart from the real incident's and every page says
EXERCISE; the DORA initial notification (outer limit 24 hours after awareness) is deliberately never filed,
and `playbook after-action` on the exported log reports it missed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_incident_tools import enter, tick_first_item
from tests.conftest import EXAMPLE, invoke

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _shown(visit: Visit) -> list[str]:
    return [a.get_attribute("href") or "" for a in visit.page.query_selector_all("#pb-injects-shown a")]


def _export(visit: Visit, button: str) -> tuple[str, str]:
    with visit.page.expect_download() as download:
        visit.page.click(button)
    return download.value.suggested_filename, Path(download.value.path()).read_text(encoding="utf-8")


def test_an_exercise_runs_offline_apart_from_the_incident_and_after_action_finds_the_missed_deadline(
        visit: Visit, tmp_path: Path) -> None:
    visit.open("incident.html")
    enter(visit, "#pb-incident-name", "REAL-1")
    real = visit.page.evaluate("() => localStorage.getItem(window.PLAYBOOK_DATA.key)")
    assert visit.page.query_selector("#pb-exercise-band") is None  # no exercise: no band

    visit.open("exercise/ransomware.html")
    assert visit.page.is_visible("#inject-journalist")  # the facilitator reads every card before it starts
    visit.page.select_option("#pb-exercise-speed", "3600")
    visit.page.click("#pb-start-exercise")
    visit.page.wait_for_load_state("load")
    visit.page.locator("#pb-injects-shown a").nth(2).wait_for(timeout=10000)
    assert _shown(visit)[:3] == ["#inject-start", "#inject-deputy-crisis-lead", "#inject-own-ceo-on-a-plane"]
    assert visit.page.is_visible("#inject-start") and not visit.page.is_visible("#inject-journalist")  # no phase yet
    assert "EXERCISE" in visit.page.inner_text("#pb-exercise-band")

    visit.open("phases/assessment.html")  # the team acts: the first item, ticked under the exercise
    assert "EXERCISE" in visit.page.inner_text("#pb-exercise-band")  # every page says so
    assert "injects shown" in visit.page.inner_text("#pb-exercise-injects")
    assert visit.page.get_attribute("#pb-exercise-injects", "href") == "../exercise/ransomware.html"
    tick_first_item(visit)  # assess-alarm

    visit.open("messages/holding-statement.html")  # two of its approvers approve (quorum 2), then it is copied
    for role in ("comms-lead", "legal"):
        visit.page.select_option(".pb-approver", role)
        visit.page.click(".pb-record-approval")
    visit.page.click(".pb-copy")

    visit.open("incident.html")
    # The real incident is untouched, and the exercise's log is its own.
    assert visit.page.evaluate("() => localStorage.getItem(window.PLAYBOOK_DATA.key)") == real
    assert visit.page.input_value("#pb-incident-name") == "Exercise: ransomware"
    visit.page.wait_for_timeout(25000)  # more than 24 simulated hours: the DORA outer limit passes, unfiled
    name, markdown = _export(visit, "#pb-export-md")
    assert name == "EXERCISE-Exercise-ransomware-log.md"
    assert markdown.startswith("# EXERCISE \u2014 Incident log: Exercise: ransomware\n")
    name, raw = _export(visit, "#pb-export-json")
    log: dict[str, Any] = json.loads(raw)
    assert (log["format"], log["version"], log["mode"]) == ("crisis-playbook-log", 1, "exercise")
    assert log["exercise"]["scenario"] == "ransomware" and log["exercise"]["speed"] == 3600
    assert "assess-alarm" in log["ticks"] and log["filed"] == {}
    shown = [e["inject"] for e in log["entries"] if e["kind"] == "inject"]
    assert shown[:3] == ["start", "deputy-crisis-lead", "own-ceo-on-a-plane"]
    assert "deadline-at-fma-initial" in shown  # due at T+22:00 while the incident page was open: logged all the same
    assert "journalist" not in shown  # counted from the start of Covert preparation, which nobody recorded
    assert visit.errors == []

    saved = tmp_path / "exercise-log.json"
    saved.write_text(raw, encoding="utf-8")
    code, output = invoke("after-action", str(saved), str(EXAMPLE))
    assert code == 0, output
    dora = next(line for line in output.splitlines() if "ICT-related incident: Initial notification |" in line)
    assert dora.endswith("| not filed | missed |")  # the outer limit, 24 hours after awareness, passed unfiled
    assert "| Holding statement | Communication lead, Legal counsel | 2 | rule met |" in output
    alarm = next(line for line in output.splitlines() if "(assess-alarm," in line)
    assert alarm.endswith(" | late |") or alarm.endswith(" | on time |")  # ticked: never "never done"
    assert "- finding: 'Exercise: the Initial notification to Austrian Financial Market Authority (FMA) - DORA major " \
           "ICT-related incident was not filed by its deadline" in output


def test_an_exercise_marks_a_copied_command_on_a_comment_line_and_a_copied_message_in_front(visit: Visit) -> None:
    # Record what is copied instead of touching the machine's clipboard.
    visit.page.add_init_script("window.__copied = []; navigator.clipboard.writeText = "
                               "t => { window.__copied.push(t); return Promise.resolve(); };")
    visit.open("exercise/ransomware.html")
    visit.page.click("#pb-start-exercise")
    visit.page.wait_for_load_state("load")
    visit.open("phases/notification.html")
    item = visit.page.locator(".task-list-item", has=visit.page.locator("#item-notify-record"))
    item.locator("button.pb-copy-code").click()
    # A pasted command still runs: the shell skips the comment line above it.
    assert visit.page.evaluate("window.__copied") == [
        "# EXERCISE \u2014 nothing here is a real incident\nplaybook clock --aware TIME --filed at-fma/initial=TIME"]
    visit.open("messages/social-post.html")
    visit.page.click(".pb-copy")
    assert visit.page.evaluate("window.__copied") == [  # a message says it in its first words
        "EXERCISE \u2014 We are dealing with a security incident affecting [[ affected_services ]]. Our teams are "
        "working on it. We never ask for passwords or card details. Updates: "
        "https://www.danubiapay.example/security-update"]
    assert visit.errors == []


#: Records what the theme's copy button (clipboard.js: a selected hidden textarea and `execCommand("copy")`) and the
#: playbook's own buttons (`navigator.clipboard`) copy, instead of touching the machine's clipboard.
RECORD_COPIES = """
window.__copied = [];
navigator.clipboard.writeText = t => { window.__copied.push(t); return Promise.resolve(); };
document.execCommand = command => {
  const area = document.activeElement;
  if (command === "copy") { window.__copied.push(area.value.slice(area.selectionStart, area.selectionEnd)); }
  return true;
};
"""


def test_an_exercise_marks_what_the_themes_copy_button_copies_and_logs_a_copied_message(visit: Visit) -> None:
    visit.page.add_init_script(RECORD_COPIES)
    visit.open("exercise/ransomware.html")
    visit.page.click("#pb-start-exercise")
    visit.page.wait_for_load_state("load")
    visit.open("messages/social-post.html")
    visit.page.locator("#message-social-post").hover()  # the theme shows its button on hover
    visit.page.locator("#message-social-post button[data-clipboard-target]").click()
    assert visit.page.evaluate("window.__copied") == [
        "EXERCISE \u2014 We are dealing with a security incident affecting [[ affected_services ]]. Our teams are "
        "working on it. We never ask for passwords or card details. Updates: "
        "https://www.danubiapay.example/security-update"]
    copied = visit.page.evaluate("() => JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key + '/exercise'))"
                                 ".log.filter(e => e.kind === 'copied').map(e => e.message)")
    assert copied == ["social-post"]

    visit.open("verify.html")  # a command: the mark on a comment line of its own, so that it still runs
    block = visit.page.locator("pre", has_text="playbook verify").first
    block.hover()
    block.locator("xpath=..").locator("button[data-clipboard-target]").click()
    assert visit.page.evaluate("window.__copied") == [
        "# EXERCISE \u2014 nothing here is a real incident\nplaybook verify danubia-pay-ag-3-1-offline.zip\n"
        "playbook verify site/"]
    assert visit.errors == []


def test_outside_an_exercise_the_themes_copy_button_copies_the_text_as_shown(visit: Visit) -> None:
    visit.page.add_init_script(RECORD_COPIES)
    visit.open("messages/social-post.html")
    visit.page.locator("#message-social-post").hover()
    visit.page.locator("#message-social-post button[data-clipboard-target]").click()
    assert visit.page.evaluate("window.__copied") == [
        "We are dealing with a security incident affecting [[ affected_services ]]. Our teams are "
        "working on it. We never ask for passwords or card details. Updates: "
        "https://www.danubiapay.example/security-update"]
    assert visit.page.evaluate("() => localStorage.getItem(window.PLAYBOOK_DATA.key)") is None
    assert visit.errors == []


def test_the_call_tree_test_records_who_answered_and_wrong_numbers_become_findings(visit: Visit,
                                                                                    tmp_path: Path) -> None:
    visit.open("call-tree.html")
    visit.page.click("#pb-start-call-tree")
    visit.page.wait_for_load_state("load")
    first = visit.page.locator("#pb-call-tree tr[data-call='crisis-lead/katharina-wolf']")
    first.locator("select").select_option(index=1)
    first.locator("button[data-outcome=answered]").click()
    deputy = visit.page.locator("#pb-call-tree tr[data-call='crisis-lead/stefan-gruber']")
    deputy.locator("button[data-outcome=wrong-number]").click()
    visit.page.set_viewport_size({"width": 390, "height": 844})  # on a phone the table scrolls, not the page
    assert visit.page.evaluate("() => document.documentElement.scrollWidth") == 390
    visit.open("incident.html")
    _, raw = _export(visit, "#pb-export-json")
    exported = json.loads(raw)
    assert exported["findings"] == ["Call-tree test: the number of Stefan Gruber (Crisis team lead, deputy 1) on "
                                    "Signal: +43 660 5559102 was wrong or stale."]
    calls = [e for e in exported["entries"] if e["kind"] == "call"]
    assert [(c["call"], c["outcome"], c["channel"]) for c in calls] == [
        ("crisis-lead/katharina-wolf", "answered", "Mobile: +43 660 5550101"),
        ("crisis-lead/stefan-gruber", "wrong-number", "Signal: +43 660 5559102")]
    saved = tmp_path / "call-tree-log.json"
    saved.write_text(raw, encoding="utf-8")
    code, output = invoke("after-action", str(saved), str(EXAMPLE))
    assert code == 0, output
    assert "Stefan Gruber" in output and "wrong or stale number" in output
    assert "- finding: 'Call-tree test: the number of Stefan Gruber (Crisis team lead, deputy 1) on Signal: " \
           "+43 660 5559102 was wrong or stale.'" in output
    assert visit.errors == []
