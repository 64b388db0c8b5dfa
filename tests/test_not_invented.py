"""Nothing invented (issue 13 item 1): what the plan leaves open is shown as open, never filled in."""

from __future__ import annotations

from pathlib import Path

from generator import open_playbook
from generator.render import render_pages
from generator.schema_json import json_schema, reference
from tests.conftest import MINIMAL, TODAY, edit, problems

NOT_SET = "When to call the next person: not set in the plan."


def _pages(text: str, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    model = open_playbook(path, strict=True, today=TODAY, private=False).playbook
    return {page.path: page.markdown for page in render_pages(model)}


def test_a_role_without_an_escalation_time_is_valid_and_shown_as_not_set(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "    escalate_after: 15m\n", "")
    assert problems(text) == []
    pages = _pages(text, tmp_path)
    role = "Owns what we say. " + NOT_SET
    assert role in pages["contacts.md"]
    assert role in pages["print.md"]
    assert f"<small>{NOT_SET} Version" in pages["cards.md"]
    assert "  Deputy: [Bob Example](contacts.md#contact-bob). When to call the deputy: not set in the plan.\n" \
        in pages["index.md"]
    for markdown in pages.values():
        assert "No answer within" not in markdown and "If no answer within" not in markdown


def test_a_stated_escalation_time_is_still_shown(tmp_path: Path) -> None:
    pages = _pages(MINIMAL.read_text(), tmp_path)
    assert "Owns what we say. If no answer within **15 minutes**, call the next person." in pages["contacts.md"]
    assert NOT_SET not in pages["contacts.md"]


def test_the_registry_documents_the_escalation_time_as_optional() -> None:
    roles = json_schema()["properties"]["roles"]["items"]
    assert "escalate_after" in roles["properties"] and "escalate_after" not in roles["required"]
    [field] = [f for f in reference() if f.path == "roles[].escalate_after"]
    assert (field.required, field.kind) == (False, "duration")
    assert field.description.endswith("Leave it out when the plan sets no time: the site then says it is not set "
                                      "in the plan.")


def _in_chat(text: str) -> str:
    """``text`` (the minimal fixture) as a plan that works in its usual chat: nothing out-of-band, no covert phase."""
    text = edit(text, "{type: signal, value: +43 660 000 0002, out_of_band: true}",
                "{type: signal, value: +43 660 000 0002}")
    return edit(text, "    kind: messenger\n    out_of_band: true\n", "    kind: messenger\n    out_of_band: false\n")


ATTACKER_FRAMING = ("attacker", "Do not use e-mail", "out-of-band channel first", "Out-of-band channels",
                    "may be watched")


def test_a_plan_that_works_in_chat_gets_no_covert_doctrine(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text(_in_chat(MINIMAL.read_text()), encoding="utf-8")
    model = open_playbook(path, today=TODAY, private=False).playbook
    assert not model.out_of_band_plan
    pages = render_pages(model)
    for page in pages:
        if page.path != "reference.md":  # the format reference describes every field, out_of_band included
            assert [words for words in ATTACKER_FRAMING if words in page.markdown] == [], page.path
    rendered = {page.path: page for page in pages}
    assert rendered["channels.md"].title == "Team channels"
    assert rendered["channels.md"].markdown.startswith("# Team channels\n\nHow the crisis team talks. When a channel "
                                                       "is down, move to its fallback.\n")
    assert "    Key people and how to reach them.\n" in rendered["index.md"].markdown
    assert "Call in this order. Where a role gives an escalation time, move to the next person when nobody " \
           "answers within it.\n" in rendered["contacts.md"].markdown


def test_a_plan_with_out_of_band_channels_keeps_the_warnings(tmp_path: Path) -> None:
    pages = {page.path: page for page in render_pages(
        open_playbook(MINIMAL, strict=True, today=TODAY, private=False).playbook)}
    assert pages["channels.md"].title == "Out-of-band channels"
    assert "Do not use e-mail or chat: the attacker may read them." in pages["index.md"].markdown
    assert "Use the out-of-band channel first" in pages["contacts.md"].markdown


def test_home_lists_the_first_steps_of_a_plan_without_due_times(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "        due: 1h\n        from: awareness\n", "")
    text += "      - id: respond-call\n        action: Call the insurance hotline.\n"
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    home = next(page.markdown for page in render_pages(open_playbook(path, strict=True, today=TODAY,
                                                                     private=False).playbook)
                if page.path == "index.md")
    assert "-   **[First steps](#first-steps)**\n\n    What the plan does first, and who does it.\n" in home
    assert "## First steps { #first-steps }\n\nNo checklist item is due within an hour of awareness. " \
           "The first 2 steps of [Respond](phases/respond.md), in the plan's order:\n\n" \
           "- [ ] <span class=\"pb-item\" data-item=\"respond-publish\"></span>**Publish the holding statement.** — " \
           "[Communication lead](contacts.md#role-comms-lead)\n" \
           "- [ ] <span class=\"pb-item\" data-item=\"respond-call\"></span>**Call the insurance hotline.** — " \
           "[Communication lead](contacts.md#role-comms-lead)\n" in home
    assert "first hour" not in home.lower() and "after awareness" not in home.split("## Deadlines")[0]


def test_first_steps_are_at_most_five_and_say_how_many_the_phase_has(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "        due: 1h\n        from: awareness\n", "")
    text += "".join(f"      - id: step-{n}\n        action: Step {n}.\n" for n in range(6))
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    home = next(page.markdown for page in render_pages(open_playbook(path, today=TODAY, private=False).playbook)
                if page.path == "index.md")
    assert "The first 5 steps of [Respond](phases/respond.md), in the plan's order (the phase has 7):" in home
    assert home.count('<span class="pb-item"') == 5


def test_sections_without_entries_get_no_page_no_nav_entry_and_no_link(tmp_path: Path) -> None:
    from generator.render import navigation

    text = MINIMAL.read_text()
    text = text[:text.index("regulators:\n")] + text[text.index("templates:\n"):]
    text = edit(text, "    regulators: [dpa]\n", "")
    path = tmp_path / "playbook.yml"
    path.write_text(text, encoding="utf-8")
    pages = render_pages(open_playbook(path, today=TODAY, private=False).playbook)
    paths = [page.path for page in pages]
    for empty in ("regulators.md", "offices.md", "severity.md", "scenarios.md", "glossary.md"):
        assert empty not in paths
        assert all(f"({empty}" not in page.markdown and f'"{empty}' not in page.markdown for page in pages), empty
    assert "facts.md" in paths  # the minimal playbook has incident facts
    titles = [next(iter(entry)) for entry in navigation(pages)]
    assert "Glossary" not in titles and "Regulators and deadlines" not in titles and "Offices and time zones" \
        not in titles
    printed = next(page.markdown for page in pages if page.path == "print.md")
    assert "## Glossary" not in printed and "## Regulators" not in printed


# --- what a plan may leave open or say explicitly (issue 13 item 1) --------------------------------

def test_a_message_without_approval_says_so_and_one_with_none_says_the_plan_has_no_step(tmp_path: Path) -> None:
    open_text = edit(MINIMAL.read_text(), "    approval: {approvers: [comms-lead]}\n", "")
    assert problems(open_text) == []
    pages = _pages(open_text, tmp_path)
    assert "| Approval | Not set in the plan |" in pages["messages/holding-statement.md"]
    assert "| not set in the plan |" in pages["messages/index.md"]
    assert "goes out only when they agree" not in pages["messages/index.md"]

    none_text = edit(MINIMAL.read_text(), "approval: {approvers: [comms-lead]}", "approval: none")
    assert problems(none_text) == []
    pages = _pages(none_text, tmp_path)
    assert "| Approval | None: the plan has no approval step for this message |" \
        in pages["messages/holding-statement.md"]
    assert "| no approval step |" in pages["messages/index.md"]


def test_an_approval_that_is_neither_a_list_nor_none_is_refused_with_what_to_write() -> None:
    text = edit(MINIMAL.read_text(), "approval: {approvers: [comms-lead]}", "approval: later")
    assert problems(text) == [
        "playbook.yml:80:5: templates[0].approval: the text 'later' is not an approval; list the approvers "
        "('approval: {approvers: [comms-lead]}') or write 'none' when the plan has no approval step"]
    text = edit(MINIMAL.read_text(), "approval: {approvers: [comms-lead]}", "approval: [comms-lead]")
    assert problems(text) == ["playbook.yml:80:5: templates[0].approval: expected a mapping of keys or text, "
                              "got a list"]


OUTLINE = """    outline:
      - What happened, in one sentence.
      - When the next update comes.
"""


def test_an_outline_message_is_shown_as_points_not_as_approved_text(tmp_path: Path) -> None:
    text = MINIMAL.read_text()
    body = text[text.index("    body: |"):text.index("phases:")]
    text = text.replace(body, OUTLINE)
    assert problems(text) == []
    page = _pages(text, tmp_path)["messages/holding-statement.md"]
    assert '!!! note "An outline, not approved text"\n    The plan gives no wording for this message: write it at ' \
           "the time, covering these points.\n\n- What happened, in one sentence.\n- When the next update comes.\n" \
        in page
    assert "pb-compose" not in page and "pb-message" not in page


def test_a_message_needs_a_body_or_an_outline_but_not_both() -> None:
    text = MINIMAL.read_text()
    body = text[text.index("    body: |"):text.index("phases:")]
    assert problems(text.replace(body, "")) == [
        "playbook.yml:73:5: templates[0]: missing required key 'body' (or 'outline', when the plan gives only the "
        "points the message must cover)"]
    assert problems(text.replace(body, body + OUTLINE)) == [
        "playbook.yml:86:5: templates[0].outline: give either a body or an outline, not both; an outline is for a "
        "message the plan has no approved text for"]


def _stage_due(due: str | None) -> str:
    return edit(MINIMAL.read_text(), "        due: 72h\n", f"        due: {due}\n" if due else "")


def test_a_stage_due_without_undue_delay_is_shown_in_the_rules_words_never_as_a_time(tmp_path: Path) -> None:
    from generator.deadlines import deadlines

    text = _stage_due("Without undue delay")
    assert problems(text) == []
    pages = _pages(text, tmp_path)
    assert "| Notification | without undue delay | awareness |" in pages["regulators.md"]
    assert "- **Without undue delay after awareness**: Notification — " in pages["index.md"]  # in words, no time
    path = tmp_path / "playbook.yml"
    model = open_playbook(path, today=TODAY, private=False).playbook
    import datetime as dt
    from zoneinfo import ZoneInfo

    [found] = deadlines(model, {"awareness": dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)}, ZoneInfo("Europe/Vienna"))
    assert (found.due, found.status, found.explanation) == (
        None, "no fixed period", "Without undue delay after awareness; no fixed period.")


def test_a_stage_with_no_deadline_in_the_plan_says_not_set(tmp_path: Path) -> None:
    text = _stage_due(None)
    assert problems(text) == []
    pages = _pages(text, tmp_path)
    assert "| Notification | not set in the plan | awareness |" in pages["regulators.md"]
    assert "- **From awareness: not set in the plan**: Notification — " in pages["index.md"]
    assert problems(_stage_due("soonish")) == [
        "playbook.yml:68:9: regulators[0].stages[0].due: 'soonish' is not a duration; write it like 30m, 1h, 72h, "
        "5h30m, 1 day 4h, 15-20m, about 12h, 4 business days, 1 month, or as the rule says it: asap, as soon as "
        "possible, as soon as practicable, as soon as reasonably practicable, without undue delay, without "
        "unreasonable delay, without delay, immediately, promptly, forthwith"]


ROTA = """  - id: incident-commander
    name: Incident commander
    summary: Runs the response.
    key: true
    filled_by: The on-call incident commander (pager rota *IC*)
    responsibilities:
      - Runs the incident channel.
"""


def test_a_role_filled_by_a_rota_needs_no_named_person_and_shows_how_it_is_filled(tmp_path: Path) -> None:
    text = edit(MINIMAL.read_text(), "contacts:\n", ROTA + "contacts:\n")
    assert problems(text) == []
    pages = _pages(text, tmp_path)
    assert "- **[Incident commander](contacts.md#role-incident-commander)**: The on-call incident commander " \
           "&#40;pager rota <em>IC</em>&#41;\n" in pages["index.md"]
    assert "**Filled by:** The on-call incident commander &#40;pager rota <em>IC</em>&#41;" in pages["contacts.md"]
    assert "Runs the response.\n" in pages["contacts.md"]
    assert "Filled by: The on-call incident commander" in pages["cards.md"]
    without = edit(text, "    filled_by: The on-call incident commander (pager rota *IC*)\n", "")
    assert problems(without)[0].endswith("role 'incident-commander' has no primary contact; give a contact 'fills: "
                                         "[{role: incident-commander, as: primary}]', or say how the role is filled "
                                         "in 'filled_by' (an on-call rota, say)")


NO_DEPUTY = """exceptions:
  - rule: role-has-a-deputy
    about: [comms-lead]
    reason: Our communication lead has no deputy; the managing director speaks if she is away.
    reviewed_by: bob
    reviewed_on: 2026-03-01
"""


def _without_deputy() -> str:
    return edit(MINIMAL.read_text(), "    fills:\n      - {role: comms-lead, as: deputy, rank: 1}\n", "")


def test_home_says_no_deputy_without_inventing_who_to_tell(tmp_path: Path) -> None:
    home = _pages(_without_deputy() + NO_DEPUTY, tmp_path)["index.md"]
    # The reviewed exception's reason is what the plan says instead, so home shows it.
    assert "  No deputy named in the plan: Our communication lead has no deputy; the managing director speaks " \
           "if she is away.\n" in home
    assert "crisis lead" not in home and "call the next one" not in home
    path = tmp_path / "playbook.yml"
    path.write_text(_without_deputy())
    home = next(p.markdown for p in render_pages(open_playbook(path, today=TODAY, private=False).playbook)
                if p.path == "index.md")
    assert "  No deputy named in the plan.\n" in home


def test_a_reviewed_exception_accepts_a_readiness_warning_and_strict_passes() -> None:
    warning = ("playbook.yml:21:5: roles[0]: warning: role 'comms-lead' has no deputy; name one so the role is "
               "covered when the primary cannot be reached; readiness rule 'role-has-a-deputy'")
    assert problems(_without_deputy()) == [warning]
    assert problems(_without_deputy() + NO_DEPUTY) == [
        "playbook.yml:21:5: roles[0]: notice: role 'comms-lead' has no deputy; name one so the role is covered when "
        "the primary cannot be reached (accepted: reviewed exception, line 97)"]


def test_an_exception_reviewed_over_a_year_ago_accepts_nothing_and_says_so() -> None:
    import datetime as dt

    found = problems(_without_deputy() + NO_DEPUTY, today=dt.date(2027, 3, 2))
    assert "playbook.yml:101:5: exceptions[0].reviewed_on: warning: the exception for 'role-has-a-deputy' was " \
           "reviewed on 2026-03-01, more than a year ago; review it again and update the date" in found
    assert any("warning: role 'comms-lead' has no deputy" in p for p in found)


def test_an_exception_must_name_a_rule_and_accept_a_warning() -> None:
    assert problems(MINIMAL.read_text() + NO_DEPUTY) == [
        "playbook.yml:100:13: exceptions[0].about[0]: warning: the exception for 'role-has-a-deputy' accepts no "
        "warning about 'comms-lead'; remove it"]
    wrong = edit(NO_DEPUTY, "rule: role-has-a-deputy", "rule: role-has-deputy")
    assert problems(_without_deputy() + wrong)[1:] == [
        "playbook.yml:97:5: exceptions[0].rule: unknown readiness rule 'role-has-deputy'; known: role-has-a-deputy, "
        "audience-has-a-template, call-tree-tested-recently, checklist-item-has-an-owner, "
        "contact-details-recently-verified, covert-phase-uses-out-of-band-channels, findings-done-by-their-date, "
        "key-role-exercised, key-role-reachable-out-of-band, plan-exercised-recently, regulator-has-a-template, "
        "review-date-not-passed"]


def test_an_outline_point_is_message_text_whose_blanks_are_checked() -> None:
    text = MINIMAL.read_text()
    body = text[text.index("    body: |"):text.index("phases:")]
    text = text.replace(body, OUTLINE + "      - Say {{ 7*7 }} and [[ when_next ]].\n")
    assert problems(text) == [
        "playbook.yml:84:13: templates[0].outline[2]: '{{ 7*7 }}' is not a blank; write {{ name }} with a "
        "declared value name",
        "playbook.yml:84:27: templates[0].outline[2]: unknown incident fact '[[ when_next ]]'; declare it under "
        "'incident_facts'; known: next_update, what_happened"]


def test_rotating_roles_hand_over_sides_and_severity_scales_are_shown_as_the_plan_says(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    pages = {page.path: page.markdown for page in render_pages(open_playbook(EXAMPLE).playbook)}
    severity = pages["severity.md"]
    assert "- <span id=\"scale-dora\"></span>**DORA classification**. Danubia Pay classifies" in severity
    assert "*Scale:* [DORA classification](severity.md#scale-dora) · *corresponds to:* " \
           "[SEV1 - Critical](severity.md#severity-sev1), [SEV2 - Major](severity.md#severity-sev2)" in severity
    assert "| [Management and supervisory board](audiences.md#audience-board) | 4 hours | not set in the plan |  |" \
        in severity
    handover = pages["procedures/lead-handover.md"]
    assert "[Crisis team lead](../contacts.md#role-crisis-lead) &#40;outgoing holder&#41;" in handover
    assert "[Crisis team lead](../contacts.md#role-crisis-lead) &#40;outgoing and incoming holders&#41;" in handover
    text = edit(MINIMAL.read_text(), "    escalate_after: 15m\n", "    escalate_after: 15m\n    rotate_every: 6h\n")
    assert "**Rotates:** every 6 hours, to the next person on the rota." in _pages(text, tmp_path)["contacts.md"]


def test_an_item_due_immediately_leads_the_first_hour_in_words(tmp_path: Path) -> None:
    text = MINIMAL.read_text() + ("      - id: respond-tell\n        action: Tell the supervisor.\n"
                                  "        due: Immediately\n        from: awareness\n")
    assert problems(text) == []
    home = _pages(text, tmp_path)["index.md"]
    first_hour = home.split("## The first hour")[1].split("##")[0]
    assert first_hour.index("Tell the supervisor.** — [Communication lead](contacts.md#role-comms-lead), "
                            "immediately after awareness") < first_hour.index("Publish the holding statement")


def test_a_regulator_may_leave_its_law_owner_and_content_unsaid(tmp_path: Path) -> None:
    text = MINIMAL.read_text()
    for line in ("    jurisdiction: Austria\n", "    law: GDPR Art. 33\n",
                 "    applies_when: Personal data is breached.\n", "    owner: comms-lead\n    submit",
                 "    required_content:\n      - Nature of the breach.\n"):
        text = text.replace(line, "    submit" if line.endswith("submit") else "", 1)
    assert problems(text) == []
    page = _pages(text, tmp_path)["regulators.md"]
    assert "**Law: not set in the plan** · jurisdiction not set in the plan · who files: not set in the plan" in page
    assert "**Applies when:** not set in the plan" in page
    assert "**The notification must contain:** not set in the plan." in page
