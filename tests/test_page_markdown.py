"""What the plugin adds to a page's Markdown (plugin.page_markdown): the document line under the page's first
heading, made once per playbook and language."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import open_playbook, plugin
from generator.i18n import english, language
from generator.model import Playbook
from tests.conftest import MINIMAL, TODAY

LINE = "DOCUMENT-LINE"


def spelled_out(markdown: str) -> str:
    """The document line placed as the rule says: after the first line that starts with "# ", split line by line;
    first, before a blank line, where no line does."""
    lines = markdown.split("\n")
    for index, text in enumerate(lines):
        if text.startswith("# "):
            return "\n".join([*lines[: index + 1], "", LINE, *lines[index + 1:]])
    return f"{LINE}\n\n{markdown}"


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return open_playbook(MINIMAL, today=TODAY).playbook


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """The (playbook, language) of every call of document_line, which returns LINE."""
    calls: list[tuple[Any, Any]] = []

    def document_line(made_of: Any, chosen: Any = None) -> str:
        calls.append((made_of, chosen))
        return LINE
    monkeypatch.setattr(plugin, "document_line", document_line)
    return calls


def a_plugin(playbook: Playbook) -> plugin.PlaybookPlugin:
    made = plugin.PlaybookPlugin()
    made.playbook = playbook
    return made


@given(st.lists(st.sampled_from(["# Title", "#Title", "## Sub", " # Not", "text", "", "# ", "\r", "# A\r", "#"]))
       .map("\n".join))
@example("# Title")
@example("---\ntitle: T\n---\n# Title\n\nBody\n")
@example("Intro\n## Sub\n# Title\nBody")
@example("No heading at all\n")
def test_the_line_goes_under_the_first_heading(playbook: Playbook, markdown: str) -> None:
    calls: list[Any] = []
    kept = plugin.document_line
    plugin.document_line = lambda *args: calls.append(args) or LINE  # type: ignore[assignment]
    try:
        assert plugin.page_markdown(a_plugin(playbook), markdown, "page.md") == spelled_out(markdown)
    finally:
        plugin.document_line = kept


def test_the_home_page_has_no_line(playbook: Playbook, counted: list[Any]) -> None:
    assert plugin.page_markdown(a_plugin(playbook), "# Home\n\nWelcome\n", "index.md") == "# Home\n\nWelcome\n"


def test_the_line_is_the_playbooks(playbook: Playbook) -> None:
    page = plugin.page_markdown(a_plugin(playbook), "# Contacts\n\nBody\n", "contacts.md")
    assert page == f"# Contacts\n\n{plugin.document_line(playbook, english())}\n\nBody\n"
    assert '<p class="pb-doc">Version ' in page


def test_the_line_is_made_once_per_playbook_and_language(playbook: Playbook, counted: list[Any]) -> None:
    site = a_plugin(playbook)
    for page in ("a.md", "b.md", "c.md"):
        plugin.page_markdown(site, "# Page\n", page)
    assert counted == [(playbook, site.language)]
    # Another object, even an equal one, is another playbook: `playbook serve` models each save anew.
    site.playbook = dataclasses.replace(playbook)
    plugin.page_markdown(site, "# Page\n", "a.md")
    assert counted[-1][0] is site.playbook and len(counted) == 2
    site.language = language("de")
    plugin.page_markdown(site, "# Page\n", "a.md")
    plugin.page_markdown(site, "# Page\n", "b.md")
    assert counted[-1] == (site.playbook, site.language) and len(counted) == 3
