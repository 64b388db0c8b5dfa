"""Each validation rule, with the exact message a user sees."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest

from generator import schema
from generator.durations import parse_duration
from generator.load import load_text
from generator.validate import Suggestions, _ShapeValidator, validate
from tests.conftest import TODAY, edit, problems


def test_fixture_is_valid_without_warnings(minimal: str) -> None:
    assert problems(minimal) == []


@pytest.mark.parametrize("name", ["PLAYBOOK", "TRANSLATION", "PRIVATE_CONTACTS", "CATALOGUE"])
def test_schema_is_a_valid_cerberus_schema(name: str) -> None:
    # At run time the validator trusts the schemas (see validate._TrustedDefinition); this checks them.
    class Checking(_ShapeValidator):
        _valid_schemas: ClassVar[set[object]] = set()

    Checking(getattr(schema, name))


@pytest.mark.parametrize("name", ["PLAYBOOK", "TRANSLATION", "PRIVATE_CONTACTS", "CATALOGUE"])
def test_schema_is_in_cerberus_expanded_form(name: str) -> None:
    """At run time the validator takes each schema as it is, without cerberus's expansion of its shortcuts
    (validate._TrustedDefinition): so there must be none to expand."""
    import copy

    import cerberus.schema

    written = getattr(schema, name)
    assert cerberus.schema.DefinitionSchema.expand(copy.deepcopy(written)) == written  # expand() changes its argument


# --- shape -------------------------------------------------------------------------------

def test_missing_required_key_names_the_parent(minimal: str) -> None:
    text = edit(minimal, "    name: Communication lead\n", "")
    assert problems(text) == ["playbook.yml:21:5: roles[0]: missing required key 'name'"]


def test_missing_section_is_reported_at_the_top(minimal: str) -> None:
    text = minimal[: minimal.index("phases:")] + minimal[minimal.index("phases:"):].replace("phases:", "phasez:")
    assert problems(text)[:1] == ["playbook.yml:1:1: missing required key 'phases'"]


def test_unknown_key_suggests_the_closest_known_key(minimal: str) -> None:
    text = edit(minimal, "    reach: Press office.\n", "    reach: Press office.\n    ower: legal\n")
    assert problems(text) == [
        "playbook.yml:57:5: audiences[0].ower: unknown key 'ower' (did you mean 'owner'?); "
        "known: description, id, name, owner, reach, timezone"
    ]


def test_unquoted_version_is_told_to_quote(minimal: str) -> None:
    text = edit(minimal, 'version: "1.0"', "version: 1.0")
    assert problems(text) == ["playbook.yml:5:3: document.version: expected text, got the number 1.0; put it in quotes"]


def test_quoted_date_is_told_to_drop_the_quotes(minimal: str) -> None:
    text = edit(minimal, "approved_on: 2026-01-10", 'approved_on: "2026-01-10"')
    assert problems(text) == [
        "playbook.yml:8:3: document.approved_on: expected a date (YYYY-MM-DD), got the text '2026-01-10'; "
        "write it as YYYY-MM-DD without quotes"
    ]


def test_empty_value_is_reported(minimal: str) -> None:
    text = edit(minimal, "title: Test playbook", "title:")
    assert problems(text) == ["playbook.yml:3:3: document.title: has no value; fill it in or remove the key"]


def test_an_empty_required_list_asks_for_one_entry_in_the_singular(minimal: str) -> None:
    text = minimal[: minimal.index("phases:")] + "phases: []\n"
    assert "playbook.yml:86:1: phases: needs at least 1 entry" in problems(text)


@pytest.mark.parametrize(("length", "shown"), [(39, "the text '" + "x" * 39 + "'"), (40, "a text")])
def test_a_wrong_text_is_quoted_only_while_it_is_short(minimal: str, length: int, shown: str) -> None:
    text = edit(minimal, "approved_on: 2026-01-10", f'approved_on: "{"x" * length}"')
    assert problems(text) == [
        f"playbook.yml:8:3: document.approved_on: expected a date (YYYY-MM-DD), got {shown}; "
        "write it as YYYY-MM-DD without quotes"
    ]


def test_a_comma_inside_a_flow_mapping_is_explained(minimal: str) -> None:
    text = edit(minimal, "{type: email, value: bob@example.test}", "{type: email, value: bob@example.test, "
                "note: home, weekends}")
    assert problems(text) == [
        "playbook.yml:42:60: contacts[1].channels[0].weekends: unknown key 'weekends'; a comma inside {…} separates "
        "keys: if 'weekends' is the rest of the text before it, put that text in quotes; known: note, out_of_band, "
        "private, type, value"
    ]


def test_a_condition_names_existing_severities_and_scenarios(minimal: str) -> None:
    text = edit(minimal, "        templates: [holding-statement]\n", "        templates: [holding-statement]\n"
                "        when: The press calls first\n        severities: [sev1]\n        scenarios: [ransomware]\n")
    assert problems(text) == [
        "playbook.yml:99:22: phases[0].checklist[0].severities[0]: unknown severity 'sev1'; none are defined",
        "playbook.yml:100:21: phases[0].checklist[0].scenarios[0]: unknown scenario 'ransomware'; none are defined",
    ]


@pytest.mark.parametrize(("count", "ending"), [(12, "k11"), (13, "k11, …")])
def test_a_list_of_known_names_says_when_it_is_cut_short(count: int, ending: str) -> None:
    names = [f"k{n:02}" for n in range(count)]
    assert Suggestions().known("key", names, "zzz").endswith(ending)


def test_a_value_check_keeps_what_to_do_apart_from_what_is_wrong(minimal: str) -> None:
    found = validate(load_text(edit(minimal, "timezone: Europe/Vienna", "timezone: Europe/Viena"), "playbook.yml"),
                     today=TODAY)
    assert [(p.message, p.hint) for p in found] == [
        ("unknown time zone 'Europe/Viena'", "did you mean Europe/Vienna, Europe/Riga, Europe/Kiev?")]


def test_value_outside_the_allowed_list_lists_the_choices(minimal: str) -> None:
    text = edit(minimal, "kind: messenger", "kind: pigeon")
    assert problems(text) == [
        "playbook.yml:47:5: channels[0].kind: 'pigeon' is not allowed; known: pager, chat, email, issue-tracker, "
        "meeting-point, messenger, phone-bridge, radio, satphone, shared-document, status-page, video-call"
    ]


def test_id_must_be_slug_shaped(minimal: str) -> None:
    text = edit(minimal, "  - id: media\n", "  - id: The Media\n")
    assert (
        "playbook.yml:52:5: audiences[0].id: 'The Media' is not a valid id; use lowercase letters, digits and "
        "single hyphens, like 'comms-lead'"
    ) in problems(text)


def test_bad_duration_shows_examples(minimal: str) -> None:
    text = edit(minimal, "escalate_after: 15m", "escalate_after: soon")
    assert problems(text) == [
        "playbook.yml:25:5: roles[0].escalate_after: 'soon' is not a duration; write it like "
        "30m, 1h, 72h, 5h30m, 1 day 4h, 15-20m, about 12h, 4 business days, 1 month"
    ]


def test_unknown_time_zone_suggests_close_names(minimal: str) -> None:
    text = edit(minimal, "timezone: Europe/Vienna", "timezone: Europe/Viena")
    [message] = problems(text)
    # The other suggestions depend on the installed time-zone database.
    assert message.startswith(
        "playbook.yml:12:3: document.timezone: unknown time zone 'Europe/Viena'; did you mean Europe/Vienna, "
    )


def test_language_must_be_a_tag(minimal: str) -> None:
    text = edit(minimal, "language: en", "language: English")
    assert problems(text) == [
        "playbook.yml:11:3: document.language: 'English' is not a language tag; write it like 'en', 'de' or 'sr-Latn'"
    ]


def test_due_without_from_is_fine_but_from_without_due_is_not(minimal: str) -> None:
    text = edit(minimal, "        due: 1h\n", "")
    assert problems(text) == ["playbook.yml:95:9: phases[0].checklist[0].from: needs 'due' or 'every' beside it; "
                              "'from' says what the deadline or the repetition counts from"]


# --- references and ids ------------------------------------------------------------------

def test_unknown_reference_lists_the_known_ids(minimal: str) -> None:
    text = edit(minimal, "owner: comms-lead\n    description", "owner: pr-lead\n    description")
    assert problems(text) == ["playbook.yml:54:5: audiences[0].owner: unknown role 'pr-lead'; known: comms-lead"]


def test_unknown_reference_in_a_list_points_at_the_item(minimal: str) -> None:
    text = edit(minimal, "templates: [holding-statement]", "templates: [holding-statment]")
    assert problems(text) == [
        "playbook.yml:97:21: phases[0].checklist[0].templates[0]: unknown template 'holding-statment'; "
        "known: holding-statement"
    ]


def test_duplicate_id_is_reported_at_the_second(minimal: str) -> None:
    text = edit(minimal, "  - id: bob\n", "  - id: alice\n")
    assert "playbook.yml:37:5: contacts[1].id: duplicate contact id 'alice' (first used on line 29)" in problems(text)


def test_checklist_item_ids_are_unique_across_phases(minimal: str) -> None:
    extra = (
        "  - id: recover\n    name: Recover\n    goal: Back to normal.\n    starts_when: Fixed.\n"
        "    owner: comms-lead\n    checklist:\n      - id: respond-publish\n        action: Again.\n"
    )
    assert problems(minimal + extra) == [
        "playbook.yml:104:9: phases[1].checklist[0].id: duplicate checklist item id 'respond-publish' "
        "(first used on line 93); item ids are unique across all phases and procedures"
    ]


def test_role_needs_a_primary(minimal: str) -> None:
    text = edit(minimal, "{role: comms-lead, as: primary}", "{role: comms-lead, as: deputy, rank: 2}")
    assert problems(text) == [
        "playbook.yml:21:5: roles[0]: role 'comms-lead' has no primary contact; give a contact "
        "'fills: [{role: comms-lead, as: primary}]', or say how the role is filled in "
        "'filled_by' (an on-call rota, say)"
    ]


def test_deputy_needs_a_rank_and_one_rank_may_hold_several(minimal: str) -> None:
    assert problems(edit(minimal, "as: deputy, rank: 1}", "as: deputy}")) == [
        "playbook.yml:40:9: contacts[1].fills[0]: deputy of 'comms-lead' needs a rank (1 = first deputy)"
    ]
    carol = ("  - id: carol\n    name: Carol Example\n    fills:\n      - {role: comms-lead, as: deputy, rank: 1}\n"
             "    channels:\n      - {type: email, value: carol@example.test}\n    verified_on: 2026-01-05\n")
    assert problems(edit(minimal, "channels:\n  - id: signal-group", carol + "channels:\n  - id: signal-group")) == []


def test_primary_has_no_rank(minimal: str) -> None:
    text = edit(minimal, "as: primary}", "as: primary, rank: 1}")
    assert problems(text) == [
        "playbook.yml:32:41: contacts[0].fills[0].rank: a primary has no rank; rank orders the deputies "
        "(1 = first deputy)"
    ]


def test_phone_numbers_and_emails_must_look_right(minimal: str) -> None:
    text = edit(minimal, "value: +43 660 000 0001", "value: call Alice")
    text = edit(text, "value: bob@example.test", "value: bob at example")
    assert problems(text) == [
        "playbook.yml:34:24: contacts[0].channels[0].value: 'call Alice' is not a phone number: it has no digits",
        "playbook.yml:42:23: contacts[1].channels[0].value: 'bob at example' is not an e-mail address: an email "
        "address must have an @-sign",
    ]


@pytest.mark.parametrize(("value", "message"), [
    ("0660 1234567", "'0660 1234567' is not in international form; write it with + and the country code, like "
                     "+43 1 234 5678, or set `country` on the document or on the contact's office"),
    ("+43 1", "'+43 1' is not a phone number: it is too short"),
    ("+43 660 12", "'+43 660 12' is not a valid number in the numbering plan of AT (+43)"),
    ("+1 555 0100", "'+1 555 0100' is not a valid number in the numbering plan of US (+1)"),
    ("+999 1234 5678", "'+999 1234 5678' is not a phone number: its country code is unknown"),
    ("+882 1234", "'+882 1234' is not a valid number in the numbering plan of +882"),
    ("112", "'112' is not in international form; write it with + and the country code, like "
            "+43 1 234 5678, or set `country` on the document or on the contact's office"),
])
def test_phone_numbers_are_checked_against_the_numbering_plan(minimal: str, value: str, message: str) -> None:
    text = edit(minimal, "value: +43 660 000 0001", f"value: '{value}'")
    assert problems(text) == [f"playbook.yml:34:24: contacts[0].channels[0].value: {message}"]


@pytest.mark.parametrize("value", ["0660 1234567", "112", "133", "+43 1 234 5678 ext. 12", "+381 11 3456789"])
def test_national_and_short_numbers_are_read_in_the_documents_country(minimal: str, value: str) -> None:
    text = edit(minimal, "  timezone: Europe/Vienna\n", "  timezone: Europe/Vienna\n  country: AT\n")
    assert problems(edit(text, "value: +43 660 000 0001", f"value: '{value}'")) == []


def test_a_contacts_office_country_reads_its_national_numbers(minimal: str) -> None:
    text = edit(minimal, "  timezone: Europe/Vienna\n", "  timezone: Europe/Vienna\n  country: AT\n")
    text = edit(text, "value: +43 660 000 0001", "value: '011 3456789'")
    assert problems(text) == ["playbook.yml:35:24: contacts[0].channels[0].value: '011 3456789' is not a valid "
                              "number in the numbering plan of AT (+43)"]
    text = edit(text, "    name: Alice Example\n", "    name: Alice Example\n    office: belgrade\n")
    text += ("offices:\n  - {id: belgrade, name: Belgrade hub, city: Belgrade, country: RS, "
             "timezone: Europe/Belgrade}\n")
    assert problems(text) == []


@pytest.mark.parametrize(("address", "reason"), [
    ("a..b@example..com", "an email address cannot have two periods in a row"),
    ("bob@example", "the part after the @-sign is not valid. It should have a period"),
    ("bob@localhost.localdomain.local", "the part after the @-sign is a special-use or reserved name that cannot "
                                        "be used with email"),
    (".bob@example.org", "an email address cannot start with a period"),
])
def test_emails_are_checked_by_their_syntax(minimal: str, address: str, reason: str) -> None:
    text = edit(minimal, "value: bob@example.test", f"value: '{address}'")
    assert problems(text) == [f"playbook.yml:42:23: contacts[1].channels[0].value: '{address}' is not an e-mail "
                              f"address: {reason}"]


def test_channel_cannot_fall_back_to_itself(minimal: str) -> None:
    text = edit(minimal, "    use_for: Everything during an incident.\n",
                "    use_for: Everything during an incident.\n    fallback: signal-group\n")
    assert problems(text) == ["playbook.yml:51:5: channels[0].fallback: a channel cannot be its own fallback"]


def test_stage_clock_must_start_from_an_event_or_earlier_stage(minimal: str) -> None:
    text = edit(minimal, "        from: awareness\n    required", "        from: awarenes\n    required")
    assert problems(text) == [
        "playbook.yml:69:9: regulators[0].stages[0].from: unknown clock start 'awarenes'; use an event or an "
        "earlier stage; known: awareness, assessment, classification, detection, determination, materiality, payment"
    ]


def test_stage_may_chain_on_an_earlier_stage(minimal: str) -> None:
    text = edit(minimal, "        from: awareness\n    required",
                "        from: awareness\n      - id: final\n        name: Final\n        due: 1 month\n"
                "        from: notification\n        no_later_than: {due: 2 months, from: awareness}\n    required")
    assert problems(text) == []


def test_quorum_cannot_exceed_the_approvers(minimal: str) -> None:
    text = edit(minimal, "{approvers: [comms-lead]}", "{approvers: [comms-lead], quorum: 2}")
    assert problems(text) == [
        "playbook.yml:80:41: templates[0].approval.quorum: quorum 2 is more than the 1 approvers listed"
    ]


# --- blanks in message text ----------------------------------------------------------------

def test_undeclared_incident_fact_is_reported_at_its_place(minimal: str) -> None:
    text = edit(minimal, "Something happened: [[ what_happened ]]", "Something happened: [[ what_hapened ]]")
    assert problems(text) == [
        "playbook.yml:82:27: templates[0].body: unknown incident fact '[[ what_hapened ]]'; declare it under "
        "'incident_facts'; known: what_happened, next_update"
    ]


def test_undeclared_value_is_reported(minimal: str) -> None:
    text = edit(minimal, "on {{ website }}.\n    required", "on {{ web_site }}.\n    required")
    assert problems(text) == [
        "playbook.yml:83:43: templates[0].body: unknown value '{{ web_site }}'; declare it under 'values'; "
        "known: website, organisation",
        "playbook.yml:85:9: templates[0].required_clauses[0]: required clause does not appear in the body; "
        "put it back as written",
    ]


def test_organisation_is_always_declared(minimal: str) -> None:
    text = edit(minimal, "Something happened:", "{{ organisation }} says something happened:")
    assert problems(text) == []


def test_jinja_statements_and_expressions_are_not_blanks(minimal: str) -> None:
    text = edit(minimal, "Something happened:", "{% if x %}{{ website|upper }} happened:")
    assert problems(text) == [
        "playbook.yml:82:7: templates[0].body: '{%' is not allowed in message text; only {{ name }} and "
        "[[ name ]] blanks are",
        "playbook.yml:82:17: templates[0].body: '{{ website|upper }}' is not a blank; write {{ name }} with a "
        "declared value name",
    ]


def test_unclosed_blank_is_reported(minimal: str) -> None:
    text = edit(minimal, "Something happened: [[ what_happened ]]", "Something happened: [[ what_happened")
    assert problems(text) == ["playbook.yml:82:27: templates[0].body: '[[' is never closed"]


def test_blank_in_a_single_line_quoted_value_is_located(minimal: str) -> None:
    text = edit(minimal, "    body: |\n", "    subject: \"Re: [[ incident ]]\"\n    body: |\n")
    assert problems(text) == [
        "playbook.yml:81:19: templates[0].subject: unknown incident fact '[[ incident ]]'; declare it under "
        "'incident_facts'; known: next_update, what_happened"
    ]


def test_value_named_like_a_builtin_is_refused(minimal: str) -> None:
    text = edit(minimal, "  website: https://example.test\n", "  website: https://example.test\n  organisation: X\n")
    assert problems(text) == [
        "playbook.yml:15:3: values.organisation: 'organisation' is filled from document.organisation; remove it here"
    ]


# --- readiness warnings ----------------------------------------------------------------------

def test_role_without_deputy_warns(minimal: str) -> None:
    text = edit(minimal, "    fills:\n      - {role: comms-lead, as: deputy, rank: 1}\n", "")
    assert problems(text) == [
        "playbook.yml:21:5: roles[0]: warning: role 'comms-lead' has no deputy; name one so the role is covered "
        "when the primary cannot be reached; readiness rule 'role-has-a-deputy'"
    ]


def test_key_role_without_out_of_band_channel_warns(minimal: str) -> None:
    text = edit(minimal, "out_of_band: true}", "out_of_band: false}")
    assert problems(text) == [
        "playbook.yml:21:5: roles[0]: warning: key role 'comms-lead' cannot be reached out-of-band: none of its "
        "contacts has a channel with out_of_band: true; readiness rule 'key-role-reachable-out-of-band'"
    ]


def test_audience_without_template_warns(minimal: str) -> None:
    text = edit(minimal, "    reach: Press office.\n",
                "    reach: Press office.\n  - id: staff\n    name: Staff\n    owner: comms-lead\n"
                "    description: Employees.\n    reach: Intranet.\n")
    assert problems(text) == ["playbook.yml:57:5: audiences[1]: warning: no message template serves audience "
                              "'staff'; readiness rule 'audience-has-a-template'"]


def test_regulator_without_template_warns(minimal: str) -> None:
    text = edit(minimal, "    regulators: [dpa]\n", "")
    assert problems(text) == [
        "playbook.yml:58:5: regulators[0]: warning: regulator 'dpa' has no notification template; list 'dpa' "
        "under a template's 'regulators'; readiness rule 'regulator-has-a-template'"
    ]


def test_checklist_item_without_any_owner_warns(minimal: str) -> None:
    text = edit(minimal, "    owner: comms-lead\n    checklist:", "    checklist:")
    assert problems(text) == [
        "playbook.yml:92:9: phases[0].checklist[0]: warning: checklist item 'respond-publish' has no owner, and "
        "phase 'respond' has no owner to inherit; readiness rule 'checklist-item-has-an-owner'"
    ]


def test_passed_review_date_warns(minimal: str) -> None:
    assert problems(minimal, today=dt.date(2026, 12, 31)) == []  # due today: not passed yet
    assert problems(minimal, today=dt.date(2027, 1, 1)) == [
        "playbook.yml:9:3: document.next_review: warning: the review date 2026-12-31 has passed; review the "
        "playbook and set a new date; readiness rule 'review-date-not-passed'"
    ]


def test_contact_not_verified_within_a_year_warns(minimal: str) -> None:
    text = edit(minimal, "verified_on: 2026-01-05\nchannels", "verified_on: 2025-05-31\nchannels")
    assert problems(text) == [
        "playbook.yml:43:5: contacts[1].verified_on: warning: details of 'bob' were last verified on 2025-05-31, "
        "more than a year ago; call to check them and update the date; readiness rule "
        "'contact-details-recently-verified'"
    ]


def test_covert_phase_using_a_watched_channel_warns(minimal: str) -> None:
    text = edit(minimal, "    use_for: Everything during an incident.\n",
                "    use_for: Everything during an incident.\n  - id: email\n    name: E-mail\n    kind: email\n"
                "    out_of_band: false\n    how_to_join: Everyone.\n    use_for: Routine.\n"
                "    fallback: signal-group\n")
    text = edit(text, "    checklist:", "    covert: true\n    checklist:")
    text = edit(text, "templates: [holding-statement]\n", "templates: [holding-statement]\n        channels: [email]\n")
    assert problems(text) == [
        "playbook.yml:106:20: phases[0].checklist[0].channels[0]: warning: phase 'respond' is covert, but channel "
        "'email' is not out-of-band; the attacker may read it; readiness rule 'covert-phase-uses-out-of-band-channels'"
    ]


# --- all at once -------------------------------------------------------------------------------

def test_all_problems_come_in_one_run_sorted_by_line(minimal: str) -> None:
    text = edit(minimal, "kind: messenger", "kind: pigeon")
    text = edit(text, 'version: "1.0"', "version: 1.0")
    text = edit(text, "templates: [holding-statement]", "templates: [nope]")
    found = problems(text, today=dt.date(2027, 1, 1))
    assert [line.split(":")[1] for line in found] == ["5", "9", "47", "97"]


def test_broken_entries_do_not_stop_the_other_checks(minimal: str) -> None:
    text = edit(minimal, "  - id: alice\n    name: Alice Example\n    fills:\n", "  - alice\n  - fills:\n")
    found = problems(text)
    assert "playbook.yml:29:5: contacts[0]: expected a mapping of keys, got the text 'alice'" in found
    assert any("unknown contact 'alice'" in line for line in found)


def test_durations_parse_as_people_write_them() -> None:
    assert [str(parse_duration(t)) for t in ("30m", "1h", "72h", "4 business days", "1 month", "2 Days")] == [
        "30 minutes", "1 hour", "72 hours", "4 business days", "1 month", "2 days",
    ]
    assert parse_duration("72h").elapsed_minutes == 4320
    assert parse_duration("3 working days").unit == "business days"


def test_a_list_where_an_id_belongs_is_a_message_not_a_crash(minimal: str) -> None:
    # Found by tests/test_properties.py: a list is unhashable, and set lookups used to raise TypeError.
    text = edit(minimal, "{role: comms-lead, as: deputy, rank: 1}", "{role: [], as: deputy, rank: 1}")
    assert problems(text) == [
        "playbook.yml:21:5: roles[0]: warning: role 'comms-lead' has no deputy; name one so the role is covered "
        "when the primary cannot be reached; readiness rule 'role-has-a-deputy'",
        "playbook.yml:40:10: contacts[1].fills[0].role: expected text, got a list",
    ]


# --- rules that had no test of their own -----------------------------------------------------

def test_a_contact_filling_a_role_twice_is_reported(minimal: str) -> None:
    text = edit(minimal, "      - {role: comms-lead, as: deputy, rank: 1}\n",
                "      - {role: comms-lead, as: deputy, rank: 1}\n      - {role: comms-lead, as: deputy, rank: 2}\n")
    assert problems(text) == ["playbook.yml:41:9: contacts[1].fills[1]: fills role 'comms-lead' twice"]


def test_duplicate_stage_ids_in_a_regulator_are_reported(minimal: str) -> None:
    text = edit(minimal, "        from: awareness\n    required",
                "        from: awareness\n      - id: notification\n        name: Again\n        due: 1 month\n"
                "        from: awareness\n    required")
    assert problems(text) == [
        "playbook.yml:70:9: regulators[0].stages[1].id: duplicate stage id 'notification' in this regulator"
    ]


def test_unclosed_value_blank_is_reported(minimal: str) -> None:
    text = edit(minimal, "Something happened: [[ what_happened ]]", "Something happened at {{ website")
    assert problems(text) == ["playbook.yml:82:29: templates[0].body: '{{' is never closed"]


def test_jinja_comment_in_message_text_is_refused(minimal: str) -> None:
    text = edit(minimal, "Something happened:", "{# note #} Something happened:")
    assert problems(text) == [
        "playbook.yml:82:7: templates[0].body: '{#' is not allowed in message text; only {{ name }} and "
        "[[ name ]] blanks are"
    ]


def test_required_clause_may_be_wrapped_differently_from_the_body(minimal: str) -> None:
    text = edit(minimal, "      - Next update by [[ next_update ]] on {{ website }}.\n",
                "      - >-\n        Next update by [[ next_update ]]\n        on {{ website }}.\n")
    assert problems(text) == []
    assert problems(edit(text, "        on {{ website }}.\n", "        at {{ website }}.\n")) == [
        "playbook.yml:85:9: templates[0].required_clauses[0]: required clause does not appear in the body; "
        "put it back as written"
    ]


def test_quorum_equal_to_the_approvers_is_valid(minimal: str) -> None:
    text = edit(minimal, "{approvers: [comms-lead]}", "{approvers: [comms-lead], quorum: 1}")
    assert problems(text) == []


def test_glossary_terms_are_unique_whatever_their_capitals(minimal: str) -> None:
    text = minimal + ("glossary:\n  - {term: Out-of-band, definition: Not on our network.}\n"
                      "  - {term: OUT-OF-BAND, definition: Again.}\n")
    assert problems(text) == ["playbook.yml:100:6: glossary[1].term: term 'OUT-OF-BAND' is already explained (line 99)"]


def test_a_malformed_duration_is_reported_once_not_as_a_missing_calendar(minimal: str) -> None:
    text = edit(minimal, "        due: 72h\n", "        due: 3 fortnights\n")
    assert problems(text) == [
        "playbook.yml:68:9: regulators[0].stages[0].due: '3 fortnights' is not a duration; write it like "
        "30m, 1h, 72h, 5h30m, 1 day 4h, 15-20m, about 12h, 4 business days, 1 month, or as the rule says it: asap, "
        "as soon as possible, as soon as practicable, as soon as reasonably practicable, without undue delay, "
        "without unreasonable delay, without delay, immediately, promptly, forthwith"
    ]


def test_a_text_cut_short_by_a_yaml_comment_is_a_warning(minimal: str) -> None:
    text = edit(minimal, "action: Publish the holding statement.", "action: Post it in #nimbus and #comms")
    assert problems(text) == [
        "playbook.yml:94:9: phases[0].checklist[0].action: warning: the text ends where ' #' starts a YAML comment: "
        "'#nimbus and #comms' was dropped; put the whole text in quotes if it belongs to it"]
    assert problems(edit(minimal, "action: Publish the holding statement.",
                         "action: 'Post it in #nimbus'  # a real comment")) == []
