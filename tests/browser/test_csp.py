"""The Content-Security-Policy in Chromium from file://: the offline tools work under it, and it stops
script that reaches a page past the escaping (here: raw HTML written into a hand-written page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from tests.browser.conftest import Visit, search
from tests.conftest import copy_example

pytestmark = pytest.mark.browser

#: Every violation the policy reports in a document, kept where the test can read it.
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "") + " " + (event.sample || ""));
});
"""


def violations(visit: Visit) -> list[str]:
    """Reported in this document, or logged by any frame (the search worker runs in an iframe)."""
    logged = [error for error in visit.errors if "Content Security Policy" in error]
    return list(visit.page.evaluate("window.__violations || []")) + logged


def enter(visit: Visit, selector: str, value: str) -> None:
    visit.page.fill(selector, value)
    visit.page.dispatch_event(selector, "change")


def test_offline_tools_work_under_the_policy(visit: Visit) -> None:
    visit.page.context.add_init_script(VIOLATIONS)
    visit.open("index.html")  # search
    assert search(visit, "regulator")
    assert violations(visit) == []
    visit.open("phases/assessment.html")  # checklists
    box = visit.page.locator(".task-list-item input").first.bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    visit.page.locator(".pb-tick").first.wait_for()
    assert visit.page.locator(".pb-tick").first.inner_text().startswith("✓ ")
    assert violations(visit) == []
    visit.open("incident.html")  # clock and release planner
    enter(visit, "#pb-event-awareness", "2026-03-27T10:00")
    assert visit.page.locator("#pb-deadlines td.pb-due").first.inner_text() != "—"
    enter(visit, "#pb-release-time", "2026-03-31T09:00")
    assert visit.page.locator("#pb-release-table tbody tr").count() > 1
    assert violations(visit) == []
    visit.open("facts.html")  # composer
    visit.page.fill("#pb-fact-what_happened", "affected our card payments")
    visit.page.dispatch_event("#pb-fact-what_happened", "input")
    visit.open("messages/holding-statement.html")
    assert "affected our card payments" in visit.page.locator("#message-holding-statement code").inner_text()
    assert violations(visit) == []
    assert visit.errors == [] and visit.outside_requests() == []


@pytest.fixture(scope="module")
def raw_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("raw")
    copy_example(project)
    (project / "content" / "raw.md").write_text(
        "# Raw HTML\n\n<script>window.__pwned = 1</script>\n\n<img src=\"x.png\" onerror=\"window.__pwned = 2\">\n\n"
        "<a id=\"bad\" href=\"javascript:window.__pwned = 3\">link</a>\n\n"
        "<iframe src=\"https://example.test/\"></iframe>\n\n<script src=\"eval.js\"></script>\n", encoding="utf-8")
    (project / "content" / "eval.js").write_text(  # a script of the site's own, which is allowed, calling eval
        "try { eval('window.__pwned = 4'); } catch (error) { window.__evalError = error.name; }\n", encoding="utf-8")
    return build(project / "mkdocs.yml").site


def test_the_policy_stops_script_that_reached_the_page(browser: Any, raw_site: Path) -> None:
    context = browser.new_context(offline=True)
    context.add_init_script(VIOLATIONS)
    visit = Visit(context.new_page(), raw_site)
    visit.page.on("console", lambda message: visit.errors.append(message.text) if message.type == "error" else None)
    visit.open("raw.html")
    visit.page.click("#bad", no_wait_after=True)
    visit.page.wait_for_timeout(200)
    assert visit.page.evaluate("window.__pwned") is None
    assert visit.page.evaluate("window.__evalError") == "EvalError"
    reported = " ".join(violations(visit))
    for directive in ("script-src-elem", "script-src-attr", "frame-src", "script-src"):
        assert directive in reported, reported
    context.close()
