"""Translation files (playbook.<language>.yml): what validation says about them, and the playbook in a language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import ValidationError, check, open_playbook
from generator.translations import in_language, language_name, translation_of
from tests.conftest import EXAMPLE, MINIMAL, TODAY, edit, invoke

#: A complete German translation of the minimal fixture's texts.
GERMAN = """\
document:
  title: Krisenkommunikation
templates:
  - id: holding-statement
    title: Erste Stellungnahme
    body: |
      Etwas ist passiert: [[ what_happened ]].
      Nächstes Update bis [[ next_update ]] auf {{ website }}.
    required_clauses:
      - Nächstes Update bis [[ next_update ]] auf {{ website }}.
not_translated:
  reason: Only the holding statement goes out in German.
  incident_facts: all
  roles: all
  channels: all
  audiences: all
  phases: all
"""


def _project(tmp_path: Path, german: str | None = GERMAN, languages: str = "[de]") -> Path:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(MINIMAL.read_text(), "  language: en\n", f"  language: en\n  translations: {languages}\n"))
    if german is not None:
        (tmp_path / "playbook.de.yml").write_text(german)
    return playbook


def _problems(tmp_path: Path, german: str | None = GERMAN, languages: str = "[de]") -> list[str]:
    playbook = _project(tmp_path, german, languages)
    return [str(p) for p in check(playbook, today=TODAY, display_name="playbook.yml") if p.severity != "notice"]


def test_a_complete_translation_has_no_problems_and_notices_what_it_leaves_out(tmp_path: Path) -> None:
    found = check(_project(tmp_path), today=TODAY, display_name="playbook.yml")
    assert [str(p) for p in found if p.file == "playbook.de.yml"] == [
        "playbook.de.yml:11:1: not_translated: notice: left in English, as declared: all 2 incident facts; its 1 "
        "role; its 1 channel; its 1 audience; its 1 phase",
    ]
    without_facts = edit(GERMAN, "  incident_facts: all\n", "  incident_facts: [next_update]\n") + \
        "incident_facts:\n  - {id: what_happened, label: Was ist passiert?}\n"
    found = check(_project(tmp_path, without_facts), today=TODAY, display_name="playbook.yml")
    assert str(found[-1]).startswith("playbook.de.yml:11:1: not_translated: notice: left in English, as declared: "
                                     "1 incident fact: next_update; its 1 role;")


def test_a_german_text_that_lost_a_required_clause_fails_with_file_line_and_key_path(tmp_path: Path) -> None:
    german = edit(GERMAN, "      Nächstes Update bis [[ next_update ]] auf {{ website }}.\n    required",
                  "      Nächstes Update bis [[ next_update ]], auf {{ website }}.\n    required")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:10:9: templates[0].required_clauses[0]: required clause does not appear in the translated "
        "body; put it back as written",
    ]
    with pytest.raises(ValidationError, match=r"playbook\.de\.yml:10:9: templates"):
        open_playbook(tmp_path / "playbook.yml", today=TODAY)


def test_a_declared_language_without_its_file_is_an_error(tmp_path: Path) -> None:
    assert _problems(tmp_path, None) == [
        "playbook.yml:12:18: document.translations[0]: language 'de' has no translation file playbook.de.yml; "
        "write it beside playbook.yml, or remove 'de' here",
    ]


def test_the_plans_own_language_or_one_declared_twice_is_an_error(tmp_path: Path) -> None:
    assert _problems(tmp_path, GERMAN, "[en, de, de]") == [
        "playbook.yml:12:18: document.translations[0]: 'en' is the plan's own language (document.language); "
        "remove it here",
        "playbook.yml:12:26: document.translations[2]: 'de' is declared twice; remove one",
    ]


def test_a_translation_file_nobody_declared_is_a_warning(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "playbook.fr.yml").write_text("templates: []\n")
    assert _problems(tmp_path) == [
        "playbook.fr.yml: warning: not declared in document.translations of playbook.yml, so it is not used; add "
        "'fr' to document.translations, or remove the file",
    ]


def test_an_id_that_is_not_in_the_playbook_is_an_error(tmp_path: Path) -> None:
    german = edit(GERMAN, "  - id: holding-statement", "  - id: holding-statment")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:3:1: templates: warning: no German translation of 1 template: holding-statement "
        "(title, body, required_clauses); translate them, or list them under not_translated.templates with the "
        "reason",
        "playbook.de.yml:4:5: templates[0].id: unknown template 'holding-statment'; it is not in playbook.yml; "
        "known: holding-statement",
    ]


def test_a_checklist_item_is_found_in_its_own_phase(tmp_path: Path) -> None:
    german = edit(GERMAN, "  phases: all\n", "") + "phases:\n  - id: respond\n    name: Reagieren\n    checklist:\n" \
        "      - {id: respond-publsh, action: Veröffentlichen.}\n"
    assert _problems(tmp_path, german)[1:] == [
        "playbook.de.yml:21:10: phases[0].checklist[0].id: phase 'respond' has no checklist item 'respond-publsh' "
        "in playbook.yml; known: respond-publish",
    ]


def test_a_text_without_a_translation_is_a_warning_listing_it(tmp_path: Path) -> None:
    german = edit(GERMAN, "    title: Erste Stellungnahme\n", "")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:3:1: templates: warning: no German translation of 1 template: holding-statement "
        "(title); translate them, or list them under not_translated.templates with the reason",
    ]
    code, output = invoke("validate", "--strict", str(tmp_path / "playbook.yml"))
    assert code == 1 and "templates: warning: no German translation" in output


def test_blanks_that_differ_from_the_originals_are_named(tmp_path: Path) -> None:
    german = edit(GERMAN, "Etwas ist passiert: [[ what_happened ]].", "Etwas ist passiert: {{ website }}.")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:6:5: templates[0].body: the blanks differ from the original's: missing [[ what_happened ]]; "
        "a translation keeps every blank of the original, as written",
    ]


def test_an_undeclared_blank_in_a_translation_is_named_where_it_is(tmp_path: Path) -> None:
    german = edit(GERMAN, "passiert: [[ what_happened ]].", "passiert: [[ what_happened ]] [[ wer ]].")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:7:47: templates[0].body: unknown incident fact '[[ wer ]]'; declare it under "
        "'incident_facts'; known: next_update, what_happened",
    ]


def test_required_clauses_are_as_many_as_the_originals(tmp_path: Path) -> None:
    german = edit(GERMAN, "      - Nächstes Update bis [[ next_update ]] auf {{ website }}.\n",
                  "      - Nächstes Update bis [[ next_update ]] auf {{ website }}.\n      - Etwas ist passiert\n")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:9:5: templates[0].required_clauses: 2 required clauses, the original has 1; translate "
        "each one",
    ]
    without = edit(GERMAN, "    required_clauses:\n      - Nächstes Update bis [[ next_update ]] auf {{ website }}.\n",
                   "")
    assert _problems(tmp_path, without) == [
        "playbook.de.yml:3:1: templates: warning: no German translation of 1 template: holding-statement "
        "(required_clauses); translate them, or list them under not_translated.templates with the reason",
        "playbook.de.yml:6:5: templates[0].body: the original has 1 required clause, which must stay in this body; "
        "translate them under required_clauses",
    ]


def test_not_translated_names_entries_that_exist_and_are_not_translated(tmp_path: Path) -> None:
    german = GERMAN + "  templates: [holding-statement, press-release]\n"
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:18:15: not_translated.templates[0]: 'holding-statement' is translated in this file; remove "
        "it here or remove its translation",
        "playbook.de.yml:18:34: not_translated.templates[1]: unknown template 'press-release'; known: "
        "holding-statement",
    ]


def test_the_shape_of_a_translation_file_is_checked_against_the_schema(tmp_path: Path) -> None:
    german = edit(GERMAN, "    title: Erste Stellungnahme\n", "    title: Erste Stellungnahme\n    kind: other\n")
    german = edit(german, "  phases: all\n", "  phases: some\n")
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:6:5: templates[0].kind: unknown key 'kind' (did you mean 'id'?); known: body, id, "
        "optional_lines, outline, required_clauses, subject, title",
        "playbook.de.yml:18:3: not_translated.phases: the text 'some' is neither 'all' nor a list of ids; write "
        "'all' or [id, id]",
    ]


def test_in_language_replaces_the_texts_and_keeps_the_rest(tmp_path: Path) -> None:
    playbook = open_playbook(_project(tmp_path), today=TODAY).playbook
    german = in_language(playbook, "de")
    template = german.template("holding-statement")
    assert (template.title, template.body) == ("Erste Stellungnahme", "Etwas ist passiert: [[ what_happened ]].\n"
                                               "Nächstes Update bis [[ next_update ]] auf {{ website }}.\n")
    assert template.approval == playbook.template("holding-statement").approval
    assert (german.document.title, german.document.language) == ("Krisenkommunikation", "de")
    assert german.phases == playbook.phases  # untranslated: the original, and listed
    assert ("phases", "respond", "name") in translation_of(playbook, "de").untranslated
    assert in_language(playbook, "en") is playbook
    with pytest.raises(KeyError, match="not translated into 'fr'; its translations: de"):
        in_language(playbook, "fr")


def test_language_names_come_from_cldr() -> None:
    assert [language_name("de"), language_name("sr-Latn"), language_name("sr-Latn", native=True)] == [
        "German", "Serbian (Latin)", "srpski (latinica)"]


def test_the_example_is_translated_where_a_real_institution_would_be() -> None:
    playbook = open_playbook(EXAMPLE, strict=True, today=dt.date(2026, 12, 1)).playbook
    translated = {t.language: sorted(ident for section, ident in t.texts if section == "templates")
                  for t in playbook.translations}
    assert translated == {"de": ["board-briefing", "dora-initial-report", "employee-memo", "gdpr-notification"],
                          "sr-Latn": ["employee-memo", "gdpr-notification"]}
    serbian = in_language(playbook, "sr-Latn")
    assert serbian.template("gdpr-notification").required_clauses == (
        "Lice za zaštitu podataka o ličnosti: {{ dpo_email }}.",)


def test_diff_shows_a_changed_translation(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "old.yml").write_text((tmp_path / "playbook.yml").read_text())
    (tmp_path / "old.de.yml").write_text(GERMAN)
    (tmp_path / "playbook.de.yml").write_text(edit(GERMAN, "title: Erste Stellungnahme", "title: Erste Erklärung"))
    assert invoke("diff", "old.yml", "playbook.yml", cwd=tmp_path) == (0, (
        "Changes from old.yml to playbook.yml:\n\n"
        "Translation: German (de)\n"
        "  ~ holding-statement (Erste Erklärung)\n"
        "      title: 'Erste Stellungnahme' -> 'Erste Erklärung'\n"))
    (tmp_path / "old.de.yml").write_text(edit(GERMAN, "  - id: holding-statement\n", "  - id: holding-statment\n"))
    code, output = invoke("diff", "old.yml", "playbook.yml", cwd=tmp_path)
    assert (code, output.splitlines()[0]) == (1, "old.de.yml:4:5: templates[0].id: unknown template "
                                                 "'holding-statment'; it is not in old.yml; known: holding-statement")


def test_playbook_schema_translation_prints_the_committed_file_and_the_example_follows_it() -> None:
    import json

    import jsonschema
    import yaml

    from tests.conftest import ROOT, example_translations

    code, output = invoke("schema", "--translation")
    committed = ROOT / "playbook.translation.schema.json"
    assert code == 0 and json.loads(output) == json.loads(committed.read_text()), \
        "stale: run `playbook schema --translation > playbook.translation.schema.json`"
    validator = jsonschema.Draft202012Validator(json.loads(output))
    for path in example_translations():
        assert path.read_text().startswith("# yaml-language-server: $schema=playbook.translation.schema.json\n")
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == []
    broken = yaml.safe_load(edit(GERMAN, "  phases: all\n", "  phases: some\n"))
    assert [e.message for e in validator.iter_errors(broken)] == [
        "'some' is not valid under any of the given schemas"]


def test_a_playbook_put_into_a_language_keeps_the_original_and_goes_back_or_on() -> None:
    playbook = open_playbook(EXAMPLE, today=dt.date(2026, 12, 1)).playbook
    german = in_language(playbook, "de")
    assert [(t.language, t.original) for t in german.translations] == [("en", True), ("de", False),
                                                                         ("sr-Latn", False)]
    back = in_language(german, "en")
    assert back.templates == playbook.templates and back.values == playbook.values
    assert back.document == playbook.document and back.translations == playbook.translations
    serbian = in_language(german, "sr-Latn")  # through the original: an untranslated text is English, not German
    assert serbian == in_language(playbook, "sr-Latn")
    assert serbian.template("board-briefing").body == playbook.template("board-briefing").body


def test_a_message_page_shows_its_languages_in_a_translated_site_too() -> None:
    from generator.translations import wordings

    playbook = open_playbook(EXAMPLE, today=dt.date(2026, 12, 1)).playbook
    assert [(w.language, w.suffix) for w in wordings(playbook, "employee-memo")] == [
        ("en", ""), ("de", "--de"), ("sr-Latn", "--sr-Latn")]
    assert [w.language for w in wordings(playbook, "board-briefing")] == ["en", "de"]
    assert [w.language for w in wordings(playbook, "press-release")] == ["en"]
    german = in_language(playbook, "de")
    assert [(w.language, w.suffix) for w in wordings(german, "employee-memo")] == [
        ("de", ""), ("en", "--en"), ("sr-Latn", "--sr-Latn")]
    assert [w.language for w in wordings(german, "press-release")] == ["en"]  # not written in German
    assert wordings(german, "board-briefing")[0].message.body.startswith("Vertraulich")
    assert [w.language for w in wordings(in_language(playbook, "sr-Latn"), "board-briefing")] == ["en", "de"]


def test_validate_lists_the_declared_untranslated_texts_as_notices_and_passes_strict(tmp_path: Path) -> None:
    playbook = _project(tmp_path)
    code, output = invoke("validate", "--strict", "--as-of", "2026-06-01", str(playbook))
    assert code == 0, output
    assert f"{tmp_path}/playbook.de.yml:11:1: not_translated: notice: left in English, as declared: all 2 incident " \
           "facts; its 1 role; its 1 channel; its 1 audience; its 1 phase\n" in output
    assert output.endswith(f"{playbook}: valid (0 errors, 0 warnings)\n")


def test_a_translation_file_that_is_not_plain_yaml_is_named(tmp_path: Path) -> None:
    playbook = _project(tmp_path, "templates: [\n")
    code, output = invoke("validate", str(playbook))
    assert (code, output) == (1, f"{tmp_path}/playbook.de.yml:2:1: YAML syntax error: did not find expected node "
                                 f"content (while parsing a flow node)\n{playbook}: invalid (1 error, 0 warnings)\n")


def test_an_incident_fact_is_translated_by_its_name(tmp_path: Path) -> None:
    german = edit(GERMAN, "  incident_facts: all\n", "  incident_facts: [next_update]\n") + \
        "incident_facts:\n  - {id: what_happened, label: Was ist passiert?}\n"
    assert _problems(tmp_path, german) == []
    playbook = open_playbook(tmp_path / "playbook.yml", today=TODAY).playbook
    assert in_language(playbook, "de").incident_facts[0].label == "Was ist passiert?"


def test_values_are_translated_only_where_playbook_yml_has_them(tmp_path: Path) -> None:
    german = GERMAN + "values:\n  websit: https://example.test/de\n  website: https://example.test/de/\n"
    assert _problems(tmp_path, german) == [
        "playbook.de.yml:19:3: values.websit: unknown value 'websit'; only values of playbook.yml are translated; "
        "known: website",
    ]
    without_title = edit(GERMAN, "document:\n  title: Krisenkommunikation\n", "")
    assert _problems(tmp_path, without_title) == [
        "playbook.de.yml: warning: no German translation of the document (title); translate them, or list them "
        "under not_translated.document with the reason",
    ]


def test_the_facts_page_says_that_every_language_is_filled_from_the_same_answers() -> None:
    from generator import i18n
    from generator.render import render_pages

    playbook = open_playbook(EXAMPLE, today=dt.date(2026, 12, 1)).playbook
    facts = {page.path: page.markdown for page in render_pages(in_language(playbook, "de"))}["facts.md"]
    assert "Messages written in other languages too (English, Serbian &#40;Latin&#41;) are filled from the same " \
           "answers, as typed: check each filled text before you copy it." in facts
    german = {page.path: page.markdown for page in render_pages(playbook, language=i18n.language("de"))}
    assert "Mitteilungen, die auch in anderen Sprachen verfasst sind (Deutsch, Serbisch &#40;Lateinisch&#41;), " \
           "werden mit denselben Antworten gefüllt" in german["facts.md"]


def test_a_translated_text_is_text_on_the_page_and_never_a_template(tmp_path: Path) -> None:
    from generator.render import render_pages

    hostile = edit(GERMAN, "      Etwas ist passiert: [[ what_happened ]].\n",
                   "      <script>alert(1)</script> Etwas ist passiert: [[ what_happened ]].\n")
    playbook = open_playbook(_project(tmp_path, hostile), today=TODAY).playbook
    page = {p.path: p.markdown for p in render_pages(playbook)}["messages/holding-statement.md"]
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62; Etwas ist passiert" in page
    assert "<script>" not in page
    templated = edit(GERMAN, "Etwas ist passiert:", "{% for x in range(3) %}x{% endfor %} Etwas ist passiert:")
    assert _problems(tmp_path, templated)[0] == (
        "playbook.de.yml:7:7: templates[0].body: '{%' is not allowed in message text; only {{ name }} and "
        "[[ name ]] blanks are")
