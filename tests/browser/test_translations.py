"""A message written in several languages, filled from facts typed once, in headless Chromium from file://."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

FACTS = {"what_happened": "an attacker reached the merchant dashboard", "known_facts": "No card data left us.",
         "unknown_facts": "How the attacker got in.", "next_update": "18:00 CET", "incident_reference": "INC-7"}


def _fill_facts(visit: Visit) -> None:
    visit.page.add_init_script(
        "window.__copied = []; navigator.clipboard.writeText = "
        "t => { window.__copied.push(t); return Promise.resolve(); };"
    )
    visit.open("facts.html")
    for fact, answer in FACTS.items():
        visit.page.fill(f"#pb-fact-{fact}", answer)


def test_the_composer_fills_a_message_in_each_of_its_languages_side_by_side(visit: Visit) -> None:
    _fill_facts(visit)
    visit.open("messages/employee-memo.html")
    columns = visit.page.locator(".pb-language")
    assert [columns.nth(i).get_attribute("lang") for i in range(columns.count())] == ["en", "de", "sr-Latn"]
    boxes = [columns.nth(i).bounding_box() for i in range(columns.count())]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side at 1280 px
    german = visit.page.locator("#message-employee-memo--de")
    assert "Was passiert ist: an attacker reached the merchant dashboard." in german.inner_text()
    panels = visit.page.locator(".pb-compose")
    texts = [panels.nth(i).inner_text() for i in range(panels.count())]
    assert all(text.startswith("Every blank is filled.") for text in texts), texts
    counts = [line for text in texts for line in text.splitlines() if line.endswith(" characters.")]
    assert len(counts) == 3 and len(set(counts)) == 3  # each language its own count
    button = visit.page.locator(".pb-compose[data-message='employee-memo--de'] .pb-copy")
    assert button.inner_text() == "Copy the filled text (Deutsch)"
    button.click()
    copied = visit.page.evaluate("window.__copied")
    assert copied[0].startswith("Liebe Kolleginnen und Kollegen,\n\nheute werden Sie Berichte")
    assert "das nächste Update erhalten Sie bis 18:00 CET." in copied[0]
    assert int(counts[1].split()[0]) == len(copied[0])
    assert visit.errors == [] and visit.outside_requests() == []


def test_the_languages_stack_at_phone_width(visit: Visit) -> None:
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.open("messages/gdpr-notification.html")
    columns = visit.page.locator(".pb-language")
    english, german = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert german["y"] >= english["y"] + english["height"] and german["x"] == english["x"]
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [390, 1280])
def test_a_message_in_several_languages_has_no_axe_violation(browser: Any, built_site: Path, width: int) -> None:
    context = browser.new_context(offline=True, bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto((built_site / "messages/employee-memo.html").as_uri())
        assert violations(page) == []
    finally:
        context.close()
