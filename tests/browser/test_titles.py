"""Titles from the playbook, from content/ file names and from front matter stay text in every place
the theme prints them: <title> (through Jinja's striptags), nav, breadcrumbs, footer, search."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.engines import ENGINES
from tests.browser.conftest import Visit, search
from tests.conftest import copy_example, edit

pytestmark = pytest.mark.browser

PAYLOAD = "</title><script>window.__pwned = 1</script>"
PHASE = f"Detection {PAYLOAD}"
MESSAGE = f"Holding {PAYLOAD} & co"
FILE_NAME = "<img src=x onerror=top.pwned=2>"  # no _ or -: MkDocs turns those into spaces
META = f"Meta {PAYLOAD}"


class _Scripts(HTMLParser):
    """Collects the document title and the text of every script element, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag if tag in ("title", "script") else None
        if tag == "script":
            self.scripts.append("")
        self.handlers += [name for name, _ in attrs if name.startswith("on")]

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title" and not self.title:
            self.title = data
        elif self._in == "script":
            self.scripts[-1] += data


def parsed(page: Path) -> _Scripts:
    parser = _Scripts()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module", params=ENGINES)
def titled_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Titles that look like markup, in a site built by each engine (issue 18)."""
    project = tmp_path_factory.mktemp(f"titles-{request.param}")
    config = copy_example(project)
    playbook = project / "playbook.yml"
    text = edit(playbook.read_text(), "    name: Detection and assessment", f'    name: "{PHASE}"')
    text = edit(text, "    title: Holding statement", f'    title: "{MESSAGE}"')
    playbook.write_text(text)
    (project / "content" / f"{FILE_NAME}.md").write_text("A page with no heading.\n")
    (project / "content" / "meta.md").write_text(f'---\ntitle: "{META}"\n---\nBody.\n')
    return build(config, engine=request.param).site


@pytest.mark.parametrize(("page", "title"), [
    ("phases/assessment.html", PHASE),
    ("messages/holding-statement.html", MESSAGE),
    (f"{FILE_NAME}.html", FILE_NAME),
    ("meta.html", META),
])
def test_titles_reach_the_title_element_as_text(titled_site: Path, page: str, title: str) -> None:
    found = parsed(titled_site / page)
    assert found.title == f"{title} - Danubia Pay crisis playbook"
    assert not [script for script in found.scripts if "pwned" in script]
    assert found.handlers == []


def test_no_page_of_the_site_carries_a_title_as_markup(titled_site: Path) -> None:
    for page in titled_site.rglob("*.html"):
        found = parsed(page)
        assert not [script for script in found.scripts if "pwned" in script], page
        assert found.handlers == [], page


def test_titles_run_nothing_and_show_as_typed_in_the_browser(browser: Any, titled_site: Path) -> None:
    context = browser.new_context(offline=True)
    page = context.new_page()
    visit = Visit(page, titled_site)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    for path, title in (("phases/assessment.html", PHASE), ("messages/holding-statement.html", MESSAGE),
                        (f"{FILE_NAME}.html", FILE_NAME), ("meta.html", META)):
        visit.open(path)
        assert page.title() == f"{title} - Danubia Pay crisis playbook"
        assert page.locator("article h1").first.inner_text().removesuffix("¶") == title
        assert page.evaluate("[window.__pwned, window.pwned]") == [None, None], path
    visit.open("phases/covert-preparation.html")  # its footer links the poisoned phase as "next"
    assert PHASE in page.locator(".md-footer").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert any(PHASE in result for result in search(visit, "Detection"))
    assert page.evaluate("window.__pwned") is None, "search results ran a title"
    assert visit.errors == []
    context.close()
