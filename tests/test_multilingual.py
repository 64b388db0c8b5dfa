"""A site in the plan's languages: the plan's texts in the site's language; every language in one build."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import open_playbook
from generator.multilingual import plan_in_language
from tests.conftest import EXAMPLE, copy_example, invoke


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return open_playbook(EXAMPLE).playbook


def test_the_plan_in_a_language_it_is_translated_into_has_that_languages_texts(example) -> None:  # type: ignore[no-untyped-def]
    german = plan_in_language(example, "de")
    assert german.document.language == "de"
    assert german.template("employee-memo").title == "Mitteilung an die Mitarbeiterinnen und Mitarbeiter"
    assert german.template("holding-statement").title == "Holding statement"  # not translated: stays English


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
