"""Accessibility (WCAG 2.2 AA): axe-core over every page of the example site at a phone's and a
laptop's width, and the incident tools used with the keyboard alone, from file:// with no network.

axe-core is vendored in tests/vendor/axe-core (see its README): the test injects it into each page.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices (unique landmark names, table
#: headers with text, ...): the rules axe tags with these, and no others.
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
WIDTHS = (390, 1280)  # a phone held upright, a laptop
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(result => result.violations.flatMap(rule => rule.nodes.map(node =>
    `${rule.id} (${rule.impact}): ${node.target.join(" ")}: ${node.failureSummary.replace(/\\s+/g, " ")}`)))"""


def violations(page: Any) -> list[str]:
    """axe's WCAG A/AA and best-practice violations on the open page, one line per failing element."""
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(RUN_AXE, RULES)
    return found


def site_pages(site: Path) -> list[str]:
    """Every page the build wrote, but the 404 page (which only works served from a web root)."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if "assets" not in path.relative_to(site).parts and path.name != "404.html")


def test_axe_is_the_pinned_vendored_copy() -> None:
    head = AXE.read_text(encoding="utf-8")[:40]
    assert head.startswith("/*! axe v4.14.1"), head
    assert (AXE.parent / "LICENSE").is_file()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_has_an_axe_violation(browser: Any, built_site: Path, width: int) -> None:
    pages = site_pages(built_site)
    assert len(pages) > 30  # every generated page type and the hand-written ones
    # bypass_csp: the page's policy would refuse the test's injected axe script (and only that).
    context = browser.new_context(offline=True, bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    try:
        for path in pages:
            page.goto((built_site / path).as_uri())
            found[path] = violations(page)
    finally:
        context.close()
    assert {path: lines for path, lines in found.items() if lines} == {}


ROOT_URL = "http://playbook.invalid"


def serve_from_disk(site: Path, route: Any) -> None:
    """Answer a request for ROOT_URL/... with the built file, as a web server at the site's root
    would; refuse anything else. Nothing reaches a network: the browser gets the file from here."""
    url = route.request.url
    if not url.startswith(ROOT_URL + "/"):
        route.abort()
        return
    path = (site / url.removeprefix(ROOT_URL + "/").split("?")[0].split("#")[0]).resolve()
    if path.is_relative_to(site.resolve()) and path.is_file():
        route.fulfill(path=path)
    else:
        route.fulfill(status=404, path=site / "404.html")


@pytest.mark.parametrize("width", WIDTHS)
def test_not_found_page_has_no_axe_violation(browser: Any, built_site: Path, width: int) -> None:
    """The 404 page's links start at the web root, so it is opened as a web server serves it."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    context.route("**/*", functools.partial(serve_from_disk, built_site))
    page = context.new_page()
    try:
        response = page.goto(f"{ROOT_URL}/no-such-page.html")
        assert response is not None and response.status == 404
        assert page.eval_on_selector("link[rel=stylesheet]", "e => e.sheet !== null")  # styled
        assert violations(page) == []
    finally:
        context.close()


# ---------- The incident tools with the keyboard alone ----------

#: The focused element, and whether a focus indicator is drawn for it: an outline of its own, or
#: (for a checklist box, whose real checkbox is transparent) the ring around the drawn box.
FOCUS = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  const drawn = e.matches(".task-list-control input") ? getComputedStyle(e.nextElementSibling, "::after") : null;
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1
                  && style.opacity !== "0";
  const ring = drawn !== null && drawn.content !== "none" && drawn.borderTopStyle === "solid"
               && parseFloat(drawn.borderTopWidth) >= 2;
  return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || "", name: (e.getAttribute("aria-label")
          || e.textContent || "").trim().slice(0, 60), focusVisible: e.matches(":focus-visible"),
          shown: outline || ring};
}"""


def tab_to(visit: Visit, test: str, limit: int = 150) -> dict[str, Any]:
    """Press Tab until the focused element passes ``test`` (JavaScript, given the element); every
    element passed on the way must show its focus. Returns what FOCUS says of the element found."""
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        focus: dict[str, Any] = visit.page.evaluate(FOCUS)
        if not focus["shown"]:  # Material fades some in (the ¶ of a heading): let the transition end
            visit.page.wait_for_timeout(400)
            focus = visit.page.evaluate(FOCUS)
        # Chromium's date field has a calendar button inside it that draws its own ring.
        if focus["tag"] == "body":  # past the last stop, before the browser's own
            pass
        elif focus["focusVisible"] or focus["type"] != "datetime-local":
            assert focus["shown"], f"no visible focus on {focus}"
        if visit.page.evaluate(f"e => ({test})(e)", visit.page.evaluate_handle("document.activeElement")):
            return focus
    raise AssertionError(f"Tab never reached an element where {test}")


def test_checklist_ticks_with_the_keyboard(visit: Visit) -> None:
    visit.open("phases/assessment.html")
    focus = tab_to(visit, "e => e.matches('.task-list-item input[type=checkbox]')")
    assert focus["name"].startswith("Raise the alarm in the Signal crisis group")  # its accessible name
    visit.page.keyboard.press("Space")
    first = visit.page.locator(".task-list-item").first
    assert first.locator("input").is_checked()
    assert first.locator(".pb-tick").inner_text().startswith("✓")
    assert visit.errors == []


def type_moment(visit: Visit, month_day: str, year: str, time: str, half: str) -> None:
    """Type a date and time into the focused datetime field as a person does (en-US order: month,
    day, year, then the arrow key out of the six-digit year, hour and minute, A or P), then Tab away."""
    keyboard = visit.page.keyboard
    keyboard.type(month_day + year, delay=10)
    keyboard.press("ArrowRight")
    keyboard.type(time + half, delay=10)
    field = visit.page.evaluate_handle("document.activeElement")
    for _ in range(3):  # past the calendar button, where Chromium shows one
        keyboard.press("Tab")
        if visit.page.evaluate("f => document.activeElement !== f", field):
            break


def test_clock_sets_awareness_with_the_keyboard(visit: Visit) -> None:
    visit.open("incident.html")
    tab_to(visit, "e => e.id === 'pb-zone'")
    visit.page.keyboard.type("Europe/Berlin")  # a closed select picks the option typed
    assert visit.page.eval_on_selector("#pb-zone", "e => e.value") == "Europe/Berlin"
    tab_to(visit, "e => e.id === 'pb-event-awareness'")
    type_moment(visit, "0327", "2026", "1000", "A")
    assert visit.page.eval_on_selector("#pb-event-awareness", "e => e.value") == "2026-03-27T10:00"
    due = visit.page.locator("#pb-deadlines tbody td.pb-due").all_inner_texts()
    assert due and due[0] != "—"
    assert visit.errors == []


def test_release_planner_with_the_keyboard(visit: Visit) -> None:
    visit.open("incident.html")
    tab_to(visit, "e => e.id === 'pb-release-time'")
    type_moment(visit, "0327", "2026", "0900", "A")
    # Tab left the time field for the zone: the planner filled its table from the typed time.
    assert visit.page.evaluate("document.activeElement.id") == "pb-release-zone"
    assert visit.page.locator("#pb-release-table tbody tr").count() >= 2
    before = visit.page.locator("#pb-release-table tbody tr").first.inner_text()
    visit.page.keyboard.type("America/New_York")
    after = visit.page.locator("#pb-release-table tbody tr").first.inner_text()
    assert visit.page.eval_on_selector("#pb-release-zone", "e => e.value") == "America/New_York"
    assert after != before  # the same local times, now read in New York
    assert visit.errors == []


def test_composer_fills_and_copies_with_the_keyboard(visit: Visit) -> None:
    visit.open("facts.html")
    focus = tab_to(visit, "e => e.tagName === 'TEXTAREA' && e.id.startsWith('pb-fact-')")
    fact = focus["id"].removeprefix("pb-fact-")
    visit.page.keyboard.type("Keyboard-typed fact")
    visit.open("messages/holding-statement.html")
    mark = visit.page.locator(f"mark.pb-blank[data-fact='{fact}']").first
    assert mark.inner_text() == "Keyboard-typed fact"
    tab_to(visit, "e => e.matches('button.pb-copy')")
    visit.page.keyboard.press("Enter")
    visit.page.locator("button.pb-copy", has_text="Copied").wait_for(timeout=5_000)
    assert visit.errors == []


@pytest.mark.parametrize("path", ["incident.html", "facts.html", "messages/holding-statement.html",
                                  "phases/assessment.html", "index.html"])
def test_every_stop_of_a_tool_page_shows_focus(visit: Visit, path: str) -> None:
    visit.open(path)
    stops = visit.page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea,"
                                " [tabindex]').length")
    tab_to(visit, "e => e === document.body", limit=3 * stops)  # once round the page (a date field has several stops)


# ---------- Reduced motion ----------

SMOOTH_SCROLL = """() => {
  const box = document.scrollingElement, before = box.scrollTop;
  box.scrollTo({top: before + 200, behavior: "smooth"});
  return box.scrollTop - before;
}"""


@pytest.mark.parametrize(("motion", "jumps"), [("reduce", True), ("no-preference", False)])
def test_reduced_motion_is_respected(browser: Any, built_site: Path, motion: str, jumps: bool) -> None:
    context = browser.new_context(offline=True, reduced_motion=motion, viewport={"width": 1280, "height": 500})
    page = context.new_page()
    try:
        page.goto((built_site / "print.html").as_uri())
        # Material's smooth scrolling (toc.follow) jumps at once when the reader asked for less motion.
        moved = page.evaluate(SMOOTH_SCROLL)
        assert (moved == 200) is jumps
        # Material's own transitions (the header's shadow, a link's colour) stop too.
        durations = page.evaluate("getComputedStyle(document.querySelector('.md-header')).transitionDuration")
        assert (set(durations.split(", ")) == {"0s"}) is jumps
        animated = page.evaluate("""[...document.querySelectorAll('*')].some(e => {
            const s = getComputedStyle(e);
            return s.animationName !== 'none' && parseFloat(s.animationDuration) > 0; })""")
        assert not animated
    finally:
        context.close()
