"""A second wall behind the escaping: a Content-Security-Policy on every generated page.

The policy is a ``<meta http-equiv>`` tag (the only form that works from ``file://``), the first
thing in ``<head>``. It allows scripts, styles, images and fonts from the site itself and nothing
from any other origin; no inline event handlers, no ``javascript:`` URLs, no ``eval``. The theme's
own inline scripts are allowed by their SHA-256 hashes, computed at build time from the theme's
templates rendered with no page content and no playbook text at all (a "probe" page): an inline
script that reaches a page from ``playbook.yml`` or ``content/`` never has an allowed hash.

Only ``style-src`` allows inline styles: Material writes ``style`` attributes, and a style cannot
run script or, with every other origin refused, send anything anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

#: ``type`` values of a ``<script>`` element that the browser runs (others, like Material's
#: ``application/json`` configuration, are data).
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values and (values.get("type") or "").lower() in _SCRIPT_TYPES:
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


class _ScriptsAndHandlers(_InlineScripts):
    def __init__(self) -> None:
        super().__init__()
        self.handlers = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        self.handlers = self.handlers or any(name.startswith("on") for name, _ in attrs)


def scripts_and_handlers(html: str) -> tuple[list[str], bool]:
    """:func:`inline_scripts` of ``html``, and whether an element has an event-handler attribute (``on…``), in
    one reading."""
    parser = _ScriptsAndHandlers()
    parser.feed(html)
    parser.close()
    return parser.scripts, parser.handlers


class PageScanner:
    """:func:`scripts_and_handlers` of many pages that share most of their lines (a site's header, navigation
    and footer are in every page), each line met again parsed once.

    A line's result is remembered only when the parser read it from its starting state and was back in that
    state at its end (no tag, comment, character reference or script open across the line's end): what such a
    line yields then depends on the line alone, so a page that reaches the line in the starting state gets the
    remembered result. Every other line goes through the page's own parser, fed line after line as
    HTMLParser.feed allows; the results are the ones a parse of the whole page gives."""

    #: The parser's attributes that record where it is and what it last read, not how it reads what comes next.
    _POSITION = frozenset({"lineno", "offset", "lasttag", "_HTMLParser__starttag_text", "scripts", "handlers"})

    def __init__(self) -> None:
        self._lines: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._start = self._state(_ScriptsAndHandlers())

    def _state(self, parser: _ScriptsAndHandlers) -> dict[str, Any]:
        return {name: value for name, value in vars(parser).items() if name not in self._POSITION}

    def scan(self, html: str) -> tuple[list[str], bool]:
        """``scripts_and_handlers(html)``."""
        parser = _ScriptsAndHandlers()
        at_start = True  # the parser is in its starting state
        for line in html.splitlines(keepends=True):
            known = self._lines.get(line) if at_start else None
            if known is not None:
                parser.scripts.extend(known[0])
                parser.handlers = parser.handlers or known[1]
                continue
            scripts, handlers = len(parser.scripts), parser.handlers
            parser.handlers = False
            parser.feed(line)
            line_handlers, parser.handlers = parser.handlers, handlers or parser.handlers
            # The cheap test first: most lines that leave the starting state leave text unread or a script open.
            back = not parser.rawdata and parser.cdata_elem is None and self._state(parser) == self._start
            if at_start and back:
                self._lines[line] = (tuple(parser.scripts[scripts:]), line_handlers)
            at_start = back
        parser.close()
        return parser.scripts, parser.handlers


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would run in ``html``, exactly as written."""
    parser = _InlineScripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def script_hash(script: str) -> str:
    """The CSP source expression that allows one inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def policy(script_hashes: Iterable[str]) -> str:
    """The policy: this site only, and inline scripts only by their hashes."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *sorted(set(script_hashes))],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # Material draws its icons as data: SVG in CSS
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def with_policy(html: str, content: str) -> str:
    """``html`` with the policy as the first element of its ``<head>``, before any script."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("the page has no <head> to carry its Content-Security-Policy")
    return html[: head.end()] + meta + html[head.end():]
