"""The site's own words in the playbook's language: catalogues, fallback to English, switching languages."""
# ruff: noqa: RUF001  (Serbian Cyrillic text on purpose: its letters look like Latin ones)

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from generator import i18n, open_playbook
from generator.render import navigation, render_pages
from tests.conftest import EXAMPLE, ROOT, copy_example, edit, invoke

SHIPPED = ["en", "de", "sr-Cyrl", "sr-Latn"]


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return open_playbook(EXAMPLE).playbook


def home(playbook, tag: str) -> str:  # type: ignore[no-untyped-def]
    return render_pages(playbook, None, i18n.language(tag))[0].markdown


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped catalogues the test may change."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    monkeypatch.setattr(i18n, "TEMPLATE", copy / "playbook.pot")
    i18n.template.cache_clear()
    yield copy
    i18n.template.cache_clear()


def drop(locale_dir: Path, locale: str, msgid: str) -> None:
    path = locale_dir / locale / "LC_MESSAGES" / "playbook.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale)
    catalog.delete(msgid)
    with path.open("wb") as file:
        write_po(file, catalog)


def test_the_shipped_languages_are_english_and_every_catalogue() -> None:
    assert i18n.available() == SHIPPED


@pytest.mark.parametrize(("tag", "locale", "material"), [
    ("de", "de", "de"), ("de-AT", "de", "de"), ("sr-Latn", "sr_Latn", "sh"), ("sr-Cyrl", "sr_Cyrl", "sr"),
    ("sr", "sr_Cyrl", "sr"), ("sr-Latn-RS", "sr_Latn", "sh"), ("sr-RS", "sr_Cyrl", "sr"), ("en", "en", "en"),
    ("en-GB", "en", "en"),
])
def test_a_tag_finds_its_catalogue_and_materials_code(tag: str, locale: str, material: str) -> None:
    chosen = i18n.language(tag)
    assert (chosen.locale, chosen.material) == (locale, material)


@pytest.mark.parametrize("tag", ["de", "sr-Latn", "sr-Cyrl"])
def test_every_shipped_catalogue_translates_every_word(tag: str) -> None:
    assert i18n.language(tag).untranslated == ()


@pytest.mark.parametrize("tag", ["de", "sr-Latn", "sr-Cyrl"])
def test_translations_keep_the_values_they_are_given(tag: str) -> None:
    """A translation that drops or renames a %(value)s would lose a fact or fail the render."""
    path = i18n.catalogue_path(i18n.catalogue_locale(tag))
    with path.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        values = re.compile(r"%\(\w+\)s|\{\w+\}")  # page templates' and playbook.js's
        wanted = set(values.findall(ids[-1]))
        for string in strings:
            assert set(values.findall(string)) <= set(values.findall(" ".join(ids))), message.id
            assert wanted - {"%(count)s"} <= set(values.findall(string)), (message.id, string)


def test_the_template_holds_every_word_the_sources_say(tmp_path: Path) -> None:
    """`make catalogues` was run after the last change of a word: extracting again gives the same msgids."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg",
                    "-k", "t", "-k", "tn:1,2", "-k", "N_", "-o", str(fresh), "generator"], cwd=ROOT, check=True)
    with fresh.open("rb") as file:
        extracted = {m.id for m in read_po(file) if m.id}
    assert extracted == {m.id for m in i18n.template() if m.id}


def test_home_answers_the_four_questions_in_german(example) -> None:  # type: ignore[no-untyped-def]
    text = home(example, "de")
    assert "-   **[Wen anrufen](contacts.md)**" in text
    assert "-   **[Die erste Stunde](#the-first-hour)**" in text
    assert "-   **[Fristen](incident.md)**" in text
    assert "-   **[Was wir jetzt sagen](messages/holding-statement.md)**" in text
    assert "Who to call" not in text


def test_navigation_titles_are_in_the_sites_language(example) -> None:  # type: ignore[no-untyped-def]
    nav = navigation(render_pages(example, None, i18n.language("de")))
    titles = [next(iter(entry)) for entry in nav]
    assert titles[:4] == ["Start", "Vorfallsuhr und Protokoll", "Fakten zum Vorfall", "Phasen"]


def test_a_value_put_into_a_translated_text_is_escaped(example) -> None:  # type: ignore[no-untyped-def]
    """`{% trans %}` values land in Markdown like any other value: the plan cannot inject syntax through them."""
    for tag in ("de", "en"):
        said = i18n.page_gettext(i18n.language(tag))["gettext"]("Details verified on %(verified)s.")
        assert str(said % {"verified": "*[x](javascript:1)*"}).endswith(
            "&#42;&#91;x&#93;&#40;javascript:1&#41;&#42;.")


def test_switching_language_between_renders_in_one_process_gives_each_its_words(example) -> None:  # type: ignore[no-untyped-def]
    """Compiled templates are cached (Jinja's bytecode cache); the words are looked up at render time."""
    assert "Wen anrufen" in home(example, "de")
    assert "**[Who to call](contacts.md)**" in render_pages(example)[0].markdown
    assert "**[Кога звати](contacts.md)**" in home(example, "sr-Cyrl")
    assert "**[Koga zvati](contacts.md)**" in home(example, "sr-Latn")
    assert "Wen anrufen" in home(example, "de")
    assert "**[Who to call](contacts.md)**" in home(example, "en")


def test_python_words_follow_the_language_and_return_to_english(example) -> None:  # type: ignore[no-untyped-def]
    de = render_pages(example, None, i18n.language("de"))
    contacts = next(page for page in de if page.path == "contacts.md").markdown
    assert "Mobiltelefon: [+43 660 5550101]" in contacts
    assert i18n._("Mobile") == "Mobile"  # outside a render, English


def test_a_missing_translation_is_said_in_english_and_named(catalogues: Path, example) -> None:  # type: ignore[no-untyped-def]
    drop(catalogues, "de", "Who to call")
    chosen = i18n.language("de")
    assert chosen.untranslated == ("Who to call",)
    assert chosen.missing_text() == ("language 'de': 1 of the site's words have no translation in "
                                     "generator/locale/de/LC_MESSAGES/playbook.po and are shown in English: "
                                     "'Who to call'")
    text = render_pages(example, None, chosen)[0].markdown
    assert "**[Who to call](contacts.md)**" in text and "**[Fristen](incident.md)**" in text


def test_a_language_without_a_catalogue_names_the_languages_there_are() -> None:
    with pytest.raises(i18n.LanguageError) as caught:
        i18n.language("fr")
    assert str(caught.value) == ("language 'fr': the site's words are not translated into it; languages with a "
                                 "catalogue: en, de, sr-Cyrl, sr-Latn (see README, For translators)")


def test_a_tag_that_is_no_language_is_refused_the_same_way() -> None:
    with pytest.raises(i18n.LanguageError, match="language 'x!': the site's words are not translated into it"):
        i18n.language("x!")
    # A tag typed or pasted wrongly is shown readably and short, on the one line of the message.
    with pytest.raises(i18n.LanguageError, match=r"^language 'de\\nx\\x00': the site's"):
        i18n.language("de\nx\x00")
    with pytest.raises(i18n.LanguageError, match=r"^language 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…': the site's"):
        i18n.language("x" * 300)


@pytest.mark.slow
def test_build_language_option_sets_the_words_materials_language_and_search(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    code, output = invoke("build", "-f", str(config), "--language", "de")
    assert code == 0, output
    index = (tmp_path / "project" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in index
    assert "Wen anrufen" in index and 'placeholder="Suche"' in index
    assert '"lang": ["de"]' in (tmp_path / "project" / "site" / "search" / "search_index.js").read_text() \
        or '"lang":["de"]' in (tmp_path / "project" / "site" / "search" / "search_index.js").read_text()
    code, output = invoke("build", "-f", str(config), "--language", "sr-Latn")
    assert code == 0, output
    index = (tmp_path / "project" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sr-Latn"' in index and 'placeholder="Pretraga"' in index  # Material's "sh", said rightly


@pytest.mark.slow
def test_a_language_with_no_catalogue_builds_in_english_with_a_warning_and_fails_strict(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    code, output = invoke("build", "-f", str(config), "--language", "fr")
    assert code == 0, output
    assert ("warning: language 'fr': the site's words are not translated into it; languages with a catalogue: "
            "en, de, sr-Cyrl, sr-Latn (see README, For translators); the site's own words are in English") in output
    code, output = invoke("build", "-f", str(config), "--language", "fr", "--strict")
    assert code == 1
    assert "language 'fr': the site's words are not translated into it" in output


@pytest.mark.slow
def test_theme_language_written_in_mkdocs_yml_is_kept(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    config.write_text(edit(config.read_text(encoding="utf-8"), "  name: material\n",
                           "  name: material\n  language: en\n"), encoding="utf-8")
    code, output = invoke("build", "-f", str(config), "--language", "de")
    assert code == 0, output
    index = (tmp_path / "project" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in index and "Wen anrufen" in index


@pytest.mark.slow
def test_a_missing_translation_warns_in_a_build_and_fails_a_strict_one(catalogues: Path, tmp_path: Path) -> None:
    drop(catalogues, "de", "Who to call")
    config = copy_example(tmp_path / "project")
    code, output = invoke("build", "-f", str(config), "--language", "de")
    assert code == 0, output
    assert ("warning: language 'de': 1 of the site's words have no translation in "
            "generator/locale/de/LC_MESSAGES/playbook.po and are shown in English: 'Who to call'") in output
    code, output = invoke("build", "-f", str(config), "--language", "de", "--strict")
    assert code == 1
    assert "'Who to call'" in output


def test_serbian_plurals_take_the_form_of_the_number(example) -> None:  # type: ignore[no-untyped-def]
    said = i18n.page_gettext(i18n.language("sr-Latn"))["ngettext"]
    assert [str(said("%(count)s item", "%(count)s items", n) % {"count": n}) for n in (1, 3, 5, 21)] == [
        "1 stavka", "3 stavke", "5 stavki", "21 stavka"]


def test_cyrillic_is_the_latin_text_in_the_other_script() -> None:
    """sr-Cyrl and sr-Latn say the same: each msgid's two translations match letter for letter (values, code and
    the matrix letters A F O C I stay Latin)."""
    latin = i18n.language("sr-Latn").translations
    cyrillic = i18n.language("sr-Cyrl").translations
    assert latin.gettext("Who to call") == "Koga zvati" and cyrillic.gettext("Who to call") == "Кога звати"
    assert cyrillic.gettext("Deadlines") == "Рокови" and cyrillic.gettext("Approval matrix") == "Матрица одобрења"
    assert cyrillic.gettext("These tools need JavaScript.") == "Овим алатима је потребан JavaScript."
    # Every message: the Cyrillic, with what it keeps in Latin put into Cyrillic too, is the Latin put into Cyrillic.
    with i18n.catalogue_path("sr_Latn").open("rb") as file:
        latin_catalog = read_po(file)
    with i18n.catalogue_path("sr_Cyrl").open("rb") as file:
        cyrillic_catalog = read_po(file)
    differ = []
    for message in latin_catalog:
        if not message.id:
            continue
        other = cyrillic_catalog.get(message.id, context=message.context)
        pairs = zip(_forms(message.string), _forms(other.string if other else ""), strict=False)
        differ += [f"{message.id!r}: {cyr!r}" for lat, cyr in pairs if _cyrillic(lat) != _cyrillic(cyr)]
        differ += [f"{message.id!r}: {cyr!r} mixes scripts in a word" for cyr in _forms(other.string if other else "")
                   if re.search(r"[A-Za-zčćđšžČĆĐŠŽ][а-шА-Ш]|[а-шА-Ш][A-Za-zčćđšžČĆĐŠŽ]", cyr)]
        # What stays Latin is what the English has too: names, code, values, the matrix letters.
        source = " ".join(_forms(message.id))
        differ += [f"{message.id!r}: {word!r} left in Latin" for cyr in _forms(other.string if other else "")
                   for word in re.findall(r"[A-Za-zčćđšžČĆĐŠŽ]+", cyr) if word not in source]
    assert differ == []


#: Serbian Latin letters in Cyrillic: the digraphs first (lj, nj, dž are one letter each).
_LETTERS = {**{a: b for a, b in zip(["lj", "nj", "dž", "Lj", "Nj", "Dž", "LJ", "NJ", "DŽ"], "љњџЉЊЏЉЊЏ", strict=True)},
            **dict(zip("abcčćdđefghijklmnoprsštuvzžABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽ",
                       "абцчћдђефгхијклмнопрсштувзжАБЦЧЋДЂЕФГХИЈКЛМНОПРСШТУВЗЖ", strict=True))}


def _cyrillic(text: str) -> str:
    return re.sub("|".join(sorted(_LETTERS, key=len, reverse=True)), lambda m: _LETTERS[m.group()], text)


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


def test_the_tools_get_their_words_and_plural_forms_in_the_language(example) -> None:  # type: ignore[no-untyped-def]
    from generator.sitedata import data_script

    de = data_script(example, i18n.language("de"))
    assert '"Now":"Jetzt"' in de.replace(" ", "") and '"locale":"de"' in de.replace(" ", "")
    plurals = i18n.script_plurals(i18n.language("sr-Latn"))
    assert plurals["{count} day ago"] == {"one": "pre {count} dan", "few": "pre {count} dana",
                                          "other": "pre {count} dana"}
    english = data_script(example)
    assert '"strings":{}' in english.replace(" ", "") and '"plurals":{}' in english.replace(" ", "")


@pytest.mark.parametrize(("tag", "banner"), [
    ("en", "approved by [Lukas Berger](contacts.md#contact-lukas-berger) on 2026-11-02 · next review by 2027-05-15"),
    ("de", "freigegeben von [Lukas Berger](contacts.md#contact-lukas-berger) am 02.11.2026 · nächste Überprüfung bis "
           "15.05.2027"),
    # "2. 11. 2026.": the first full stop is written as a reference, as at the start of any value (a list's "2.")
    ("sr-Latn", "odobrio/la [Lukas Berger](contacts.md#contact-lukas-berger) dana 2&#46; 11. 2026. · sledeće "
                "preispitivanje do 15&#46; 5. 2027."),
])
def test_dates_on_the_pages_are_written_as_the_locale_writes_them(example, tag: str, banner: str) -> None:  # type: ignore[no-untyped-def]
    assert banner in home(example, tag)


@pytest.mark.parametrize(("tag", "written", "said"), [
    ("en", "15m", "15 minutes"), ("de", "15m", "15 Minuten"), ("de", "1h", "1 Stunde"),
    ("de", "about 12h", "etwa 12 Stunden"), ("de", "1 day 4h", "1 Tag 4 Stunden"),
    ("sr-Latn", "3 business days", "3 radna dana"), ("sr-Latn", "21 days", "21 dan"), ("sr-Latn", "5h", "5 sati"),
    ("sr-Cyrl", "15-20m", "15–20 минута"), ("sr-Cyrl", "2 weeks", "2 недеље"),
])
def test_a_duration_of_the_plan_is_said_in_the_language(tag: str, written: str, said: str) -> None:
    from generator.durations import parse_duration

    assert str(i18n.local_value(parse_duration(written), i18n.language(tag))) == said


@pytest.mark.slow
def test_the_plugins_language_option_in_mkdocs_yml_chooses_the_language(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    config.write_text(edit(config.read_text(encoding="utf-8"), "      templates: templates\n",
                           "      templates: templates\n      language: sr\n"), encoding="utf-8")
    code, output = invoke("build", "-f", str(config))
    assert code == 0, output
    index = (tmp_path / "project" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sr-Cyrl"' in index and "Кога звати" in index


#: Words a catalogue must not use, with the site's own word for the thing (a reader at 3 a.m. must not wonder
#: whether a "Nachricht" is something else than the "Mitteilungen" of the menu).
TERMS = {
    "de": {r"Nachricht": "Mitteilung", r"Out-of-Band": "Ausweichkanal", r"(?<!Stell)[Vv]ertretung": "Stellvertretung",
           r"\bMal \{count\}": "{count}. Mal",
           # a holding statement is not the DORA "Erstmeldung"; a release of the playbook is not an approval
           r"Erstmitteilung": "erste Stellungnahme", r"Freigaben (dieses|mit)|sobald Freigaben": "Ausgaben"},
    "sr_Latn": {r"\bput \{count\}": "{count}. put", r"vanpojasn": "rezervni kanal", r"prv\w+ izjav": "prvo saopštenje",
                # a regulator's reporting stage is not a phase of the plan ("Faze"); an inject is no "ubacivanje"
                r"(?i)faz\w* prijave|rok ove faze": "korak prijave", r"(?i)ubaciv": "događaj iz scenarija"},
    "sr_Cyrl": {r"\bпут \{count\}": "{count}. пут", r"ванпојасн": "резервни канал", r"прв\w+ изјав": "прво саопштење",
                r"(?i)фаз\w* пријаве|рок ове фазе": "корак пријаве", r"(?i)убацив": "догађај из сценарија"},
}


@pytest.mark.parametrize("locale", sorted(TERMS))
def test_a_catalogue_says_one_thing_with_one_word(locale: str) -> None:
    with i18n.catalogue_path(locale).open("rb") as file:
        catalog = read_po(file)
    found = [f"{text!r} (say {word!r})" for message in catalog if message.id
             for text in ([message.string] if isinstance(message.string, str) else message.string)
             for term, word in TERMS[locale].items() if re.search(term, text)]
    assert found == []


def test_an_empty_language_is_refused_not_taken_as_the_default(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    for empty in ("", " "):
        code, output = invoke("build", "-f", str(config), "--language", empty)
        assert (code, output) == (1, f"--language '{empty}': empty; name a language tag, one of the languages with "
                                     "a catalogue: en, de, sr-Cyrl, sr-Latn\n"
                                     "Build failed; site/ and dist/ are unchanged.\n")
    assert not (tmp_path / "project" / "site").exists()


def test_an_empty_language_setting_in_mkdocs_yml_is_refused_not_taken_as_the_default(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    config.write_text(edit(config.read_text(encoding="utf-8"), "      templates: templates\n",
                           "      templates: templates\n      language: ''\n"), encoding="utf-8")
    code, output = invoke("build", "-f", str(config))
    assert (code, output) == (1, "mkdocs.yml: plugins.playbook.language '': empty; name a language tag, one of the "
                                 "languages with a catalogue: en, de, sr-Cyrl, sr-Latn\n"
                                 "Build failed; site/ and dist/ are unchanged.\n")
    assert not (tmp_path / "project" / "site").exists()
