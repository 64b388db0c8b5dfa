"""What the theme receives: titles and names as HTML-safe text, and filters that keep text text.

MkDocs treats a page title as HTML (a title taken from a heading keeps its entities) and its theme
environment does not autoescape. Material prints titles raw, through ``| e``, and through
``| striptags`` — which strips tags and then *un-escapes* entities, so an escaped
``&lt;/title&gt;&lt;script&gt;`` would come out as a live ``</title><script>``. Here every title
becomes :class:`~markupsafe.Markup` (HTML that is known to be safe, so ``| e`` leaves it alone), text
that MkDocs would take as HTML (a front-matter title, a file name, the site name) is escaped first,
and ``striptags`` hands back escaped text.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def striptags_as_html(value: Any) -> Markup:
    """Jinja's ``striptags`` for HTML output: tags removed, the text left escaped, never un-escaped."""
    if hasattr(value, "__html__"):
        value = value.__html__()
    return escape(Markup(str(value)).striptags())


def file_title(file_name: str) -> str:
    """The title MkDocs gives a page with no heading and no front-matter title: its file name."""
    title = file_name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def page_title(title: Any, file_name: str) -> Markup | None:
    """A page's title (not from front matter) as safe HTML. MkDocs' title is HTML when it comes from
    the navigation or a heading, but text when it comes from the file name: that is escaped."""
    if title is None:
        return None
    if title == file_title(file_name):
        return escape(title)
    # A heading's text as MkDocs extracts it has its tags stripped and its entities kept; the nav's
    # titles are escaped where they are made (render.navigation). Anything still looking like a tag
    # (a title from a hand-written nav in mkdocs.yml) is made text: no title carries markup.
    return Markup(title) if "<" not in str(title) else escape(Markup(title).striptags())


def text_as_html(value: Any) -> Markup:
    """A value meant as text (a front-matter title, the site name), escaped for the theme; once."""
    return value if isinstance(value, Markup) else escape(str(value))
