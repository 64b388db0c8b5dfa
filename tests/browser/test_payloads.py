"""Markup and script in every free-text field of a playbook appear as text and never run."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import schema
from generator.build import build
from tests.browser.conftest import Visit
from tests.conftest import MINIMAL, copy_example

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "[click me](javascript:window.__pwned=3)",
    '{: onclick="window.__pwned = 4" }',
    "<a href=\"javascript:window.__pwned=5\">link</a> ![x](javascript:window.__pwned=6)",
    '"><svg onload=window.__pwned=7>',
]


def _free_text(rules: dict[str, Any]) -> bool:
    """A field that takes any text (not an id, reference, choice, duration, date or zone)."""
    return rules.get("type") == "string" and not ({"check_with", "allowed", "regex"} & set(rules))


#: Text fields whose content is checked beyond its type (phone numbers, clock starts): the validator
#: refuses payloads there, which tests/test_validate.py covers.
CHECKED = {"value", "from"}


def poison(data: Any, rules: dict[str, Any], counter: list[int]) -> Any:
    """``data`` with a payload appended to every free-text field, by the schema."""
    if rules.get("type") == "dict" and isinstance(data, dict):
        inner = rules.get("schema", {})
        values = rules.get("valuesrules")
        return {key: value if key in CHECKED else poison(value, inner.get(key, values or {}), counter)
                for key, value in data.items()}
    if rules.get("type") == "list" and isinstance(data, list):
        return [poison(item, rules.get("schema", {}), counter) for item in data]
    if isinstance(data, str) and _free_text(rules):
        counter[0] += 1
        return f"{data} {PAYLOADS[counter[0] % len(PAYLOADS)]}"
    return data


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    poisoned = poison(copy.deepcopy(data), {"type": "dict", "schema": schema.PLAYBOOK}, [0])
    poisoned["contacts"][0]["channels"].append(
        {"type": "meeting-point", "value": f"Room 1 {PAYLOADS[0]}", "out_of_band": True})
    template = poisoned["templates"][0]
    template["body"] += "\n" + "\n".join(template["required_clauses"]) + "\n"  # clauses stay in the body
    project = tmp_path_factory.mktemp("poisoned")
    copy_example(project)
    (project / "playbook.yml").write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False))
    return build(project / "mkdocs.yml").site


def test_payloads_show_as_text_and_never_run(browser: Any, poisoned_site: Path) -> None:
    context = browser.new_context(offline=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visit = Visit(page, poisoned_site)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    pages = sorted(p.relative_to(poisoned_site).as_posix() for p in poisoned_site.rglob("*.html")
                   if "assets" not in p.parts)
    assert len(pages) > 15
    for path in pages:
        visit.open(path)
        for link in page.locator("a[href^='javascript:' i]").all():
            link.click(no_wait_after=True)
        for element in page.locator("[onclick]").all():
            element.dispatch_event("click")
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("article script").count() == 0, path
    visit.open("contacts.html")
    assert "<script>window.__pwned = 1</script>" in page.locator("article").inner_text()
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").type("Room", delay=20)  # the poisoned meeting point
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    results = page.locator(".md-search-result").inner_text()
    assert "window.__pwned = 1" in results  # the payload is in the results, as text
    for result in page.locator(".md-search-result__link").all()[:5]:
        result.hover()
    assert page.evaluate("window.__pwned") is None, "search results ran a payload"
    assert dialogs == []
    assert visit.errors == []
    context.close()
