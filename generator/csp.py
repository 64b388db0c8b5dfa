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
