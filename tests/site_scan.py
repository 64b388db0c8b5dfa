"""Find anything in a built site that would be loaded from outside the site folder."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from generator.csp import inline_scripts

#: Attributes that make a browser fetch something, per tag. A plain <a href> is a link the
#: reader may follow, not a load, so it is not listed.
LOADING_ATTRIBUTES = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",),
}
#: <link rel=…> values that fetch their href.
LOADING_RELS = {"stylesheet", "icon", "shortcut", "preload", "prefetch", "modulepreload", "manifest",
                "apple-touch-icon", "dns-prefetch", "preconnect"}
#: With a scheme, protocol-relative, or rooted (/assets/…: the file system's root under file://).
_EXTERNAL = re.compile(r"^\s*(?:(?:[a-z][a-z0-9+.-]*:)?//|/)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", re.IGNORECASE)


def _external(url: str) -> bool:
    return bool(_EXTERNAL.match(url)) and not url.strip().lower().startswith("data:")


def _css_problems(css: str) -> list[str]:
    found = []
    for match in _CSS_URL.finditer(css):
        url = match.group(1) or match.group(2)
        if url and _external(url) and not url.startswith("http://www.w3.org/2000/svg"):
            found.append(url)
    return found


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = list(LOADING_ATTRIBUTES.get(tag, ()))
        if tag == "link" and LOADING_RELS & set(values.get("rel", "").lower().split()):
            names.append("href")
        for name in names:
            for url in re.split(r",\s*", values.get(name, "")):
                if _external(url.split(" ")[0]):
                    self.found.append(f"<{tag} {name}={url!r}>")
        if "style" in values:
            self.found += [f"<{tag} style> {u}" for u in _css_problems(values["style"])]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [f"<style> {u}" for u in _css_problems(data)]


def external_resources(site: Path) -> list[str]:
    """``file: what`` for every resource the site would load from outside itself."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            collector = _Collector()
            collector.feed(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(site)}: {what}" for what in collector.found]
        elif path.suffix == ".css":
            found += [f"{path.relative_to(site)}: {url}" for url in _css_problems(path.read_text(encoding="utf-8"))]
    return found


#: Attributes that hold a URL a click or a load follows.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")
_ACTIVE_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data:text/html)", re.IGNORECASE)


class _Active(HTMLParser):
    """Event-handler attributes and script URLs in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and value and _ACTIVE_SCHEME.match(value):
                self.found.append(f"<{tag} {name}={value!r}>")


def active_markup(html: str) -> list[str]:
    """Every event handler, script URL and inline script in ``html`` (the theme's included)."""
    collector = _Active()
    collector.feed(html)
    collector.close()
    return collector.found + [f"<script>{script}" for script in inline_scripts(html)]
