"""On-demand procedures (issue 13 item 6): outside the phase sequence, linked from phases and scenarios."""

from __future__ import annotations

from pathlib import Path

from generator import open_playbook
from generator.render import navigation, render_pages
from tests.conftest import EXAMPLE, MINIMAL, edit, problems


def test_procedures_have_pages_links_and_no_place_in_the_phase_sequence() -> None:
    playbook = open_playbook(EXAMPLE).playbook
    pages = {page.path: page for page in render_pages(playbook)}
    stand_down = pages["procedures/stand-down.md"].markdown
    assert stand_down.startswith("# Stand-down after a false alarm\n\n**Use when:** The assessment shows there was "
                                 "no incident after all")
    assert stand_down.count("- [ ] <span class=\"pb-item\"") == 5
    assessment = pages["phases/assessment.md"].markdown
    assert "**Procedures you may need:** [Stand-down after a false alarm](../procedures/stand-down.md), " \
           "[Hand-over of the crisis-team lead](../procedures/lead-handover.md)" in assessment
    home = pages["index.md"].markdown
    assert "## When you need them\n\n- [Stand-down after a false alarm](procedures/stand-down.md): " \
           "The assessment" in home
    progress = home.split("## Progress")[1]
    assert "stand-down" not in progress and "procedures/" not in progress
    assert {"Procedures": ["procedures/index.md", {"Stand-down after a false alarm": "procedures/stand-down.md"},
                           {"Hand-over of the crisis-team lead": "procedures/lead-handover.md"}]} \
        in navigation(list(pages.values()))


STEP = """procedures:
  - id: stand-down
    name: Stand-down
    use_when: It was a false alarm.
    checklist:
      - id: respond-publish
        action: Say so.
"""


def test_a_procedure_step_shares_the_item_id_space_and_has_no_clock() -> None:
    assert problems(MINIMAL.read_text() + STEP) == [
        "playbook.yml:103:9: procedures[0].checklist[0].id: duplicate checklist item id 'respond-publish' (first used "
        "on line 93); item ids are unique across all phases and procedures"]
    timed = edit(STEP, "id: respond-publish", "id: stand-down-say") + "        due: 1h\n"
    assert problems(MINIMAL.read_text() + timed) == [
        "playbook.yml:105:9: procedures[0].checklist[0].due: unknown key 'due'; known: action, channels, contacts, "
        "handover, id, note, owner, regulators, scenarios, severities, templates, when"]


def test_phase_items_and_procedure_steps_are_one_checklist_line_that_one_override_changes(tmp_path: Path) -> None:
    # The line is written once (checklist-item.md.j2): a phase item gives it its clock, a procedure step none.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "checklist-item.md.j2").write_text("- {{ item.id }}{{ clock }}\n", encoding="utf-8")
    pages = {page.path: page.markdown for page in render_pages(open_playbook(EXAMPLE).playbook, templates)}
    assert "\n- stand-down-confirm\n- stand-down-tell\n" in pages["procedures/stand-down.md"]
    assert "\n- assess-alarm · due 15 minutes after awareness\n" in pages["phases/assessment.md"]
