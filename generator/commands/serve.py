"""`playbook serve`: MkDocs' live-reload server, with the problems of a broken edit shown and the last
good site kept.

Each rebuild goes into a fresh folder that replaces the served one only when the build succeeded. When it
fails, the problems (file:line:col) go to the terminal, and every page request gets an error page that
lists them and reloads itself once the files are fixed; the last good site stays one link away. A failed
rebuild still moves the server's epoch on, so no page request waits for a build that will not come
(MkDocs' own serve leaves them hanging).
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from .. import csp
from ..build import build_into, new_directory_mode, replace_directory
from ..errors import PlaybookError

#: The query that bypasses the error page, to look at the last good version of a page.
LAST_GOOD = "last-good"

ERROR_PAGE = """<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>The playbook has problems</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #b00020;padding:1rem}}</style>
<body>
<h1>The playbook has problems</h1>
<p>The site was not rebuilt. Fix these, save, and this page reloads by itself.</p>
<pre>{problems}</pre>
<p>{last_good}</p>
</body>
</html>
"""


#: The Content-Security-Policy of a page, up to the end of its script sources' own origin.
_SCRIPT_SRC = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src \'self\')')
#: How often the watcher looks at the files (MkDocs' default, 0.5 s, was half of the time from a save to
#: the reloaded page); it looks at playbook.yml, mkdocs.yml, content/ and templates/ only.
POLLING_INTERVAL = 0.1


class PlaybookServer(LiveReloadServer):  # type: ignore[misc]  # MkDocs is untyped here
    """Serves the last good site, or, while the last rebuild failed, an error page for every page."""

    problems: str | None = None

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        """MkDocs' reload script, and its hash in the page's Content-Security-Policy: the policy refuses
        every inline script it does not list, so the page never reloaded after a save."""
        injected = bytes(super()._inject_js_into_html(content, epoch))  # type: ignore[no-untyped-call]
        start = injected.rindex(b"<script>") + len(b"<script>")
        script = injected[start:injected.index(b"</script>", start)].decode("utf-8")
        allowed = csp.script_hash(script).encode("ascii")
        return _SCRIPT_SRC.sub(lambda match: match[1] + b" " + allowed, injected, count=1)

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"]
        is_page = path.endswith(("/", ".html"))
        if self.problems is None or not is_page or LAST_GOOD in environ.get("QUERY_STRING", ""):
            return super()._serve_request(environ, start_response)  # type: ignore[no-any-return]
        with self._epoch_cond:
            epoch = self._visible_epoch
        has_site = (Path(self.root) / "index.html").exists()
        last_good = (f'<a href="?{LAST_GOOD}">Show the last good version of this page</a>' if has_site
                     else "There is no good version of the site yet.")
        page = ERROR_PAGE.format(problems=html.escape(self.problems), last_good=last_good).encode()
        content = self._inject_js_into_html(page, epoch)  # type: ignore[no-untyped-call]
        start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"),
                                                     ("Content-Length", str(len(content))),
                                                     ("Cache-Control", "no-store")])
        return [content]


class RenderedPages:
    """Each page's Markdown converted to HTML (and its HTML parsed into search sections), kept between
    rebuilds: a save re-renders only the pages whose Markdown changed (a checklist edit: the phase's page,
    the home page and the print page, not all fifty).

    MkDocs converts every page on every build (Page.render: more than a third of a rebuild). While
    :meth:`installed`, Page.render looks a page up first; the key is everything the conversion reads: the
    page's Markdown and site address, every file's site address (links between pages), and the Markdown
    settings. A page found gets the HTML, table of contents, title and anchors of the last conversion.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.used: set[tuple[Any, ...]] = set()
        self.sections: dict[str, Any] = {}
        self.used_sections: set[str] = set()
        self._files: tuple[int, tuple[tuple[str, str], ...]] = (0, ())

    def _addresses(self, files: Any) -> tuple[tuple[str, str], ...]:
        if self._files[0] != id(files):
            self._files = (id(files), tuple(sorted((file.src_uri, file.dest_uri) for file in files)))
        return self._files[1]

    @contextmanager
    def _search_sections(self) -> Iterator[None]:
        """Material's search plugin parses every page's HTML into sections on every build (a quarter of a
        rebuild once the Markdown is kept): the sections of an unchanged page's HTML are kept too, and the
        plugin's own create_entry_for_section makes the index entries from a copy of them, as it would."""
        from material.plugins.search.plugin import Parser, SearchIndex

        add_entry = SearchIndex.add_entry_from_context
        parsed = self.sections

        def add_entry_from_context(index: Any, page: Any) -> None:
            search = page.meta.get("search") or {}
            if search.get("exclude"):
                return
            sections = parsed.get(page.content)
            if sections is None:
                parser = Parser()
                parser.feed(page.content)
                parser.close()
                sections = parsed[page.content] = parser.data
            self.used_sections.add(page.content)
            for section in copy.deepcopy(sections):
                if not section.is_excluded():
                    index.create_entry_for_section(section, page.toc, page.url, page)

        SearchIndex.add_entry_from_context = add_entry_from_context
        self.used_sections.clear()
        try:
            yield
        finally:
            SearchIndex.add_entry_from_context = add_entry
        self.sections = {key: value for key, value in self.sections.items() if key in self.used_sections}

    @contextmanager
    def installed(self) -> Iterator[None]:
        from mkdocs.structure.pages import Page

        convert = Page.render
        rendered = self

        def render(page: Any, config: Any, files: Any) -> None:
            settings = repr((config["markdown_extensions"], config["mdx_configs"]))
            key = (page.file.src_uri, page.file.dest_uri, page.markdown, rendered._addresses(files), settings)
            rendered.used.add(key)
            kept = rendered.kept.get(key)
            if kept is None:
                convert(page, config, files)
                links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
                rendered.kept[key] = (page.content, page.toc, page._title_from_render,
                                      set(page.present_anchor_ids or ()), links)
                return
            page.content, page.toc, page._title_from_render, anchors, links = kept
            page.present_anchor_ids = set(anchors)
            page.links_to_anchors = {files.get_file_from_path(uri): value for uri, value in links.items()
                                     if files.get_file_from_path(uri) is not None}

        Page.render = render  # type: ignore[method-assign,assignment]
        self.used.clear()
        try:
            with self._search_sections():
                yield
        finally:
            Page.render = convert  # type: ignore[method-assign]
        # Only the last build's conversions are kept: a long session does not grow without end.
        self.kept = {key: value for key, value in self.kept.items() if key in self.used}


def serve(config_file: Path, host: str, port: int, report: Callable[[str], None]) -> None:
    """Serve the site of ``config_file`` on ``host:port`` until interrupted, rebuilding on every change."""
    from mkdocs.config import load_config

    served = Path(tempfile.mkdtemp(prefix="playbook-serve-"))
    served.chmod(new_directory_mode())

    rendered = RenderedPages()

    def builder(config: Any = None) -> None:  # noqa: ARG001  (MkDocs may pass the configuration)
        staging = Path(tempfile.mkdtemp(prefix="playbook-serve-new-"))
        try:
            with rendered.installed():
                build_into(config_file, staging)
        except PlaybookError as exc:
            server.problems = str(exc)
            report(f"{exc}\nThe site was not rebuilt; the browser shows these problems until they are fixed.")
            shutil.rmtree(staging, ignore_errors=True)
            return
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        replace_directory(staging, served)
        if server.problems is not None:
            report("Fixed: the site is rebuilt.")
        server.problems = None

    server = PlaybookServer(builder=builder, host=host, port=port, root=str(served),
                            polling_interval=POLLING_INTERVAL)
    config = load_config(str(config_file))
    try:
        builder()
        server.watch(config.docs_dir)
        server.watch(str(config_file))
        config.plugins.on_serve(server, config=config, builder=builder)  # the plugin watches playbook.yml, templates/
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            report("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(served, ignore_errors=True)
