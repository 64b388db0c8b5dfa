"""The protected edition in headless Chromium, from file:// with the network off: nothing of the playbook
before the passphrase; after it, the site, its search and its incident tools as usual, in that tab only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from tests.browser.conftest import Visit, visiting
from tests.browser.test_incident_tools import enter
from tests.conftest import copy_example
from tests.test_protect import PASSPHRASE

pytestmark = pytest.mark.browser
#: What the lock page may say, whole: a finder learns that it is a protected playbook, and nothing else.
LOCK_TEXT = ("Protected playbook This copy is encrypted. Enter the passphrase to open it; this browser tab keeps "
             "the key until it is closed. Passphrase Open")


def words(text: str) -> str:
    return " ".join(text.split())
WRONG = ("Wrong passphrase: this copy did not open, and nothing of it is shown. Check the passphrase (capitals, "
         "spaces) and try again.")


@pytest.fixture(scope="module")
def protected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_example(tmp_path_factory.mktemp("protected")), passphrase=PASSPHRASE).site


@pytest.fixture
def tab(browser: Any, protected_site: Path) -> Iterator[Visit]:
    with visiting(browser, protected_site) as record:
        yield record


def unlock(tab: Visit, passphrase: str) -> float:
    """Type the passphrase and open; the seconds until the page (or the refusal) shows."""
    tab.page.fill("#pb-passphrase", passphrase)
    started = time.monotonic()
    tab.page.click("#pb-unlock button")
    tab.page.wait_for_selector("article.md-content__inner, #pb-message.pb-wrong", timeout=60_000)
    return time.monotonic() - started


def test_before_the_passphrase_nothing_of_the_playbook_shows(tab: Visit) -> None:
    for page in ("index.html", "contacts.html", "phases/covert-preparation.html", "404.html"):
        tab.open(page)
        tab.page.wait_for_selector("#pb-passphrase", state="visible")
        assert tab.page.title() == "Protected playbook"
        assert words(tab.page.inner_text("body")) == LOCK_TEXT
        assert tab.page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert tab.outside_requests() == []
    assert tab.errors == []


def test_the_passphrase_opens_the_site_its_search_and_its_tools_for_the_tab(tab: Visit) -> None:
    tab.open("index.html")
    seconds = unlock(tab, PASSPHRASE)
    print(f"unlocked in {seconds:.1f} s")  # the figure the README quotes
    assert "Danubia Pay AG · version 3.1" in tab.page.inner_text("article")
    assert tab.page.title() == "Danubia Pay crisis playbook"

    # Through the nav to another page: it opens without asking again.
    tab.page.click("nav.md-nav--primary a[href='contacts.html']")
    tab.page.wait_for_selector("article.md-content__inner")
    assert tab.page.url.endswith("/contacts.html")
    assert "Lukas Berger" in tab.page.inner_text("article")
    assert tab.page.title() == "Contacts - Danubia Pay crisis playbook"

    # Search finds a word that only a checklist item has (covert-preparation: "embargo ... in person").
    tab.page.locator("label.md-search__icon, .md-search__input").first.click()
    tab.page.locator("input.md-search__input").type("embargo", delay=20)
    tab.page.wait_for_selector(".md-search-result__item")
    assert "Choose the lead medium and agree the embargo" in tab.page.inner_text(".md-search-result")

    # The incident clock works from the opened data.
    tab.open("incident.html")
    tab.page.wait_for_selector("#pb-event-awareness")
    enter(tab, "#pb-event-awareness", "2026-03-27T10:00")
    rows = tab.page.locator("#pb-deadlines tbody tr[data-regulator][data-status=due]")
    assert rows.count() > 3
    assert ("Mon 2026-03-30 11:00 CEST\t2026-03-30 09:00Z\tAustrian Data Protection Authority (DSB): Notification "
            "to the supervisory authority") in tab.page.inner_text("#pb-deadlines")

    # A link to a place in a page lands there.
    tab.page.goto((tab.site / "phases" / "assessment.html").as_uri() + "#item-assess-convene")
    tab.page.wait_for_selector("#item-assess-convene", state="attached")
    tab.page.wait_for_timeout(200)
    assert tab.page.evaluate("window.scrollY") > 0

    # The key is in this tab's session only; nothing of it in localStorage.
    stored = tab.page.evaluate("Object.keys(sessionStorage)")
    assert len(stored) == 1 and stored[0].startswith("crisis-playbook-key:")
    assert not any("key" in k for k in tab.page.evaluate("Object.keys(localStorage)"))
    assert tab.outside_requests() == []
    assert tab.errors == []


def test_another_tab_asks_again(browser: Any, tab: Visit) -> None:
    tab.open("index.html")
    unlock(tab, PASSPHRASE)
    other = tab.page.context.new_page()
    other.goto((tab.site / "contacts.html").as_uri())
    other.wait_for_selector("#pb-passphrase", state="visible")
    assert "Lukas Berger" not in other.inner_text("body")


def test_a_wrong_passphrase_says_so_and_shows_nothing(tab: Visit) -> None:
    tab.open("contacts.html")
    unlock(tab, "correct horse battery stable")
    assert tab.page.inner_text("#pb-message") == WRONG
    assert words(tab.page.inner_text("body")) == LOCK_TEXT + " " + WRONG
    assert tab.page.title() == "Protected playbook"
    assert tab.page.input_value("#pb-passphrase") == ""
    assert tab.page.evaluate("sessionStorage.length") == 0
    assert tab.page.evaluate("typeof window.PLAYBOOK_DATA + typeof window.__index") == "undefinedundefined"
    # ...and the right one still opens it.
    unlock(tab, PASSPHRASE)
    assert "Lukas Berger" in tab.page.inner_text("article")
