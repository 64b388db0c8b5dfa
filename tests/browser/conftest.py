"""A headless Chromium that opens the built site from file:// with the network cut off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.commands.pdf import OFFLINE_FLAGS
from tests.conftest import copy_example

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for Debian's Chromium as root, with background network chatter off; the dead proxy
#: makes any request that slips past the offline context fail instead of leaving the machine.
ARGS = ["--no-sandbox", *OFFLINE_FLAGS]  # the flags `playbook pdf` prints with


@dataclass
class Visit:
    """What a page did: the requests it made and the errors it logged."""

    page: Any
    site: Path
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto((self.site / path).as_uri())
        self.page.wait_for_load_state("load")

    def outside_requests(self) -> list[str]:
        inside = self.site.resolve().as_uri() + "/"
        return [url for url in self.requests if not url.startswith((inside, "data:", "blob:"))]


def search_results(visit: Visit, query: str) -> Any:
    """Type ``query`` into the site's search, as a person does; the results, once there are some.
    Material's dialog (MkDocs) or Zensical's own (its results are a listbox of options)."""
    page = visit.page
    if page.locator(".md-search__button").count():  # Zensical
        page.locator(".md-search__button").first.click()
        page.get_by_role("combobox", name="Search").type(query, delay=20)
        results = page.get_by_role("listbox", name="Search results").get_by_role("option")
    else:
        page.locator("label.md-search__icon, .md-search__input").first.click()
        field = page.locator("input.md-search__input")
        field.type(query, delay=20)
        # Letters a US keyboard has not (Cyrillic) are typed as inserted text, with no key events; Material
        # searches on keyup, which a person's keyboard sends: one key press stands in for it.
        field.press("End")
        results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    return results


def search(visit: Visit, query: str) -> list[str]:
    """The texts of the results of :func:`search_results`."""
    return list(search_results(visit, query).all_inner_texts())


@contextmanager
def visiting(browser: Any, site: Path) -> Iterator[Visit]:
    """A fresh offline tab on ``site`` that records its requests and errors; closed after."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    record = Visit(page, site)
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("console", lambda message: record.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: record.errors.append(str(error)))
    try:
        yield record
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser: Any, built_site: Path) -> Iterator[Visit]:
    with visiting(browser, built_site) as record:
        yield record


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once into a copy of the project."""
    return build(copy_example(tmp_path_factory.mktemp("project")), strict=True).site
