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
from .. import render as generator_render
from ..build import build_into, new_directory_mode, replace_directory
from ..conversions import ConversionWorker, Job, conversion, give, log_said, read_settings, share, speculated
from ..errors import PlaybookError
from ..render import KeptPages

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
#: Material's scripts and stylesheets, named by a hash of their content (bundle.a5f9d56c.min.js): a new
#: content is a new name, so the browser may keep them between reloads. Every other file (the pages, the
#: playbook's scripts, the search index) has no such header and is fetched again on each reload.
_CONTENT_NAMED = re.compile(r"/assets/(?:javascripts|stylesheets)/(?:workers/)?[\w-]+\.[0-9a-f]{8}\.min\.(?:js|css)$")
_KEPT_BY_THE_BROWSER = ("Cache-Control", "max-age=31536000, immutable")
#: How often the watcher looks at the files (MkDocs' default, 0.5 s, was half of the time from a save to
#: the reloaded page); it looks at playbook.yml, mkdocs.yml, content/ and templates/ only.
POLLING_INTERVAL = 0.1
#: How long the server waits, after a change, for more changes before it rebuilds (MkDocs: 0.1 s, another
#: tenth of a second on every save). The polling watcher hands over the changes one look finds all at once
#: (an editor's write and rename, a save of several files), so a short wait takes them together; a change
#: that comes later starts another rebuild after this one.
BUILD_DELAY = 0.02


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
        if _CONTENT_NAMED.search(path):
            def kept(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                kept_headers = [*headers, _KEPT_BY_THE_BROWSER] if status.startswith("200") else headers
                return start_response(status, kept_headers, *args)

            return super()._serve_request(environ, kept)  # type: ignore[no-any-return]
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


#: Plugins known to give the theme's page template nothing but what :class:`ThemeOutput`'s key holds (the page,
#: the navigation, the configuration). With any other plugin every page's template is rendered on each rebuild.
KNOWN_PLUGINS = frozenset({"search", "material/search", "offline", "material/offline", "playbook"})
#: The staging folder, new for every rebuild; no theme template prints it.
UNPRINTED_SETTINGS = frozenset({"site_dir"})


class Uncacheable(Exception):
    """A value of a template's context that no key can stand for: the page's template is rendered."""


def _plain(value: Any) -> str:
    """``value`` as text that says all of it, or Uncacheable for an object only named by its address (two
    builds' objects could share one)."""
    text = repr(value)
    if " at 0x" in text:
        raise Uncacheable(text[:80])
    return text


def _toc_state(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple((item.title, item.id, item.level, _toc_state(item.children)) for item in items)


def _linked(page: Any) -> tuple[str, str] | None:
    return None if page is None else (page.title, page.url)


def _page_state(page: Any) -> tuple[Any, ...]:
    """Every property of a page that a theme template can print."""
    from mkdocs.structure.pages import Page

    if type(page) is not Page:
        raise Uncacheable(type(page).__name__)
    return (page.file.src_uri, page.file.dest_uri, page.url, page.canonical_url, page.abs_url, page.edit_url,
            page.title, page.content, _toc_state(page.toc), _plain(page.meta), page.is_homepage,
            _linked(page.previous_page), _linked(page.next_page),
            tuple((type(item).__name__, item.title, getattr(item, "url", None)) for item in page.ancestors))


def _nav_state(items: Iterable[Any]) -> tuple[Any, ...]:
    """The navigation's items, their kinds, titles, addresses and metadata; not which is active, which
    follows from the page being rendered."""
    from mkdocs.structure.nav import Link, Section
    from mkdocs.structure.pages import Page

    state: list[Any] = []
    for item in items:
        kind = type(item)
        if kind is Page:
            state.append(("page", item.title, item.url, item.is_index, _plain(item.meta)))
        elif kind is Link:
            state.append(("link", item.title, item.url))
        elif kind is Section:
            state.append(("section", item.title, _nav_state(item.children)))
        else:
            raise Uncacheable(kind.__name__)
    return tuple(state)


def _config_state(config: Any) -> tuple[Any, ...]:
    """Every setting (the plugins by name and settings), but the staging folder."""
    unknown = set(config.plugins) - KNOWN_PLUGINS
    if unknown:
        raise Uncacheable(", ".join(sorted(unknown)))
    plugins = tuple((name, _plain(dict(plugin.config))) for name, plugin in config.plugins.items())
    return (plugins, *((key, _plain(config[key])) for key in sorted(config.keys())
                       if key != "plugins" and key not in UNPRINTED_SETTINGS))


def _installed(folder: str) -> bool:
    """Whether a theme folder is Material's or MkDocs' own, installed with them."""
    import material
    import mkdocs

    return any(Path(folder).is_relative_to(Path(package.__file__).parent)
               for package in (material, mkdocs) if package.__file__)


def _theme_state(config: Any) -> tuple[Any, ...]:
    """The theme's folders: Material's and MkDocs' installed templates do not change under a running server;
    other theme folders' files do (custom_dir): their names, times and sizes."""
    state: list[Any] = []
    for folder in config.theme.dirs:
        if _installed(folder):
            state.append(folder)
            continue
        for path in sorted(Path(folder).rglob("*")):
            stat = path.stat()
            state.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(state)


class ThemeOutput:
    """The theme's page template's output (Material's main.html: the page inside the whole navigation, the
    header, the footer), kept between rebuilds: a save renders again only the pages whose output can differ.

    The key is everything the template can read: the page's content, table of contents, title, metadata,
    address, neighbours and ancestors; the navigation's titles and addresses; every setting of mkdocs.yml as
    the plugins left it (copyright and build stamp, extra, theme, site name…); the site's pages; and the other
    values of the template's context. A title edited changes the navigation, so every page is rendered again.
    The key is only made where every part is known: a page or nav item of another kind, a value only named by
    its address, or a plugin outside :data:`KNOWN_PLUGINS` renders the page as MkDocs does. Theme folders other
    than Material's own (custom_dir, the generator's overrides) are part of the key through their files' times
    and sizes; ``build_date_utc`` (the time of each build) only where a template prints it.
    """

    def __init__(self) -> None:
        self.kept: dict[tuple[Any, ...], str] = {}
        self.used: set[tuple[Any, ...]] = set()
        self._build: dict[str, Any] = {}
        self._reads_build_date: dict[str, bool] = {}

    def _prints_build_date(self, config: Any) -> bool:
        """Whether a template of the theme mentions ``build_date_utc`` (Material's do not): the installed
        folders' templates are read once, the others' files (custom_dir, which may change) on every build."""
        def mentions(folder: str, pattern: str) -> bool:
            return any("build_date_utc" in path.read_text(encoding="utf-8", errors="replace")
                       for path in Path(folder).rglob(pattern) if path.is_file())

        reads = False
        for folder in config.theme.dirs:
            if not _installed(folder):
                reads = reads or mentions(folder, "*")
                continue
            if folder not in self._reads_build_date:
                self._reads_build_date[folder] = mentions(folder, "*.html")
            reads = reads or self._reads_build_date[folder]
        return reads

    def key(self, name: str | None, context: dict[str, Any]) -> tuple[Any, ...] | None:
        """The key of the template ``name``'s output for ``context``; None where the output is not kept."""
        page, config, nav = context.get("page"), context.get("config"), context.get("nav")
        if page is None or config is None or nav is None:
            return None  # a static template (404.html, sitemap.xml): rendered once per build anyway
        try:
            if "config" not in self._build:
                self._build["config"] = (_config_state(config), _theme_state(config),
                                         self._prints_build_date(config))
            if "nav" not in self._build:  # the pages' titles are settled before the first page is built
                self._build["nav"] = (_nav_state(nav.items), _linked(nav.homepage))
            settings, theme, prints_build_date = self._build["config"]
            others = tuple((field, _plain(value)) for field, value in sorted(context.items())
                           if field not in ("page", "config", "nav", "pages")
                           and (field != "build_date_utc" or prints_build_date))
            pages = tuple((file.src_uri, file.dest_uri, file.url) for file in context.get("pages") or ())
            return (name, _page_state(page), self._build["nav"], settings, theme, pages, others)
        except Uncacheable:
            return None

    @contextmanager
    def installed(self) -> Iterator[None]:
        """While a build runs: the theme's environment makes templates whose render() looks the output up."""
        import jinja2
        from mkdocs.theme import Theme

        from ..plugin import THEME_BYTECODE

        get_env = Theme.get_env
        output = self

        class KeptTemplate(jinja2.Template):
            def render(self, *args: Any, **kwargs: Any) -> str:
                key = output.key(self.name, args[0]) if len(args) == 1 and not kwargs \
                    and isinstance(args[0], dict) else None
                if key is None:
                    return super().render(*args, **kwargs)
                output.used.add(key)
                if key not in output.kept:
                    output.kept[key] = super().render(*args, **kwargs)
                return output.kept[key]

        def kept_env(theme: Any) -> Any:
            env = get_env(theme)
            env.template_class = KeptTemplate
            # Environments the plugin's on_env never sees (Material's search makes three to read its language
            # settings, compiling its language partials on every build) share the compiled templates too.
            env.bytecode_cache = THEME_BYTECODE
            return env

        Theme.get_env = kept_env  # type: ignore[method-assign,assignment]
        self.used.clear()
        self._build = {}
        try:
            yield
        finally:
            Theme.get_env = get_env  # type: ignore[method-assign]
        self.kept = {key: value for key, value in self.kept.items() if key in self.used}


class ThemeFiles:
    """The theme's static files (Material's scripts, stylesheets, fonts…), as MkDocs lists them on every build:
    it walks every theme folder, Material's thousands of icons included, and matches each name against a dozen
    patterns (a twentieth of a rebuild). The list is kept under what it is made of: the theme's folders, its
    static templates, and the names, times and sizes of the files of the folders that are not installed."""

    def __init__(self) -> None:
        self.listed: dict[tuple[Any, ...], list[str]] = {}

    @contextmanager
    def installed(self) -> Iterator[None]:
        from mkdocs.structure.files import Files

        add_files_from_theme = Files.add_files_from_theme
        listed = self.listed

        class KeptListing:
            def __init__(self, env: Any, key: tuple[Any, ...]) -> None:
                self.env, self.key = env, key

            def list_templates(self, *args: Any, **kwargs: Any) -> list[str]:
                if self.key not in listed:
                    listed.clear()  # only the last theme's list is kept
                    listed[self.key] = self.env.list_templates(*args, **kwargs)
                return list(listed[self.key])

        def add_kept_files_from_theme(files: Any, env: Any, config: Any) -> None:
            key = (tuple(config.theme.dirs), tuple(config.theme.static_templates), _theme_state(config))
            add_files_from_theme(files, KeptListing(env, key), config)  # type: ignore[arg-type]  # only listed

        Files.add_files_from_theme = add_kept_files_from_theme  # type: ignore[method-assign,assignment]
        try:
            yield
        finally:
            Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


class RenderedPages:
    """Each page's Markdown converted to HTML (and its HTML parsed into search sections), kept between
    rebuilds: a save re-renders only the pages whose Markdown changed (a checklist edit: the phase's page,
    the home page, the exercise packs and the print page, not all fifty).

    MkDocs converts every page on every build (Page.render: more than a third of a rebuild). While
    :meth:`installed`, Page.render looks a page up first; the key is everything the conversion reads: the
    page's Markdown and site address, every file's site address (links between pages), and the settings it
    reads (conversions.read_settings: the Markdown settings, the link checks). A page found gets the HTML,
    table of contents, title and anchors of the last conversion. With a ``worker`` (conversions.py), a page not
    found may have been converted by it, under the same key.
    """

    def __init__(self, worker: ConversionWorker | None = None) -> None:
        self.kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.used: set[tuple[Any, ...]] = set()
        #: Converts the last of a build's changed pages on the second core (conversions.py), if there is one.
        self.worker = worker
        self.sections: dict[str, Any] = {}
        self.used_sections: set[str] = set()
        #: A page's search index entries, made from its sections by the plugin's create_entry_for_section.
        self.entries: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self.used_entries: set[tuple[Any, ...]] = set()
        #: The last build's Files (held, so that no later Files is made at its address) and its site addresses.
        self._files: tuple[Any, tuple[tuple[str, str], ...]] = (None, ())
        self.theme_output = ThemeOutput()
        self.theme_files = ThemeFiles()
        #: The generated pages' Markdown, rendered again only where what the page read changed (render.KeptPages).
        self.generated = KeptPages()

    def _addresses(self, files: Any) -> tuple[tuple[str, str], ...]:
        if self._files[0] is not files:  # not id(): a freed Files' id is often the next one's
            self._files = (files, tuple(sorted((file.src_uri, file.dest_uri) for file in files)))
        return self._files[1]

    @contextmanager
    def _search_sections(self) -> Iterator[None]:
        """Material's search plugin parses every page's HTML into sections on every build (a quarter of a
        rebuild once the Markdown is kept): the sections of an unchanged page's HTML are kept too, and the
        plugin's own create_entry_for_section makes the index entries from a copy of them, as it would. The
        entries it made are kept as well, under everything they are made of (the page's HTML, table of
        contents, address, title and metadata), and an unchanged page gets a copy of them."""
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
            try:  # the entries read the sections, the table of contents, the address, the title and metadata
                key = (page.content, page.url, _toc_state(page.toc), page.title, _plain(page.meta))
            except Uncacheable:
                key = None
            made = self.entries.get(key) if key is not None else None
            if made is None:
                start = len(index.entries)
                for section in copy.deepcopy(sections):  # create_entry_for_section may set a section's title
                    if not section.is_excluded():
                        index.create_entry_for_section(section, page.toc, page.url, page)
                made = copy.deepcopy(index.entries[start:])
                if key is not None:
                    self.entries[key] = made
            else:
                index.entries.extend(copy.deepcopy(made))
            if key is not None:
                self.used_entries.add(key)

        SearchIndex.add_entry_from_context = add_entry_from_context
        self.used_sections.clear()
        self.used_entries.clear()
        try:
            yield
        finally:
            SearchIndex.add_entry_from_context = add_entry
        self.sections = {key: value for key, value in self.sections.items() if key in self.used_sections}
        self.entries = {key: value for key, value in self.entries.items() if key in self.used_entries}

    def key(self, page: Any, config: Any, files: Any) -> tuple[Any, ...]:
        """Everything the conversion of ``page`` reads."""
        return self._key(page.file, page.markdown, config, files)

    def _key(self, file: Any, markdown: str, config: Any, files: Any) -> tuple[Any, ...]:
        """Everything the conversion of the page of ``file`` reads, its Markdown being ``markdown``."""
        return (file.src_uri, file.dest_uri, markdown, self._addresses(files), repr(read_settings(config)))

    def _dispatch(self, config: Any, files: Any, *, first: str) -> None:
        """The worker's share of the pages whose conversion is not kept (conversions.share), sent to it; never the
        page ``first``, which is being converted here now."""
        if self.worker is None or not self.worker.alive:
            return
        jobs: dict[tuple[Any, ...], Job] = {}
        for file, markdown in speculated(config, files):
            if file.src_uri == first:
                continue
            key = self._key(file, markdown, config, files)
            if key not in self.kept:
                jobs[key] = (len(jobs), file.src_uri, markdown)
        self.worker.send(config, files, share(jobs))

    @staticmethod
    def conversion(page: Any) -> tuple[Any, ...]:
        """What the conversion of ``page`` gave it, as kept."""
        links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
        return (page.content, page.toc, page._title_from_render, set(page.present_anchor_ids or ()), links)

    @contextmanager
    def installed(self) -> Iterator[None]:
        from mkdocs.structure.pages import Page

        convert = Page.render
        rendered = self

        def render(page: Any, config: Any, files: Any) -> None:
            if not dispatched:  # the build's first conversion: the worker takes its share of the pages now
                dispatched.append(files)
                rendered._dispatch(config, files, first=page.file.src_uri)
            key = rendered.key(page, config, files)
            rendered.used.add(key)
            kept = rendered.kept.get(key)
            if kept is None and rendered.worker is not None:
                found = rendered.worker.result(key)
                if found is not None:
                    kept, said = found
                    log_said(said)
                    rendered.kept[key] = kept
            if kept is None:
                convert(page, config, files)
                rendered.kept[key] = conversion(page)
                return
            give(page, kept, files)

        dispatched: list[Any] = []
        Page.render = render  # type: ignore[method-assign,assignment]
        self.used.clear()
        kept_before, generator_render.kept_pages = generator_render.kept_pages, self.generated
        try:
            with self._search_sections(), self.theme_output.installed(), self.theme_files.installed():
                yield
        finally:
            Page.render = convert  # type: ignore[method-assign]
            generator_render.kept_pages = kept_before
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
    server.build_delay = BUILD_DELAY
    config = load_config(str(config_file))
    try:
        builder()
        rendered.worker = ConversionWorker.start()  # after the first build (its imports done), before any thread
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
        if rendered.worker is not None:
            rendered.worker.stop()
        shutil.rmtree(served, ignore_errors=True)
