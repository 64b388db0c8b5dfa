"""The attack run's three reproductions (issue 21): text from the playbook never becomes an
attribute, a script link or an event handler, on any page of a real build."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import MINIMAL, copy_example, edit, problems
from tests.site_scan import active_markup

pytestmark = pytest.mark.slow


def built(project: Path, playbook: str) -> Path:
    copy_example(project)
    (project / "playbook.yml").write_text(playbook, encoding="utf-8")
    return build(project / "mkdocs.yml").site


def _markup(page: Path) -> list[str]:
    # The theme's first script names the site's root relative to the page.
    return [re.sub(r'new URL\("[./]*",location\)', "new URL(root,location)", what)
            for what in active_markup(page.read_text(encoding="utf-8"))]


def injected(site: Path) -> dict[str, list[str]]:
    """Per page, what is active beyond the theme's own inline scripts (those of the format reference, a page
    every site has that holds nothing from the playbook)."""
    theme = set(_markup(site / "reference.html"))
    found = {}
    for page in sorted(site.rglob("*.html")):
        extra = [what for what in _markup(page) if what not in theme]
        if extra:
            found[page.relative_to(site).as_posix()] = extra
    return found


ATTRIBUTE = '*a*{: onmouseover="window.__pwned=1" }'


def test_attr_list_syntax_in_message_fields_adds_no_attribute(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    text = edit(text, "    kind: holding-statement\n", "    kind: holding-statement\n"
                f"    subject: 'Update {ATTRIBUTE}'\n    optional_lines:\n      - 'Call us {ATTRIBUTE}'\n")
    text = edit(text, "      - Next update by [[ next_update ]] on {{ website }}.\n",
                f"      - Next update by [[ next_update ]] on {{{{ website }}}}.\n      - 'Sorry {ATTRIBUTE}'\n")
    text = edit(text, "      Next update by [[ next_update ]] on {{ website }}.\n",
                f"      Next update by [[ next_update ]] on {{{{ website }}}}.\n      Sorry {ATTRIBUTE}\n")
    site = built(tmp_path, text)
    assert injected(site) == {}
    message = html.unescape((site / "messages" / "holding-statement.html").read_text(encoding="utf-8"))
    assert message.count(ATTRIBUTE) == 4  # shown as text: subject, body, clause and line


def test_markdown_link_to_javascript_is_text(tmp_path: Path) -> None:
    link = "[click](javascript:window.__pwned=2)"
    text = MINIMAL.read_text(encoding="utf-8")
    text = edit(text, "      - Drafts statements.\n", f"      - 'Drafts statements. {link}'\n")
    text = edit(text, "    name: Respond\n", f"    name: 'Respond {link}'\n")
    text = edit(text, "      - Nature of the breach.\n", f"      - 'Nature of the breach. {link}'\n")
    text = edit(text, "    kind: holding-statement\n", f"    kind: holding-statement\n    subject: 'Update {link}'\n"
                f"    optional_lines:\n      - 'Call us {link}'\n")
    text = edit(text, "  website: https://example.test\n", "  website: 'javascript:window.__pwned=3'\n")
    site = built(tmp_path, text)
    assert injected(site) == {}
    assert link in html.unescape((site / "roles.html").read_text(encoding="utf-8"))


def test_blank_name_carrying_a_quote_is_refused(minimal: str) -> None:
    text = edit(minimal, "  website: https://example.test\n",
                "  website: 'https://example.test [[ x\" autofocus onfocus=\"window.__pwned=4\" x=\" ]]'\n")
    assert problems(text) == [
        "playbook.yml:14:34: values.website: '[[ x\" autofocus onfocus=\"window.__pwned=4\" x=\" ]]' is not a "
        "blank; write [[ name ]] with a declared incident fact"]


def test_value_naming_an_undeclared_fact_is_refused(minimal: str) -> None:
    text = edit(minimal, "  website: https://example.test\n", "  website: 'https://example.test [[ constructor ]]'\n")
    assert problems(text) == [
        "playbook.yml:14:34: values.website: unknown incident fact '[[ constructor ]]'; declare it under "
        "'incident_facts'; known: next_update, what_happened"]
