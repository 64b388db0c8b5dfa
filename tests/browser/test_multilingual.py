"""The example built in English, German and Serbian (Latin) by one build, opened from file:// with the network
off: the switcher leads to the same page in another language, and a tick is a tick in every language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from tests.browser.conftest import Visit, search_results, visiting
from tests.browser.test_accessibility import WIDTHS, violations
from tests.browser.test_incident_tools import tick_first_item
from tests.browser.test_protected import PASSPHRASE, unlock
from tests.conftest import copy_example
from tests.test_multilingual import multilingual

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(multilingual(copy_example(tmp_path_factory.mktemp("project"))), strict=True).site


@pytest.fixture
def visit(browser: Any, site: Path) -> Iterator[Visit]:
    with visiting(browser, site) as record:
        yield record


def switch_to(visit: Visit, language: str) -> None:
    """Open the header's language selector and choose ``language``, as a person does."""
    visit.page.locator(".md-header .md-select button").hover()
    visit.page.locator(f'.md-select__link[hreflang="{language}"]').click()
    visit.page.wait_for_load_state("load")


def test_the_switcher_leads_from_the_german_incident_page_to_the_serbian_one_and_back(visit: Visit) -> None:
    visit.open("de/incident.html")
    assert visit.page.get_attribute("html", "lang") == "de"
    switch_to(visit, "sr-Latn")
    assert visit.page.url == (visit.site / "sr-Latn" / "incident.html").as_uri()
    assert visit.page.get_attribute("html", "lang") == "sr-Latn"
    switch_to(visit, "de")
    assert visit.page.url == (visit.site / "de" / "incident.html").as_uri()
    switch_to(visit, "en")
    assert visit.page.url == (visit.site / "incident.html").as_uri()
    assert visit.errors == [] and visit.outside_requests() == []


def test_a_tick_on_the_german_checklist_is_a_tick_in_english_and_serbian(visit: Visit) -> None:
    visit.open("de/phases/assessment.html")
    assert not visit.page.locator(".task-list-item input").first.is_checked()
    tick_first_item(visit)
    for copy in ("phases/assessment.html", "sr-Latn/phases/assessment.html"):
        visit.open(copy)
        assert visit.page.locator(".task-list-item input").first.is_checked(), copy
        assert visit.page.locator(".pb-tick").first.inner_text().startswith("✓ "), copy
    visit.open("index.html")
    assert visit.page.locator(".pb-progress[data-phase='assessment']").inner_text() == "1 of 9 done"
    assert visit.errors == [] and visit.outside_requests() == []


@pytest.mark.parametrize(("folder", "query", "found"), [
    ("de/", "Mitarbeiterinnen", "Mitteilung an die Mitarbeiterinnen und Mitarbeiter"),
    ("sr-Latn/", "zaposlenima", "Obaveštenje zaposlenima"),
    ("", "colleagues", "Employee memo"),
])
def test_search_in_each_language_finds_that_languages_page_in_its_own_folder(visit: Visit, folder: str, query: str,
                                                                            found: str) -> None:
    visit.open(f"{folder}index.html")
    results = search_results(visit, query)
    assert any(found in text for text in results.all_inner_texts())
    result = results.filter(has_text=found).first.locator("a").first
    result.click()
    visit.page.wait_for_load_state("load")
    assert visit.page.url.startswith((visit.site / folder / "messages" / "employee-memo.html").as_uri())
    assert visit.errors == [] and visit.outside_requests() == []


@pytest.fixture(scope="module")
def protected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(multilingual(copy_example(tmp_path_factory.mktemp("protected"))), passphrase=PASSPHRASE).site


def test_a_protected_site_opens_once_and_switches_language_without_asking_again(browser: Any,
                                                                                protected_site: Path) -> None:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        tab = Visit(context.new_page(), protected_site)
        tab.page.on("request", lambda request: tab.requests.append(request.url))
        tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.open("de/incident.html")
        unlock(tab, PASSPHRASE)
        assert tab.page.get_attribute("html", "lang") == "de"
        switch_to(tab, "sr-Latn")
        tab.page.wait_for_selector("article.md-content__inner", timeout=60_000)
        assert tab.page.url == (protected_site / "sr-Latn" / "incident.html").as_uri()
        assert tab.page.get_attribute("html", "lang") == "sr-Latn"
        assert tab.errors == [] and tab.outside_requests() == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_switcher_adds_no_axe_violation_in_any_language(browser: Any, site: Path, width: int) -> None:
    context = browser.new_context(offline=True, bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    try:
        for path in ("index.html", "de/incident.html", "sr-Latn/messages/employee-memo.html"):
            page.goto((site / path).as_uri())
            found[path] = violations(page)
    finally:
        context.close()
    assert {path: lines for path, lines in found.items() if lines} == {}
