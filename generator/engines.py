"""Two engines, one pipeline: the playbook's pages, navigation and assets, written once for either engine.

MkDocs runs the playbook plugin's hooks inside its own build (plugin.py). Zensical reads ``mkdocs.yml``
but runs no MkDocs plugin, so for it the same work happens around the engine:

1. :func:`prepare`: the plugin's configuration step (the same checks, the same generated pages, the same
   navigation, the same assets and footer stamp) writes a plain docs folder and an ``mkdocs.yml`` for it
   into a work folder beside the site.
2. Zensical builds that folder.
3. :func:`finish`: what the plugin's later hooks do to MkDocs' HTML is done to the built HTML (tick boxes
   named, the 404 page's rooted links made relative, the Content-Security-Policy on every page), then
   the checks the README promises are made on the result (:func:`zensical_problems`): a guarantee the
   engine's output does not meet stops the build, naming the guarantee, and the last good site stays.
4. Sealing (``--protect``) and signing run on the finished folder, as after MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import csp
from .a11y import label_task_boxes, untab_hidden_palette
from .errors import BuildError

#: The engines `playbook build --engine` and the plugin's ``engine:`` setting accept; the first is the default.
ENGINES = ("mkdocs", "zensical")
DEFAULT_ENGINE = ENGINES[0]

#: Where Zensical's offline plugin puts the search index, as a script (MkDocs': search/search_index.js).
SEARCH_INDEX_SCRIPT = "search.js"
#: The plugins :func:`prepare` keeps for the engine (the playbook plugin's work is done by then).
_KEPT_PLUGINS = ("search", "offline")
#: Root-relative URLs in a 404 page rendered for a web server's root (as in plugin.py).
_ROOTED = re.compile(r'((?:\b(?:href|src)=|"(?:base|search)":\s?)")/(?!/)')


def _relative_404(html: str) -> str:
    """Zensical's 404 page, rendered for a web server's root, addresses the site from ``/`` (the file
    system's root under file://): from its own folder instead, which is the site's root. The theme's
    scope script then reads as on any page at the root, so the policy's hash for it holds."""
    html = html.replace('__md_scope=new URL("/",location)', '__md_scope=new URL(".",location)')
    html = re.sub(r'"base":(\s?)"/"', r'"base":\1"."', html)
    return _ROOTED.sub(r"\1./", html)


@dataclass
class Prepared:
    """A docs folder and its configuration, ready for an engine; and the plugin that made them."""

    config_file: Path
    docs: Path
    plugin: Any
    #: MkDocs' strict mode as configured (--strict, else mkdocs.yml): warnings fail the build.
    strict: bool = False
    #: The docs folder's pages generated from the playbook (their paths), and the site's content/ folder.
    generated: frozenset[str] = frozenset()
    content: Path | None = None


def _plain(value: Any) -> Any:
    """MkDocs' configuration values (Markup titles, option objects) as plain YAML data."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return str(value) if isinstance(value, str) else value
    return str(value)


def _raw_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as written (with MkDocs' own YAML tags, such as !ENV, resolved)."""
    from mkdocs.utils.yaml import yaml_load

    with config_file.open("rb") as stream:
        loaded = yaml_load(stream)
    return dict(loaded or {})


class _Folder:
    """Writes a folder's files so that a kept folder ends up holding exactly what was written, and a file whose
    content did not change is not written again: it keeps its modification time, and Zensical's own cache
    (kept in the work folder) still holds for it. Files of the last build that were not written this time are
    removed (a page removed from content/ leaves the site)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.kept: set[str] = set()
        root.mkdir(parents=True, exist_ok=True)

    def write(self, relative: str, content: bytes) -> None:
        self.kept.add(relative)
        target = self.root / relative
        try:
            if target.stat().st_size == len(content) and target.read_bytes() == content:
                return
        except OSError:  # not there yet (or not a file)
            pass
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # never through a link
        target.write_bytes(content)

    def done(self) -> None:
        """Remove what was not written."""
        for path in sorted(self.root.rglob("*"), reverse=True):  # files before their folders
            relative = path.relative_to(self.root).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in self.kept:
                path.unlink()


def _copy_hand_written(config: Any, plugin: Any, docs: _Folder) -> None:
    """content/'s files into ``docs``, less what MkDocs' build would leave out (see plugin.on_files)."""
    source = Path(config.docs_dir)
    if not source.is_dir():
        return
    private = plugin._path(config, plugin.config.private)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        if path.suffix == ".map" or (private.exists() and path.resolve() == private.resolve()):
            continue
        if path.suffix == ".md":
            docs.write(relative.as_posix(), _hand_written_titled(path.read_text(encoding="utf-8-sig"),
                                                                 path.stem).encode("utf-8"))
        else:
            docs.write(relative.as_posix(), path.read_bytes())


#: A Markdown heading of the first level, ATX (``# Title``) or setext (a line of ``=`` under the title).
_FIRST_LEVEL_HEADING = re.compile(r"^(?:#[ \t]+\S|#$|[^\n]+\n=+[ \t]*$)", re.MULTILINE)


def _front_matter(meta: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1 << 20) + "---\n\n" + body


def _hand_written_titled(text: str, stem: str) -> str:
    """A page of content/ with the title Zensical would take from its front matter or its file name made
    safe text: Zensical prints those titles as they are into ``<title>`` and the navigation (MkDocs' theme
    gets them escaped, theme.py), so ``title: </title><script>…`` or a file named ``<img onerror=…>.md``
    would become markup. A title from the page's own heading is left as written (zensical_problems checks
    what comes out)."""
    from markupsafe import escape
    from mkdocs.utils.meta import get_data

    from .theme import file_title

    body, meta = get_data(text)
    if "title" in meta:
        return _front_matter({**meta, "title": str(escape(str(meta["title"])))}, body)
    if _FIRST_LEVEL_HEADING.search(body):
        return text
    return _front_matter({**meta, "title": str(escape(file_title(stem)))}, body)


def _write_generated(plugin: Any, docs: _Folder) -> None:
    """The generated pages (with what on_page_markdown adds) and the plugin's assets, into ``docs``."""
    from markupsafe import escape
    from mkdocs.utils.meta import get_data

    from .plugin import PAGE_STYLESHEET, SCRIPTS, SHIPPED, page_markdown
    from .sitedata import data_script, page_css

    for page in plugin.pages:
        # The page's own front matter (the print page and the exercise packs: out of the search), as MkDocs
        # reads it before on_page_markdown; then the title as safe text in it: Zensical prints a page's title
        # into <title> as it is, and takes it from the page's first heading with its character references
        # resolved (see _hand_written_titled).
        body, meta = get_data(page.markdown)
        docs.write(page.path, _front_matter({**meta, "title": str(escape(page.title))},
                                            page_markdown(plugin, body, page.path)).encode("utf-8"))
    files: dict[str, bytes] = {path: source.read_bytes() for path, source in SHIPPED.items()}
    files[SCRIPTS[0]] = data_script(plugin.playbook, plugin.language).encode("utf-8")
    files[PAGE_STYLESHEET] = page_css(plugin.playbook, plugin.language).encode("utf-8")
    for path, content in files.items():
        docs.write(path, content)


def _theme(config: Any, raw: dict[str, Any], work: Path) -> dict[str, Any]:
    """The theme as written, in Material's look (the ``classic`` variant, which the playbook's stylesheet is
    made for). The plugin's own partial (a11y.THEME_OVERRIDES: a name for Material's search dialog) is
    Material's and stays out: Zensical draws its search dialog itself. The site's ``custom_dir`` is used
    from a copy, so the work folder holds everything the engine reads."""
    theme = raw.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme.setdefault("variant", "classic")
    theme["language"] = config.theme["language"]  # as the plugin settled it (the site's language)
    theme.pop("custom_dir", None)
    overrides = _Folder(work / "overrides")
    if config.theme.custom_dir:
        source = Path(config.theme.custom_dir)
        for path in sorted(source.rglob("*")):
            if path.is_file():
                overrides.write(path.relative_to(source).as_posix(), path.read_bytes())
        theme["custom_dir"] = "overrides"
    overrides.done()
    if not config.theme.custom_dir:
        shutil.rmtree(work / "overrides", ignore_errors=True)
    return theme


def configure(config_file: Path, *, strict: bool | None = None, edition: str | None = None,
              signing_key: Path | None = None, protection: Any = None, language: str | None = None,
              loaded: Any = None) -> tuple[Any, Any]:
    """mkdocs.yml loaded and the playbook plugin's configuration step run (the playbook read, checked,
    modelled and its pages rendered): MkDocs' configuration and the plugin. ``loaded``: mkdocs.yml already
    loaded for this build (see build.configured).

    Raises:
        BuildError: the configuration or the playbook was refused (the same messages as an MkDocs build).
    """
    from .build import _mkdocs_errors, configured

    with _mkdocs_errors():
        config, plugin = configured(config_file, strict=strict, edition=edition, signing_key=signing_key,
                                    protection=protection, language=language, loaded=loaded)
        plugin.on_config(config)
    return config, plugin


def prepare(config_file: Path, work: Path, *, strict: bool | None = None, edition: str | None = None,
            signing_key: Path | None = None, protection: Any = None, language: str | None = None,
            loaded: Any = None, configured: tuple[Any, Any] | None = None) -> Prepared:
    """Write the playbook's site sources for an engine into ``work``: ``work/docs`` and ``work/mkdocs.yml``.
    ``configured``: what :func:`configure` returned for this build (else it is called here). A ``work``
    folder kept from an earlier build is brought up to date: files that did not change are not written
    again, files no longer part of the site are removed.

    Raises:
        BuildError: the configuration or the playbook was refused (the same messages as an MkDocs build).
    """
    config, plugin = configured or configure(config_file, strict=strict, edition=edition, signing_key=signing_key,
                                             protection=protection, language=language, loaded=loaded)
    docs = _Folder(work / "docs")
    _copy_hand_written(config, plugin, docs)
    _write_generated(plugin, docs)
    docs.done()
    raw = _raw_config(config_file)
    plugins = [name for name in (_plain_plugin_name(entry) for entry in raw.get("plugins") or [])
               if name in _KEPT_PLUGINS]
    engine_config = {
        **{key: value for key, value in raw.items() if key not in ("plugins", "nav", "hooks", "INHERIT")},
        "site_name": str(config.site_name),
        "docs_dir": "docs",  # relative: Zensical 0.0.73 panics on absolute folders
        "site_dir": "site",
        "use_directory_urls": False,
        "nav": _plain(config.nav),
        "copyright": str(config.copyright),
        "theme": _theme(config, raw, work),
        "extra": _plain(dict(config.extra)),
        "extra_css": [str(item) for item in config.extra_css],
        "extra_javascript": [str(item) for item in config.extra_javascript],
        "plugins": plugins,
        "strict": bool(config.strict),
    }
    prepared = work / "mkdocs.yml"
    text = yaml.safe_dump(engine_config, allow_unicode=True, sort_keys=False)
    if not prepared.is_file() or prepared.read_text(encoding="utf-8") != text:
        prepared.write_text(text, encoding="utf-8")
    content = Path(config.docs_dir)
    return Prepared(prepared, work / "docs", plugin, bool(config.strict),
                    generated=frozenset(page.path for page in plugin.pages),
                    content=content if content.is_dir() else None)


def _plain_plugin_name(entry: Any) -> str:
    name = next(iter(entry)) if isinstance(entry, dict) else str(entry)
    return str(name).removeprefix("material/")


#: The project's folder for what builds keep between runs (in the project, never in the user's cache: the
#: internal edition's pages hold private contact details, exactly as site/ does). In .gitignore.
WORK_FOLDER = ".playbook-work"
#: What :func:`prepare` writes, in which form: raise it when that changes, and kept work folders are emptied.
CONVERTER_VERSION = "1"
#: In a kept work folder: the Zensical and converter versions it was made with.
_STAMP = ".versions"
#: In a kept work folder: the pages the text check found clean (engines._markup_from_text).
CHECKED = ".checked.json"
#: In a kept work folder while a build uses it; still there when the next build starts: the last one did not
#: end well, and the folder is emptied.
_BUSY = ".building"


def _work_root(project: Path) -> Path:
    return project / WORK_FOLDER / "zensical"


def refuse_several_languages(plugin: Any) -> None:
    """A site in several languages is MkDocs' only (before anything is written for Zensical).

    Raises:
        BuildError: the site is in several languages and no single language was asked for.
    """
    languages = plugin.playbook.document.site_languages
    if plugin.config.language is None and len(languages) > 1:
        raise BuildError(f"--engine zensical: a site in several languages (document.site_languages: "
                         f"{', '.join(languages)}) is built with MkDocs only: its language switcher is a "
                         "template override of Material's that is not checked under Zensical. Build with "
                         "--engine mkdocs, or one language with --language.")


def _no_cache() -> bool:
    from .render import NO_CACHE_VARIABLE

    return os.environ.get(NO_CACHE_VARIABLE, "") not in ("", "0")


@contextmanager
def work_folder(project: Path, site: Path, edition: str, language: str) -> Iterator[Path]:
    """The work folder for a Zensical build of ``site`` (the site folder it ends up in) in ``edition`` and
    ``language``: ``<project>/.playbook-work/zensical/<edition>-<key>/``, kept between builds so that pages that
    did not change are not written again and Zensical's own cache (its ``.cache/`` in the folder) stays warm.
    ``<key>`` is a short hash of the site's path and language, so two sites never share one. Made with the
    mode site/ gets; locked while a build uses it (a second build waits, and says so); emptied when the
    installed Zensical or :data:`CONVERTER_VERSION` changed. With $PLAYBOOK_NO_CACHE set (or without file
    locks) a temporary folder beside ``site`` instead, removed after the build."""
    try:
        import fcntl
    except ImportError:  # no file locks (Windows): no kept folder
        fcntl = None  # type: ignore[assignment]
    if _no_cache() or fcntl is None:
        from .build import zensical_temporary_prefix  # where the leftovers of a killed build are removed

        temporary = Path(tempfile.mkdtemp(prefix=zensical_temporary_prefix(site), dir=site.parent))
        try:
            yield temporary
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        return
    from .build import wait_for_lock

    root = _work_root(project)
    for folder in (root.parent, root):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise BuildError(f"{folder}: is not a folder; remove it (it holds only what builds keep)")
        folder.mkdir(exist_ok=True)  # the mode site/ gets (build.new_directory_mode): the umask's
    key = hashlib.sha256(f"{site.resolve()}\0{language}".encode()).hexdigest()[:12]
    work = root / f"{edition}-{key}"
    descriptor = os.open(root / f"{work.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        wait_for_lock(descriptor, f"Waiting for another build that uses {work} to end...")
        if work.is_symlink() or (work.exists() and not work.is_dir()):
            raise BuildError(f"{work}: is not a folder; remove it (it holds only what builds keep)")
        work.mkdir(exist_ok=True)
        versions = _versions()
        stamp, busy = work / _STAMP, work / _BUSY
        # A build that was killed or failed while it used the folder may have left Zensical's cache half
        # written: start again from an empty folder then, as after another version.
        if busy.exists() or not stamp.is_file() or stamp.read_text(encoding="utf-8") != versions:
            _empty(work)
            stamp.write_text(versions, encoding="utf-8")
        busy.touch()
        yield work
        busy.unlink()  # only when the build got through (an exception skips this)
    finally:
        os.close(descriptor)  # and the lock with it


def _versions() -> str:
    import zensical

    return f"zensical {zensical.version()}\nconverter {CONVERTER_VERSION}\n"


def _empty(folder: Path) -> None:
    for item in folder.iterdir():
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item)
        else:
            item.unlink()


def clean_work(project: Path) -> None:
    """Empty the project's kept Zensical work folders (`playbook build --clean`): the next Zensical build
    starts cold. Each folder is emptied under its lock, after a build that uses it ended."""
    root = _work_root(project)
    if not root.is_dir() or root.is_symlink():
        return
    try:
        import fcntl
    except ImportError:
        fcntl = None  # type: ignore[assignment]
    for work in sorted(root.iterdir()):
        if not work.is_dir() or work.is_symlink():
            continue
        descriptor = os.open(root / f"{work.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            shutil.rmtree(work)
        finally:
            os.close(descriptor)


def zensical_build(prepared: Prepared, *, strict: bool) -> Path:
    """Build the prepared folder with Zensical; the built site's folder.

    Raises:
        BuildError: Zensical is not installed, refused the configuration or failed.
    """
    try:
        import zensical
    except ImportError:
        raise BuildError("--engine zensical: Zensical is not installed (pip install zensical)") from None
    failure: BaseException | None = None
    printed = ""
    site = prepared.config_file.parent / "site"
    shutil.rmtree(site, ignore_errors=True)  # the last build's output is gone; Zensical's cache (.cache/) stays
    with _captured() as said:
        try:
            # Not "clean": that would empty Zensical's cache too, and a kept work folder is kept for it.
            zensical.build(str(prepared.config_file), {"clean": False, "strict": strict})
        except BaseException as exc:  # the Rust runtime raises plain exceptions, and a panic as a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            failure = exc
            printed = said.read_text(encoding="utf-8", errors="replace").strip()  # before its folder goes
    if failure is not None:
        limit = search_limit_message(f"{failure}\n{printed}", prepared)
        if limit is not None:
            raise BuildError(limit)
        raise BuildError(f"Zensical failed: {failure}" + (f"\n{printed}" if printed else ""))
    return site


#: Zensical's own message when a page is too big for its search index (0.0.73: token positions or bytes).
#: It has no setting for the limit: its search plugin takes only ``enabled`` and ``separator``.
_SEARCH_LIMIT = re.compile(r"Search field '(?P<field>[^']*)' at '(?P<page>[^']*)' exceeds the search index limit "
                           r"\((?P<detail>[^)]*)\)")


def search_limit_message(said: str, prepared: Prepared) -> str | None:
    """What to tell the user when Zensical stopped on its search index limit: which page is too big for it
    (Zensical names one), where that page comes from, and what to do; None when that is not why it failed."""
    found = _SEARCH_LIMIT.search(said)
    if found is None:
        return None
    page, detail = found["page"], found["detail"]
    source = re.sub(r"\.html$", ".md", page)
    start = (f"--engine zensical: the page {page} is too big for Zensical's search index ({detail}; Zensical's "
             "own limit, which no setting changes).")
    if source in prepared.generated:
        return (f"{start} The page is generated from the playbook, so its size follows the playbook's: build "
                "with --engine mkdocs, whose search has no such limit.")
    if prepared.content is not None and (prepared.content / source).is_file():
        written = f"{prepared.content.name}/{source}"
        return (f"{start} It is the content page {written}: split it into smaller pages, or build with "
                "--engine mkdocs.")
    return f"{start} Split that page into smaller pages, or build with --engine mkdocs."


@contextmanager
def _captured() -> Iterator[Path]:
    """What Zensical's runtime prints (it writes to the process's standard output and error itself, past
    Python's sys.stdout): kept in a file, shown only when the build fails."""
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryDirectory(prefix="playbook-zensical-") as folder:
        said = Path(folder) / "output.txt"
        saved = os.dup(1), os.dup(2)
        with said.open("wb") as stream:
            os.dup2(stream.fileno(), 1)
            os.dup2(stream.fileno(), 2)
            try:
                yield said
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])


def _probe_hashes(prepared: Prepared, depths: set[int]) -> dict[int, set[str]]:
    """The theme's inline scripts on a page at each folder depth: a site of empty pages, with the same
    theme and settings and none of the playbook's text, built by Zensical (as plugin._probe does with
    MkDocs' templates). Kept in the user's cache folder under everything the probe site is made of
    (:func:`_probe_key`): a second build with the same engine, theme and settings does not build it again."""
    work = prepared.config_file.parent / "probe"
    config = yaml.safe_load(prepared.config_file.read_text(encoding="utf-8"))
    config.update({"docs_dir": "docs", "site_dir": "site", "site_name": "Probe",
                   "copyright": "", "nav": None})
    config.pop("nav")
    if "custom_dir" in config["theme"]:
        config["theme"]["custom_dir"] = f"../{config['theme']['custom_dir']}"
    config_text = yaml.safe_dump(config, sort_keys=False)
    kept = _kept_probe(_probe_key(config_text, prepared.config_file.parent / "overrides", depths))
    if kept is not None and kept.is_file():
        try:
            found = {int(depth): set(hashes) for depth, hashes in json.loads(kept.read_text(encoding="utf-8")).items()}
        except (OSError, ValueError, TypeError, AttributeError):  # unreadable or not what is written below
            found = {}
        if set(found) == depths:
            return found
    shutil.rmtree(work, ignore_errors=True)  # a kept work folder may hold the last probe
    docs = work / "docs"
    for depth in depths:
        page = docs.joinpath(*(["d"] * depth), "index.md")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("# Probe\n", encoding="utf-8")
    (work / "mkdocs.yml").write_text(config_text, encoding="utf-8")
    site = zensical_build(Prepared(work / "mkdocs.yml", docs, prepared.plugin), strict=False)
    hashes = {}
    for depth in depths:
        html = site.joinpath(*(["d"] * depth), "index.html").read_text(encoding="utf-8")
        hashes[depth] = {csp.script_hash(script) for script in csp.inline_scripts(html)}
    if kept is not None:
        _write_kept(kept, json.dumps({depth: sorted(found) for depth, found in hashes.items()}))
    return hashes


def _probe_key(config_text: str, overrides: Path, depths: set[int]) -> str:
    """What the probe site's scripts can depend on: its configuration as written, the folder depths, the
    site's own template overrides (their paths and contents), and the installed Zensical (its version, and
    the size and time of each of its files but its icons: a reinstall or a changed theme template)."""
    import zensical

    digest = hashlib.sha256()
    for part in (zensical.version(), config_text, repr(sorted(depths))):
        digest.update(part.encode("utf-8") + b"\0")
    for root, folders, files in os.walk(Path(zensical.__file__).parent):
        folders[:] = sorted(name for name in folders if name not in (".icons", "__pycache__"))
        for name in sorted(files):
            found = (Path(root) / name).stat()
            digest.update(f"{root}/{name}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    for path in sorted(overrides.rglob("*")) if overrides.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(overrides).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _kept_probe(key: str) -> Path | None:
    """Where the probe's hashes for ``key`` are kept: the user's private cache folder (render.cache_folder;
    its hashes are scripts every page lets run); None when there is none."""
    from .render import cache_folder

    folder = cache_folder(key, "zensical-probe")
    return folder / "hashes.json" if folder is not None else None


def _write_kept(target: Path, text: str) -> None:
    """``text`` into ``target`` whole or not at all (two builds at once each write the same text); a cache
    that cannot be written is no cache, not a failed build."""
    written = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as stream:
            written = Path(stream.name)
            stream.write(text)
        written.replace(target)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)


def finish(prepared: Prepared, site: Path) -> None:
    """Do to Zensical's HTML what the plugin's page hooks do to MkDocs': tick boxes named (and Zensical's
    hidden colour-scheme option out of the tab order), the 404 page's links relative to the site, and the
    Content-Security-Policy first in every page's ``<head>``."""
    pages = sorted(site.rglob("*.html"))
    depths = {len(page.relative_to(site).parts) - 1 for page in pages}
    allowed = _probe_hashes(prepared, depths)
    listed = {f"'{value.strip(chr(39))}'" for value in prepared.plugin.config.csp_scripts}
    for page in pages:
        relative = page.relative_to(site)
        html = page.read_text(encoding="utf-8")
        html = prepared.plugin._html_language(untab_hidden_palette(label_task_boxes(html)))
        if relative.as_posix() == "404.html":
            html = _relative_404(html)
        policy = csp.policy(allowed[len(relative.parts) - 1] | listed)
        page.write_text(csp.with_policy(html, policy), encoding="utf-8")


def zensical_problems(site: Path, checked: Path | None = None) -> list[str]:
    """The README's guarantees that Zensical's finished site does not meet, each named. ``checked``: where a
    kept work folder records the pages the text check found clean (see :func:`_markup_from_text`)."""
    from .plugin import SCRIPTS, SHIM

    problems = []
    if not (site / SEARCH_INDEX_SCRIPT).is_file():
        problems.append(f"search from file:// (no {SEARCH_INDEX_SCRIPT}: the offline plugin did not run)")
    for path in (SHIM, *SCRIPTS):
        if not (site / path).is_file():
            problems.append(f"incident tools offline ({path} is missing)")
    outside = _outside_loads(site)
    if outside:
        problems.append("no request outside the site: " + "; ".join(outside[:5]))
    for page in sorted(site.rglob("*.html")):
        head = page.read_text(encoding="utf-8")[:4000]
        if 'http-equiv="Content-Security-Policy"' not in head:
            problems.append(f"Content-Security-Policy on every page ({page.relative_to(site)} has none)")
            break
    markup = _markup_from_text(site, checked)
    if markup:
        problems.append("text stays text (markup that no template of the theme writes: a title or text printed as "
                        "HTML): " + "; ".join(markup[:5]))
    return problems


_POLICY_HASHES = re.compile(r"'sha256-[A-Za-z0-9+/=]+'")


def _markup_from_text(site: Path, checked: Path | None = None) -> list[str]:
    """Pages with an inline script their own policy does not allow, or an event-handler attribute: what a
    title or text printed as HTML would bring (the policy keeps it from running; it still must not be there).
    ``checked``: a file (in the kept work folder) of the pages found clean, by their SHA-256, and of the check
    that found them so: a page found clean by this same check with these same bytes is not parsed again."""
    found = []
    scanner = csp.PageScanner()  # the pages share their header, navigation and footer: each line parsed once
    check = _check_version()
    clean_before = _read_checked(checked, check)
    clean: dict[str, str] = {}
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        data = page.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if clean_before.get(name) == digest:
            clean[name] = digest
            continue
        html = data.decode("utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        allowed = set(_POLICY_HASHES.findall(policy[1])) if policy else set()
        scripts, handlers = scanner.scan(html)  # the theme writes no event-handler attribute
        if any(csp.script_hash(script) not in allowed for script in scripts):
            found.append(f"{name}: an inline script the page's policy does not list")
        elif handlers:
            found.append(f"{name}: an event-handler attribute")
        else:
            clean[name] = digest
    if checked is not None:
        _write_kept(checked, json.dumps({"check": check, "clean": clean}, sort_keys=True))
    return found


def _check_version() -> str:
    """What the text check's verdict depends on besides the page: this module's and csp.py's code."""
    digest = hashlib.sha256()
    for source in (Path(__file__), Path(csp.__file__)):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _read_checked(checked: Path | None, check: str) -> dict[str, str]:
    """The pages a kept record says were clean, when the same check recorded them; else none."""
    if checked is None or not checked.is_file():
        return {}
    try:
        record = json.loads(checked.read_text(encoding="utf-8"))
        if record.get("check") != check:
            return {}
        return {str(name): str(digest) for name, digest in record["clean"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


#: A URL a page or stylesheet loads from outside the site: with a scheme or protocol-relative.
_LOADS = re.compile(r'<(?:script|img|iframe|source|link)\b[^>]*?\b(?:src|href)="((?:[a-z][a-z0-9+.-]*:)?//[^"]*)"',
                    re.IGNORECASE)


def _outside_loads(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        for match in _LOADS.finditer(page.read_text(encoding="utf-8")):
            tag = match[0]
            if tag.lower().startswith("<link") and not re.search(r'rel="[^"]*(?:stylesheet|icon|preload|modulepreload|'
                                                               r'prefetch|preconnect|manifest)', tag):
                continue
            found.append(f"{page.relative_to(site)}: {match[1]}")
    return found


def digest(folder: Path) -> str:
    """One SHA-256 of every file's path and content under ``folder`` (to compare two builds)."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return total.hexdigest()


os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
