"""Markup and script in every free-text field of a playbook appear as text and never run."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from generator import schema
from generator.build import build
from tests.browser.conftest import Visit
from tests.conftest import MINIMAL, copy_example, edit

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


@pytest.fixture(scope="module")
def prototype_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture playbook with an incident fact named like a property every JavaScript object has."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = edit(text, "  - id: next_update\n", "  - id: constructor\n    label: Who built it?\n  - id: next_update\n")
    text = edit(text, "      Something happened: [[ what_happened ]].\n",
                "      Something happened: [[ what_happened ]], built by [[ constructor ]].\n")
    project = tmp_path_factory.mktemp("prototype")
    copy_example(project)
    (project / "playbook.yml").write_text(text, encoding="utf-8")
    return build(project / "mkdocs.yml").site


def test_a_fact_named_constructor_is_a_blank_like_any_other(browser: Any, prototype_site: Path) -> None:
    context = browser.new_context(offline=True)
    visit = Visit(context.new_page(), prototype_site)
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.open("messages/holding-statement.html")
    code = visit.page.locator("#message-holding-statement code")
    assert "built by [[ constructor ]]." in code.inner_text()
    assert "function" not in code.inner_text()
    assert visit.page.locator(".pb-compose .pb-empty").inner_text() == \
        "Still empty: [[ what_happened ]], [[ constructor ]], [[ next_update ]]."
    visit.open("facts.html")
    visit.page.fill("#pb-fact-constructor", "Mallory")
    visit.open("messages/holding-statement.html")
    assert "built by Mallory." in code.inner_text()
    assert visit.errors == []
    context.close()


#: Typed by the crisis team (or pasted from an attacker's e-mail) into the incident tools.
TYPED = "x | y [link](javascript:window.__pwned=8) <img src=x onerror=window.__pwned=9> *b* `c` {: .k }"


def test_exports_keep_typed_text_as_text(browser: Any, prototype_site: Path) -> None:
    context = browser.new_context(offline=True, accept_downloads=True)
    visit = Visit(context.new_page(), prototype_site)
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.open("incident.html")
    for selector in ("#pb-incident-name", "#pb-initials"):
        visit.page.fill(selector, TYPED)
        visit.page.dispatch_event(selector, "change")
    visit.page.fill("#pb-note", TYPED)
    visit.page.click("#pb-add-note")
    assert visit.page.evaluate("window.__pwned") is None
    assert visit.page.locator("#pb-incident img, #pb-incident a[href^='javascript']").count() == 0
    with visit.page.expect_download() as exported:
        visit.page.click("#pb-export-md")
    text = Path(exported.value.path()).read_text(encoding="utf-8")
    rendered = markdown.markdown(text, extensions=["tables", "attr_list"])
    assert "<img" not in rendered and "<a " not in rendered and "<em" not in rendered and "<code" not in rendered
    assert "class=" not in rendered
    table = rendered[rendered.index("<tbody>"):]
    assert table.count("<td>") == 3  # one row of three cells: the pipes typed did not add cells
    shown = html.unescape(re.sub("<[^>]+>", "", rendered))
    assert shown.count(TYPED) == 3  # name, initials and note, each as typed
    with visit.page.expect_download() as raw:
        visit.page.click("#pb-export-json")
    log = json.loads(Path(raw.value.path()).read_text(encoding="utf-8"))
    assert log["incident"] == TYPED
    assert [(entry["by"], entry["text"]) for entry in log["entries"]] == [(TYPED, TYPED)]
    assert visit.errors == []
    context.close()
