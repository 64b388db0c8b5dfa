"""The escaping boundary (generator/escape.py), proven through the site's own Markdown configuration."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from generator.escape import (
    MARKDOWN_SYNTAX,
    html_attribute,
    html_text,
    js_data,
    markdown_lines,
    markdown_text,
    prose_markdown,
    url,
)
from tests.conftest import ROOT


def _extensions() -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions and their options, as the example's mkdocs.yml sets them."""
    names, options = [], {}
    for entry in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]:
        name, config = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        options[name] = config or {}
    return names, options


EXTENSIONS = _extensions()


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_of(source: str) -> _Elements:
    names, options = EXTENSIONS
    parser = _Elements()
    parser.feed(markdown.markdown(source, extensions=names, extension_configs=options))
    parser.close()
    return parser


#: Where generated pages put values: a paragraph, a list item, a table cell, a heading, bold text, a
#: link label, right after an inline element, a line of its own, and the start of a line.
CONTEXTS = ["Before {} after.", "- item {}", "| a | b |\n|---|---|\n| x | {} |", "## Heading {}", "**{}**",
            "[{}](other.md)", "**Subject:**{}", "Line\n\n{}\n\nLine", "{}"]
#: Text heavy in what Markdown, its extensions and HTML read as syntax, and any other character.
SYNTAX_HEAVY = st.lists(st.sampled_from([
    *MARKDOWN_SYNTAX, *"-+:.0123456789 \n\tab/",
    "javascript:", "onmouseover=", "<script>", "&lt;", "{:", "[[", "]]", "{{", "}}", "{%", "--8<--", "\x02", "\x03",
    "&#60;", "\u2028", "\uff1c", "1. ", "- ", ": "]), max_size=25).map("".join) | st.text(max_size=40)


def _shown(value: str) -> str:
    """What a reader should see of ``value``: its words, single-spaced, control characters replaced."""
    return re.sub("[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", " ".join(value.split()))


@settings(max_examples=400, deadline=None)
@given(value=SYNTAX_HEAVY, context=st.sampled_from(CONTEXTS))
@example(value='*a*{: onmouseover="alert(1)" }', context="- item {}")
@example(value="{: .x }", context="**Subject:**{}")
@example(value="{: .x }", context="Line\n\n{}\n\nLine")
@example(value="[click](javascript:alert(1))", context="Before {} after.")
@example(value='<img src=x onerror="alert(1)">', context="| a | b |\n|---|---|\n| x | {} |")
@example(value="<https://example.test>", context="{}")
def test_markdown_text_shows_any_text_as_itself_and_adds_no_element(value: str, context: str) -> None:
    assume(value.strip())  # the schema refuses empty text
    plain = html_of(context.format("x"))
    escaped = html_of(context.format(markdown_text(value)))
    # (Fewer is possible: "**x **" is no bold text.)
    assert not Counter(escaped.elements) - Counter(plain.elements), "the value added an element or attribute"
    if escaped.elements != plain.elements:
        return  # the template's own syntax (the "**" around "x ") shows as text: no element, nothing hidden
    shown = _shown("".join(escaped.text))
    expected = _shown("".join(html_of(context.format("\x00MARK\x00")).text)).replace(
        "\ufffdMARK\ufffd", _shown(value))
    assert shown.replace(" ", "") == expected.replace(" ", "")  # Markdown may drop a space beside a tag


@settings(max_examples=200, deadline=None)
@given(value=SYNTAX_HEAVY)
def test_markdown_lines_keep_the_lines_inside_a_pre_block(value: str) -> None:
    block = '<div class="pb-message"><pre><code>{}</code></pre></div>'
    escaped = html_of(block.format(markdown_lines(value)))
    assert escaped.elements == html_of(block.format("x")).elements
    expected = re.sub("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", "\n", value)
    expected = re.sub("[\x00-\x08\x0e-\x1f\x7f]", "\ufffd", expected)

    def lines(text: str) -> list[str]:  # Markdown expands tabs; the lines are what counts
        return [" ".join(line.split()) for line in text.split("\n")]

    assert lines("".join(escaped.text)) == lines(expected)


def test_the_attack_run_payloads_become_character_references() -> None:
    assert markdown_text("*a*{: onmouseover=\"alert(1)\" }") == \
        "&#42;a&#42;&#123;: onmouseover&#61;&#34;alert&#40;1&#41;&#34; &#125;"
    assert markdown_text("[click](javascript:alert(1))") == "&#91;click&#93;&#40;javascript:alert&#40;1&#41;&#41;"
    assert markdown_text("<script>alert(1)</script>") == "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;"
    assert markdown_text("&lt;img&gt;") == "&#38;lt;img&#38;gt;"
    assert markdown_text("two\n\nparagraphs") == "two paragraphs"
    assert markdown_text("- 1. item") == "&#45; 1. item"
    assert markdown_text("1. item") == "1&#46; item"
    assert markdown_text("version 3.1 - +43 1") == "version 3.1 - +43 1"  # ordinary text stays readable
    assert markdown_lines("a\n- b\n--8<-- x") == "a\n&#45; b\n&#45;-8&#60;-- x"


def test_html_contexts() -> None:
    assert html_text('<b>"x" & y</b>') == '&lt;b&gt;"x" &amp; y&lt;/b&gt;'
    # In raw HTML inside Markdown, an attribute is still read by Markdown: links and emphasis too.
    assert html_attribute('x" autofocus onfocus="alert(1)') == "x&#34; autofocus onfocus&#61;&#34;alert&#40;1&#41;"
    assert html_attribute("[x](javascript:y) *a*") == "&#91;x&#93;&#40;javascript:y&#41; &#42;a&#42;"
    assert html_of(f'Text <mark title="{html_attribute("[x](javascript:y) *a*{: .k }")}">m</mark>').elements == \
        [("p", ()), ("mark", ("title",))]


@pytest.mark.parametrize(("value", "expected"), [
    ("https://example.test/a?b=c&d=e#f", "https://example.test/a?b=c&d=e#f"),
    ("http://example.test", "http://example.test"),
    ("HTTPS://EXAMPLE.TEST", "HTTPS://EXAMPLE.TEST"),
    ("tel:+436600000001", "tel:+436600000001"),
    ("mailto:a@example.test", "mailto:a@example.test"),
    ("sms:+436600000001", "sms:+436600000001"),
    ('https://example.test/x)"<y> [z]', None),  # spaces: not one URL
    ('https://example.test/x)"<y>[z]{`}', "https://example.test/x%29%22%3Cy%3E%5Bz%5D%7B%60%7D"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("\x01javascript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("vbscript:x", None),
    ("file:///etc/passwd", None),
    ("//evil.test/x", None),
    ("https:evil.test", None),
    ("example.test", None),
    ("", None),
])
def test_only_allowed_schemes_become_links(value: str, expected: str | None) -> None:
    assert url(value) == expected


def test_js_data_cannot_end_a_script_element() -> None:
    text = js_data({"name": "</script><script>alert(1)</script>", "line": "a\u2028b", "amp": "&"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    import json

    assert json.loads(text) == {"name": "</script><script>alert(1)</script>", "line": "a\u2028b", "amp": "&"}


#: What a prose value may add to a page: code, emphasis and links, nothing else.
PROSE_ELEMENTS = {("code", ("class",)), ("em", ()), ("strong", ()), ("a", ("href",))}
PROSE_HEAVY = st.lists(st.sampled_from([
    "`", "*", "**", "_", "[", "]", "(", ")", "https://a.test/x_y", "tel:+431234", "mailto:a@b.test",
    "javascript:alert(1)", "http://a.test", "data:x", "<b>", "{: .x }", "&amp;", " ", "a", "-", "1. ", "\n",
    "|", "\\", "!"]), max_size=20).map("".join) | SYNTAX_HEAVY


@settings(max_examples=400, deadline=None)
@given(value=PROSE_HEAVY, context=st.sampled_from([c for c in CONTEXTS if "](other.md)" not in c]))
@example(value="[x](javascript:alert(1))", context="{}")
@example(value="`<img src=x onerror=alert(1)>` and [`<b>`](https://a.test)", context="{}")
@example(value="[x](https://a.test/`*y*`)", context="{}")
@example(value="`*a*` [b](tel:+43) *c* **d** _e_", context="- item {}")
def test_prose_adds_only_code_emphasis_and_links_to_allowed_schemes(value: str, context: str) -> None:
    assume(value.strip())  # the schema refuses empty text
    plain = html_of(context.format("x"))
    found = html_of(context.format(prose_markdown(value)))
    added = Counter(found.elements) - Counter(plain.elements)
    assert set(added) <= PROSE_ELEMENTS, f"the value added {set(added) - PROSE_ELEMENTS}"
    links = [href for href in found.hrefs if not href.startswith("#")]  # a heading's own permalink
    assert all(href.split(":", 1)[0].lower() in ("https", "tel", "mailto") for href in links), links


@pytest.mark.parametrize(("value", "expected"), [
    ("Run `netstat -an | grep :443` now", 'Run <code class="pb-code">netstat -an &#124; grep :443</code> now'),
    ("Call **the bank**, then *wait* and _listen_",
     "Call <strong>the bank</strong>, then <em>wait</em> and <em>listen</em>"),
    ("[Runbook](https://wiki.example/a_b?c=1), [call](tel:+43-1-2345678), [mail](mailto:a@b.example)",
     "[Runbook](https://wiki.example/a_b?c=1), [call](tel:+43-1-2345678), [mail](mailto:a@b.example)"),
    ("[x](javascript:alert(1)) [y](http://a.example) [z](sms:+43)",
     "&#91;x&#93;&#40;javascript:alert&#40;1&#41;&#41; &#91;y&#93;&#40;http://a.example&#41; "
     "&#91;z&#93;&#40;sms:+43&#41;"),
    ("snake_case_name, *unclosed and `<b>`",
     'snake&#95;case&#95;name, &#42;unclosed and <code class="pb-code">&#60;b&#62;</code>'),
    ("two\n\nparagraphs", "two paragraphs"),
])
def test_prose_keeps_code_emphasis_and_safe_links_only(value: str, expected: str) -> None:
    assert prose_markdown(value) == expected
