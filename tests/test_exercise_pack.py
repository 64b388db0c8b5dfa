"""Exercise packs (issue 17, part 2): injects made from the plan, the organisation's own, the pages and the PDF.

The expected times are worked out by hand from the example playbook: the crisis lead's escalation time is 15m;
the DORA initial notification's outer limit is 24h after awareness, the DSB's and the Serbian Commissioner's
72h; the incident clock marks a deadline 2 hours before it is due.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from generator import open_playbook
from generator.exercise import exercise_pack
from generator.load import load_text
from generator.model import build_model
from generator.render import render_pages
from generator.validate import validate
from tests.conftest import EXAMPLE, TODAY, copy_example, edit, invoke, problems


def _pack(text: str, scenario: str = "ransomware") -> dict[str, str]:
    source = load_text(text, "playbook.yml")
    validate(source, today=TODAY)
    playbook = build_model(source.data)
    pack = exercise_pack(playbook, playbook.entry("scenario", scenario))
    return {card.id: f"{card.moment} +{card.offset}" for card in pack.cards}


def test_the_ransomware_pack_times_each_inject_from_the_plan() -> None:
    assert _pack(EXAMPLE.read_text()) == {
        "start": "awareness +None",
        "deputy-crisis-lead": "awareness +30 minutes",  # assess-alarm calls her within 15m, then 15m escalation
        "own-ceo-on-a-plane": "awareness +1 hour",
        "deadline-at-fma-initial": "awareness +1320 minutes",  # 24h outer limit less 2h
        "deadline-at-dsb-notification": "awareness +4200 minutes",  # 72h less 2h
        "deadline-rs-poverenik-notification": "awareness +4200 minutes",
        "phase-covert-preparation": "phase:covert-preparation +None",
        "journalist": "phase:covert-preparation +4 hours",  # the holding statement's draft is due
        "embargo": "phase:covert-preparation +12 hours",  # the embargo is agreed
        "phase-notification": "phase:notification +None",
        "phase-disclosure": "phase:disclosure +None",
        "phase-follow-up": "phase:follow-up +None",
        "phase-lessons-learned": "phase:lessons-learned +None",
    }


def test_an_inject_the_plan_cannot_back_is_not_made() -> None:
    text = EXAMPLE.read_text()
    # No press messages: no media audience, so no journalist calls and no embargo leaks.
    no_press = edit(edit(text, "kind: press-release", "kind: other"), "kind: media-briefing", "kind: other")
    no_press = edit(no_press, "    medium: press\n", "    medium: website\n")
    assert not {"journalist", "embargo"} & set(_pack(no_press))
    # The crisis lead with no escalation time: the plan says nothing of how long to wait, so no inject for it.
    no_wait = edit(text, "    key: true\n    escalate_after: 15m\n    responsibilities:\n      - Convenes",
                   "    key: true\n    responsibilities:\n      - Convenes")
    assert "deputy-crisis-lead" not in _pack(no_wait)
    # A scenario that lists no phases has no phase to start: only its own injects and its deadlines.
    no_phases = edit(text, "    phases: [assessment, disclosure, follow-up, lessons-learned]\n    regulators: [at-fma]",
                     "    phases: []\n    regulators: [at-fma]")
    assert list(_pack(no_phases, "ddos")) == ["deadline-at-fma-initial"]
    # A scenario with no regulators has no deadline injects.
    assert "deadline-at-fma-initial" in _pack(text, "ddos")
    no_regulators = edit(text, "    regulators: [at-fma]\n    templates: [social-post", "    templates: [social-post")
    assert not [card for card in _pack(no_regulators, "ddos") if card.startswith("deadline-")]


def test_own_injects_are_checked_with_file_line_and_key_path() -> None:
    text = edit(EXAMPLE.read_text(), "        items: [assess-board]\n",
                "        items: [assess-bord]\n        at: 2 business days\n", 1)
    text = edit(text, "        at: 1h\n        from: awareness\n", "        from: disclosur\n")
    text = edit(text, "        roles: [crisis-lead, spokesperson]\n", "        roles: [crisis-lead, ceo]\n")
    found = [p for p in problems(text) if "injects" in p]
    at = text.splitlines().index("      - id: ceo-on-a-plane") + 1  # the inject's first line
    assert found == [
        f"playbook.yml:{at + 2}:9: scenarios[0].injects[0].from: unknown clock start 'disclosur'; use an event, a "
        "phase of the scenario or a milestone an item marks; known: disclosure, assessment, awareness, classification, "
        "covert-preparation, detection, determination, follow-up, lessons-learned, materiality, notification, "
        "payment, …",
        f"playbook.yml:{at + 4}:17: scenarios[0].injects[0].items[0]: unknown checklist item 'assess-bord'; known: "
        "assess-board, assess-dora, assess-cards, assess-alarm, assess-awareness-time, assess-convene, "
        "assess-personal-data, assess-retainers, assess-severity, covert-agency, covert-drafts, covert-hotline, …",
        f"playbook.yml:{at + 5}:9: scenarios[0].injects[0].at: an inject's time cannot count business days or hours: "
        "an exercise has no holiday calendar; write it in hours or calendar days",
        f"playbook.yml:{at + 7}:30: scenarios[0].injects[0].roles[1]: unknown role 'ceo'; known: ciso, cert-lead, "
        "comms-lead, crisis-lead, customer-lead, dpo, hr-lead, it-ops, legal, spokesperson",
    ]


def test_a_scenario_may_not_take_the_place_of_the_packs_index_page() -> None:
    text = EXAMPLE.read_text().replace("  - id: ddos\n", "  - id: index\n")
    at = text.splitlines().index("  - id: index") + 1
    assert [p for p in problems(text) if "'index'" in p] == [
        f"playbook.yml:{at}:5: scenarios[3].id: scenario id 'index' would take the place of the exercise packs' index "
        "page (exercise/index.html); choose another id"]


def test_the_pack_page_says_what_each_inject_expects() -> None:
    pages = {p.path: p for p in render_pages(open_playbook(EXAMPLE).playbook)}
    assert pages["exercise/ransomware.md"].title == "Ransomware"
    page = pages["exercise/ransomware.md"].markdown
    assert "| T+22:00 | [Initial notification due in 2 hours (Austrian Financial Market Authority &#40;FMA&#41; - " \
           "DORA major ICT-related incident)](#inject-deadline-at-fma-initial) | Items: 4 · Messages: 1 |" in page
    assert "| 4 hours after the start of Covert preparation | [A journalist calls](#inject-journalist) |" in page
    deputy = page[page.index('id="inject-deputy-crisis-lead"'):page.index('id="inject-own-ceo-on-a-plane"')]
    assert "Katharina Wolf (Crisis team lead) has not answered for 15 minutes." in deputy
    assert "**The plan says to call next:** [Stefan Gruber](../contacts.md#contact-stefan-gruber) (Signal:" in deputy
    assert "- [Crisis team lead](../contacts.md#role-crisis-lead): Going public, and when." in deputy
    covert = page[page.index('id="inject-phase-covert-preparation"'):page.index('id="inject-journalist"')]
    assert "Covert phase: the attacker may still be inside." in covert
    assert "**Channels the plan uses for them:** [Signal crisis group &#34;DP Crisis&#34;](../channels.md#" \
           "channel-signal-crisis), [Crisis phone bridge](../channels.md#channel-phone-bridge)" in covert
    own = page[page.index('id="inject-own-ceo-on-a-plane"'):]
    assert "written by the organisation" in own[:400]
    assert "- Who speaks for the company if the story breaks before he lands?" in own
    assert page.count('<div class="pb-handout"') == 9  # every role to invite gets a handout
    assert pages["exercise/index.md"].title == "Exercise packs"
    assert "| [Ransomware](ransomware.md) | 13 | 9 |" in pages["exercise/index.md"].markdown


def test_an_inject_time_the_pack_chose_is_said_to_be_the_packs_not_the_plans() -> None:
    """The plan sets when to call the deputy (after the role's escalation time without an answer), a deadline and an
    item's due time; it does not say when the primary was called, when to be reminded of a deadline, or when a
    journalist calls or an embargo leaks. Those times are the pack's, and each such card says so."""
    page = next(p for p in render_pages(open_playbook(EXAMPLE).playbook) if p.path == "exercise/ransomware.md").markdown

    def card(ident: str) -> str:
        start = page.index(f'id="inject-{ident}"')
        return page[start:page.index("</div>", start)]

    assert "The time of this inject follows the plan: Katharina Wolf is to be called within 15 minutes of awareness, " \
           "and the deputy after 15 minutes without an answer. The plan's item: Raise the alarm in the Signal crisis " \
           "group and call the crisis lead; do not use e-mail or chat." in card("deputy-crisis-lead")
    assert "The time of this inject is the pack's choice, not the plan's: 2 hours before the deadline, when the " \
           "incident page starts to mark it as due soon." in card("deadline-at-fma-initial")
    assert "The time of this inject is the pack's choice, not the plan's: it comes when this item of the plan is " \
           "due: Draft the holding statement" in card("journalist")
    assert "The time of this inject is the pack's choice, not the plan's: it comes when this item of the plan is " \
           "due: Choose the lead medium" in card("embargo")
    for ident in ("start", "phase-disclosure", "own-ceo-on-a-plane"):  # the plan's moments, the organisation's own
        assert "the pack's choice" not in card(ident)


def test_the_pack_says_the_plans_durations_in_the_sites_language() -> None:
    """The crisis lead's 15m escalation and the journalist's 4h: German words on a German pack, as on the home page."""
    from generator import i18n

    pages = render_pages(open_playbook(EXAMPLE).playbook, None, i18n.language("de"))
    page = next(p for p in pages if p.path == "exercise/ransomware.md").markdown
    assert "Katharina Wolf (Crisis team lead) hat 15 Minuten lang nicht geantwortet." in page
    assert "| 4 Stunden nach " in page
    assert "ist in 2 Stunden fällig: 24 Stunden nach Kenntnisnahme." in page  # the FMA's outer limit


def test_the_call_tree_sheet_says_its_words_in_the_sites_language() -> None:
    from generator import i18n

    pages = render_pages(open_playbook(EXAMPLE).playbook, None, i18n.language("de"))
    page = next(p for p in pages if p.path == "call-tree.md").markdown
    assert " · Wartezeit 15 Minuten, dann die nächste Person | Hauptverantwortlich | [Katharina Wolf]" in page
    assert "| Stellvertretung 1 | [Stefan Gruber]" in page
    assert "| primary |" not in page and "| deputy " not in page


@pytest.mark.slow
@pytest.mark.browser
def test_playbook_exercise_prints_the_pack(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = invoke("exercise", "ransomware", cwd=tmp_path)
    pdf = tmp_path / "dist" / "danubia-pay-ag-3-1-exercise-ransomware.pdf"
    assert (code, output) == (0, f"Exercise pack: {pdf} (13 injects)\nOn the site:   exercise/ransomware.html\n")
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages)
    assert "Exercise: Ransomware" in text and "Handout: Crisis team lead" in text
    assert "T+70:00" in text
    code, output = invoke("exercise", "tsunami", cwd=tmp_path)
    assert (code, output) == (1, "unknown scenario 'tsunami'; known: ransomware, data-breach, espionage, ddos, "
                                 "supplier-compromise\n")


def test_an_unknown_scenario_is_refused_before_chromium_is_looked_for_or_the_site_built(tmp_path: Path) -> None:
    copy_example(tmp_path)
    # Chromium named but missing: looking for it would fail with its own message, not the scenario's.
    code, output = invoke("exercise", "tsunami", cwd=tmp_path, env={"PLAYBOOK_CHROMIUM": str(tmp_path / "none")})
    assert (code, output) == (1, "unknown scenario 'tsunami'; known: ransomware, data-breach, espionage, ddos, "
                                 "supplier-compromise\n")
    assert not (tmp_path / "site").exists() and not (tmp_path / "dist").exists()


def test_a_deadline_due_within_two_hours_of_awareness_gets_its_inject_at_awareness() -> None:
    """The card schemes' alert due 1 hour after awareness: the incident clock marks it due soon from the start, so its
    inject comes at T+0, says the plan's period and that the time is the pack's; the 24h alert keeps T+22:00."""
    text = EXAMPLE.read_text()
    assert "deadline-card-schemes-alert" not in _pack(text, "supplier-compromise")  # from detection: no card
    soon = edit(text, "        due: 24h\n        from: detection\n", "        due: 1h\n        from: awareness\n")
    assert _pack(soon, "supplier-compromise")["deadline-card-schemes-alert"] == "awareness +None"
    later = edit(text, "        due: 24h\n        from: detection\n", "        due: 24h\n        from: awareness\n")
    assert _pack(later, "supplier-compromise")["deadline-card-schemes-alert"] == "awareness +1320 minutes"
    source = load_text(soon, "playbook.yml")
    validate(source, today=TODAY)
    page = next(p for p in render_pages(build_model(source.data))
                if p.path == "exercise/supplier-compromise.md").markdown
    assert "| T+0:00 | [Alert the acquirer due 1 hour after awareness (Card schemes, through the acquiring bank)]" \
           "(#inject-deadline-card-schemes-alert) |" in page
    card = page[page.index('id="inject-deadline-card-schemes-alert"'):]
    card = card[:card.index("</div>")]
    assert "The Alert the acquirer to Card schemes, through the acquiring bank is due 1 hour after awareness." in card
    assert "*The time of this inject is the pack's choice, not the plan's: at awareness, because the deadline is due " \
           "within 2 hours of it and the incident page marks it as due soon from the start.*" in card


def test_the_deputy_inject_comes_the_escalation_time_after_the_item_that_calls_the_role_is_due() -> None:
    """Katharina Wolf (crisis lead, escalation time 15m) is called by assess-alarm, due 15m after awareness: T+0:30.
    Due 40m instead: T+0:55. No item calls her: the escalation time after awareness, T+0:15, said to be the pack's."""
    text = EXAMPLE.read_text()
    assert _pack(text)["deputy-crisis-lead"] == "awareness +30 minutes"
    alarm = "        owner: cert-lead\n        due: 15m\n        from: awareness\n        channels: [signal-crisis]\n"
    later = edit(text, alarm, alarm.replace("due: 15m", "due: 40m"))
    assert _pack(later)["deputy-crisis-lead"] == "awareness +55 minutes"
    uncalled = edit(text, alarm + "        contacts: [katharina-wolf]\n", alarm)
    assert _pack(uncalled)["deputy-crisis-lead"] == "awareness +15 minutes"
    source = load_text(uncalled, "playbook.yml")
    validate(source, today=TODAY)
    page = next(p for p in render_pages(build_model(source.data)) if p.path == "exercise/ransomware.md").markdown
    assert "| T+0:15 | [The Crisis team lead does not answer](#inject-deputy-crisis-lead) |" in page
    assert "The time of this inject is the pack's choice, not the plan's: it assumes Katharina Wolf was called at " \
           "awareness." in page
    page = next(p for p in render_pages(open_playbook(EXAMPLE).playbook) if p.path == "exercise/ransomware.md").markdown
    assert "| T+0:30 | [The Crisis team lead does not answer](#inject-deputy-crisis-lead) |" in page


def test_a_pack_is_made_once_per_model_and_scenario() -> None:
    """The packs' index, each pack's page and the site's data all ask for it: made once, for that model only."""
    import gc
    from dataclasses import replace

    from generator import exercise

    playbook = build_model(load_text(EXAMPLE.read_text(), "playbook.yml").data)
    scenario = playbook.entry("scenario", "ransomware")
    assert exercise_pack(playbook, scenario) is exercise_pack(playbook, scenario)
    other = replace(playbook)  # an equal model, another object: its own pack
    assert exercise_pack(other, other.entry("scenario", "ransomware")) is not exercise_pack(playbook, scenario)
    assert exercise_pack(other, other.entry("scenario", "ransomware")) == exercise_pack(playbook, scenario)
    kept = id(other)
    del other
    gc.collect()
    assert kept not in exercise._PACKS  # forgotten with its model


def test_a_packs_injects_follow_its_scenarios_phases_where_the_plan_orders_them_otherwise() -> None:
    text = edit(EXAMPLE.read_text(),
                "    phases: [assessment, covert-preparation, notification, disclosure, follow-up, lessons-learned]",
                "    phases: [assessment, notification, covert-preparation, disclosure, follow-up, lessons-learned]", 3)
    cards = list(_pack(text))
    assert cards.index("phase-notification") < cards.index("phase-covert-preparation")


def test_a_journalist_inject_expects_the_holding_statement_and_the_qa_of_the_audience_it_calls_from() -> None:
    playbook = open_playbook(EXAMPLE, today=TODAY).playbook
    [journalist] = [c for c in exercise_pack(playbook, playbook.entry("scenario", "ransomware")).cards
                    if c.kind == "journalist"]
    assert journalist.templates == ("holding-statement", "spokesperson-qa")


def test_the_deputy_inject_is_for_a_key_role_the_scenarios_first_phase_needs() -> None:
    import yaml

    from benchmarks.bench import scaled

    text = yaml.safe_dump(scaled(yaml.safe_load(EXAMPLE.read_text()), 2), sort_keys=False, allow_unicode=True)
    cards = _pack(text, "ransomware-2")
    assert "deputy-crisis-lead-2" in cards
    assert "deputy-crisis-lead" not in cards
