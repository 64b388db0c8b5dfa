"""A site in the plan's languages: the plan's texts in the site's language; every language in one build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from generator import open_playbook
from generator.build import build
from generator.errors import BuildError
from generator.load import load_text
from generator.multilingual import build_other_languages, plan_in_language
from generator.paths import MARKER
from generator.sign import MANIFEST, SIGNATURE
from generator.translations import site_language_problems
from tests.conftest import EXAMPLE, copy_example, edit, invoke
from tests.test_build import invoke_build, snapshot
from tests.test_protect import PASSPHRASE, leaks, playbook_texts, private_project, readable
from tests.test_sign import make_key


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return open_playbook(EXAMPLE).playbook


def test_the_plan_in_a_language_it_is_translated_into_has_that_languages_texts(example) -> None:  # type: ignore[no-untyped-def]
    german = plan_in_language(example, "de")
    assert german.document.language == "de"
    assert german.template("employee-memo").title == "Mitteilung an die Mitarbeiterinnen und Mitarbeiter"
    assert german.template("holding-statement").title == "Holding statement"  # not translated: stays English


def test_a_regional_site_reads_the_plans_translation_into_its_language(example) -> None:  # type: ignore[no-untyped-def]
    assert plan_in_language(example, "de-AT").template("employee-memo").title == \
        "Mitteilung an die Mitarbeiterinnen und Mitarbeiter"
    assert plan_in_language(example, "sr-Latn-RS").document.language == "sr-Latn"


def test_the_plan_in_a_language_it_is_not_translated_into_stays_as_written(example) -> None:  # type: ignore[no-untyped-def]
    assert plan_in_language(example, "sr-Cyrl") is example
    assert plan_in_language(example, "en") is example


@pytest.mark.slow
def test_a_german_build_shows_the_plans_german_texts_and_english_where_untranslated(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "project")
    code, output = invoke("build", "-f", str(config), "--language", "de")
    assert code == 0, output
    site = tmp_path / "project" / "site"
    memo = (site / "messages" / "employee-memo.html").read_text(encoding="utf-8")
    assert '<h1 id="mitteilung-an-die-mitarbeiterinnen-und-mitarbeiter">Mitteilung an die Mitarbeiterinnen' in memo
    holding = (site / "messages" / "holding-statement.html").read_text(encoding="utf-8")
    assert '<h1 id="holding-statement">Holding statement' in holding
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Kommunikationshandbuch für Cyber-Vorfälle" in index


def multilingual(config: Path, languages: str = "[en, de, sr-Latn]") -> Path:
    """The example project at ``config`` with its site in ``languages`` (document.site_languages)."""
    playbook = config.parent / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(encoding="utf-8"), "  translations: [de, sr-Latn]",
                             f"  translations: [de, sr-Latn]\n  site_languages: {languages}"), encoding="utf-8")
    return config


def test_a_site_language_the_plan_is_not_written_in_is_refused_with_its_place() -> None:
    text = edit(EXAMPLE.read_text(encoding="utf-8"), "  translations: [de, sr-Latn]",
                "  translations: [de, sr-Latn]\n  site_languages: [en, fr, de, de]")
    line = next(n for n, said in enumerate(text.splitlines(), 1) if said.startswith("  site_languages:"))
    found = [str(p) for p in site_language_problems(load_text(text, "playbook.yml"))]
    assert found == [
        f"playbook.yml:{line}:24: document.site_languages[1]: 'fr' is neither the plan's language (en) nor one of "
        "its translations (de, sr-Latn); translate the plan into it (document.translations), or remove 'fr' here",
        f"playbook.yml:{line}:32: document.site_languages[3]: 'de' is listed twice; remove one",
    ]


@pytest.mark.slow
def test_one_build_makes_every_language_each_in_its_folder_with_a_switcher(tmp_path: Path) -> None:
    config = multilingual(copy_example(tmp_path / "project"))
    code, output = invoke("build", "-f", str(config), "--strict")
    assert code == 0, output
    assert "\nLanguages: en (site/), de (site/de/), sr-Latn (site/sr-Latn/)\n" in output
    site = tmp_path / "project" / "site"
    english, german, serbian = (site / "index.html", site / "de" / "index.html", site / "sr-Latn" / "index.html")
    assert '<html lang="en"' in english.read_text(encoding="utf-8")
    assert "Wen anrufen" in german.read_text(encoding="utf-8")  # the site's words from its catalogue
    assert "Kommunikationshandbuch für Cyber-Vorfälle" in german.read_text(encoding="utf-8")  # the plan's texts
    assert '<html lang="sr-Latn"' in serbian.read_text(encoding="utf-8")
    assert (site / "sr-Latn" / "search" / "search_index.js").is_file()
    incident = (site / "de" / "incident.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', incident) == [
        ("./../incident.html", "en"), ("./../de/incident.html", "de"), ("./../sr-Latn/incident.html", "sr-Latn")]
    assert '<link rel="alternate"' not in incident  # Material's script would fetch sitemap.xml for it
    # The incident tools keep their state under one key: a tick is a tick in every language.
    prefix = "window.PLAYBOOK_DATA = "
    keys = {json.loads((folder / "assets" / "playbook" / "data.js").read_text(encoding="utf-8")
                       .removeprefix(prefix).rstrip().removesuffix(";"))["key"]
            for folder in (site, site / "de", site / "sr-Latn")}
    assert keys == {"crisis-playbook/danubia-pay-ag/3.1"}


@pytest.mark.slow
def test_a_build_in_one_language_given_makes_only_that_language(tmp_path: Path) -> None:
    config = multilingual(copy_example(tmp_path / "project"))
    code, output = invoke("build", "-f", str(config), "--language", "de")
    assert code == 0, output
    site = tmp_path / "project" / "site"
    assert not (site / "de").exists() and not (site / "sr-Latn").exists()
    assert "Languages:" not in output
    assert "md-select__link" not in (site / "index.html").read_text(encoding="utf-8")


def test_zensical_refuses_a_site_in_several_languages_and_writes_nothing(tmp_path: Path) -> None:
    config = multilingual(copy_example(tmp_path / "project"))
    before = sorted(path.name for path in config.parent.iterdir())
    code, output = invoke("build", "-f", str(config), "--engine", "zensical")
    assert code == 1
    assert output.splitlines() == [
        "--engine zensical: a site in several languages (document.site_languages: en, de, sr-Latn) is built with "
        "MkDocs only: its language switcher is a template override of Material's that is not checked under "
        "Zensical. Build with --engine mkdocs, or one language with --language.",
        "Build failed; site/ and dist/ are unchanged."]
    assert sorted(path.name for path in config.parent.iterdir()) == before  # no site, no work folder left


def test_a_language_whose_build_fails_is_named(tmp_path: Path) -> None:
    class Plugin:
        site_languages = ("en", "de", "sr-Latn")
        signing = None

    built: list[tuple[str, Path]] = []

    def build_one(tag: str, folder: Path) -> None:
        built.append((tag, folder))
        if tag == "sr-Latn":
            raise BuildError("Doc file 'x.md' contains a link 'y.md', but the target is not found")

    with pytest.raises(BuildError) as caught:
        build_other_languages(Plugin(), tmp_path, build_one)
    assert str(caught.value) == ("the site in 'sr-Latn' (document.site_languages): Doc file 'x.md' contains a link "
                                 "'y.md', but the target is not found")
    assert built == [("de", tmp_path / "de"), ("sr-Latn", tmp_path / "sr-Latn")]


def test_validate_names_a_site_language_the_plan_is_not_written_in(tmp_path: Path) -> None:
    config = multilingual(copy_example(tmp_path / "project"), "[en, fr]")
    code, output = invoke("validate", str(config.parent / "playbook.yml"))
    assert code == 1
    assert ("document.site_languages[1]: 'fr' is neither the plan's language (en) nor one of its translations "
            "(de, sr-Latn)") in output


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen (Debian: openssh-client)")
def test_one_signed_bundle_holds_every_language_and_verify_covers_each_file(tmp_path: Path) -> None:
    key = make_key(tmp_path / "keys", "release")
    project = tmp_path / "project"
    multilingual(copy_example(project))
    shutil.copy(key.with_suffix(".pub"), project / "signing.pub")
    code, output = invoke("build", "--sign", str(key), cwd=project)
    assert code == 0, output
    site = project / "site"
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    listed = [line.split("  ", 1)[1] for line in (site / MANIFEST).read_text(encoding="utf-8").splitlines()]
    assert {name for name in files if name not in listed} == {MANIFEST, MANIFEST + SIGNATURE, MARKER}
    assert "de/incident.html" in listed and "sr-Latn/search/search_index.js" in listed
    zips = list((project / "dist").glob("*/*.zip"))
    assert [z.name for z in zips] == ["danubia-pay-ag-3-1-offline.zip"]
    with zipfile.ZipFile(zips[0]) as bundle:
        names = bundle.namelist()
    assert {"danubia-pay-ag-3-1-offline/de/incident.html", "danubia-pay-ag-3-1-offline/sr-Latn/incident.html",
            "danubia-pay-ag-3-1-offline/incident.html"} <= set(names)
    for target in (zips[0], site):
        code, output = invoke("verify", str(target), cwd=project)
        assert code == 0, output
        assert f"; {len(listed)} files match the signed manifest" in output
    page = site / "sr-Latn" / "incident.html"
    page.write_bytes(page.read_bytes().replace(b"<html", b"<html ", 1))
    code, output = invoke("verify", str(site), cwd=project)
    assert code == 1
    assert f"{page}: changed after signing (its SHA-256 is not the signed one)" in output


@pytest.mark.slow
def test_a_protected_site_in_several_languages_is_sealed_in_every_language(tmp_path: Path) -> None:
    project = private_project(tmp_path / "project")
    multilingual(project / "mkdocs.yml")
    built = build(project / "mkdocs.yml", passphrase=PASSPHRASE)
    secrets = playbook_texts(project)
    for tag in ("de", "sr-Latn"):  # the translated texts are the plan's too
        translation = yaml.safe_load((project / f"playbook.{tag}.yml").read_text(encoding="utf-8"))
        secrets |= {template["title"] for template in translation["templates"]} | {translation["document"]["title"]}
    texts = readable(built)
    assert {"site/de/search/search_index.js", "site/sr-Latn/assets/playbook/data.js",
            "zip:danubia-pay-ag-3-1-protected-offline/de/contacts.html"} <= set(texts)
    assert leaks(texts, secrets) == []
    assert all("<title>Protected playbook</title>" in built.site.joinpath(p).read_text(encoding="utf-8")
               for p in ("index.html", "de/index.html", "sr-Latn/phases/index.html", "sr-Latn/404.html"))


@pytest.mark.slow
def test_two_builds_of_a_site_in_several_languages_give_a_byte_identical_site_and_bundle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")  # 2026-03-20
    multilingual(copy_example(tmp_path))
    assert invoke_build(tmp_path)[0] == 0
    site, dist = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    assert {"de/index.html", "sr-Latn/index.html"} <= set(site)
    assert invoke_build(tmp_path)[0] == 0
    assert snapshot(tmp_path / "site") == site
    assert snapshot(tmp_path / "dist") == dist


@pytest.mark.slow
def test_plain_mkdocs_build_makes_the_first_language_only_and_says_so(tmp_path: Path) -> None:
    multilingual(copy_example(tmp_path), "[de, en]")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--verbose"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert ("document.site_languages: this build makes the site in its first language only; `playbook build` "
            "makes every language") in done.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in index and "md-select__link" not in index
    assert not (tmp_path / "site" / "en").exists()


def test_a_message_page_lists_the_sites_language_first_when_the_message_is_written_in_it() -> None:
    """A site in Austrian German (de-AT): its words come from the German catalogue and the plan, not translated into
    de-AT, stays in English; the staff memo is written in en, de and sr-Latn, and German, the site's language, comes
    first. A site in English keeps the plan's order; a site in Serbian Cyrillic has no wording of its own."""
    from generator import i18n, open_playbook
    from generator.multilingual import plan_in_language
    from generator.render import render_pages
    from tests.conftest import EXAMPLE

    playbook = open_playbook(EXAMPLE).playbook

    def order(tag: str) -> list[str]:
        pages = render_pages(plan_in_language(playbook, tag), None, i18n.language(tag))
        page = next(p for p in pages if p.path == "messages/employee-memo.md").markdown
        return re.findall(r'<div class="pb-language" lang="([^"]+)"', page)

    assert order("de-AT") == ["de", "en", "sr-Latn"]
    assert order("de") == ["de", "en", "sr-Latn"]
    assert order("en") == ["en", "de", "sr-Latn"]
    assert order("sr-Cyrl") == ["en", "de", "sr-Latn"]
    assert order("sr-Latn") == ["sr-Latn", "en", "de"]
