"""Titles and names reach the theme as safe HTML, and its striptags keeps them text."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from generator.theme import page_title, striptags_as_html, text_as_html


def test_striptags_keeps_escaped_text_escaped() -> None:
    env = jinja2.Environment(autoescape=False)
    template = env.from_string("<title>{{ title | striptags }}</title>")
    title = "&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;"
    assert template.render(title=title) == "<title></title><script>x()</script></title>"  # Jinja's own
    env.filters["striptags"] = striptags_as_html
    assert env.from_string("<title>{{ title | striptags }}</title>").render(title=title) == (
        "<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>")
    assert striptags_as_html(Markup("<em>Q&amp;A</em>  now")) == "Q&amp;A now"


def test_titles_from_file_names_and_front_matter_are_text() -> None:
    assert page_title("<img src=x onerror=y>", "<img src=x onerror=y>") == "&lt;img src=x onerror=y&gt;"
    assert page_title("Q&amp;A", "q-and-a") == Markup("Q&amp;A")  # a heading's text: HTML already
    assert page_title("<b>Bold</b> nav", "x") == "Bold nav"  # a hand-written nav title's tags
    assert text_as_html("A & B <c>") == "A &amp; B &lt;c&gt;"
    assert text_as_html(text_as_html("A & B")) == "A &amp; B"  # once, however often it is called
    assert isinstance(page_title("Title", "other"), Markup)  # `| e` leaves it as it is
