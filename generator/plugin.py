"""The generator as an MkDocs plugin, so plain ``mkdocs build`` and ``mkdocs serve`` work.

Registered as ``playbook`` through the ``mkdocs.plugins`` entry point. It validates the
playbook, renders its pages, adds them beside the hand-written pages of ``docs_dir``
(``content/``), builds the navigation when ``mkdocs.yml`` has none, and makes sure the
site stays usable from ``file://`` with no network.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils import get_build_datetime, get_relative_url

from . import ahead, csp
from .a11y import THEME_OVERRIDES, label_task_boxes
from .engines import DEFAULT_ENGINE, ENGINES
from .errors import PlaybookError
from .escape import markdown_text as escape
from .git import git_commit
from .i18n import Language, LanguageError, asked_tag, english, local_value
from .i18n import language as find_language
from .model import Playbook, public_edition
from .multilingual import add_switcher, plan_in_language
from .paths import outside, setting_line
from .protect import Sealer, seal_site
from .render import Page, compiled_templates, navigation
from .schema import EDITIONS
from .sign import (
    DEFAULT_PUBLIC_KEY,
    SIGNING_VARIABLE,
    PublicKey,
    SigningKey,
    read_public_key,
    sign_folder,
    signing_key,
)
from .sitedata import data_script, page_css
from .sitepages import VERIFY_PAGE, changes_page, site_pages, verify_page  # noqa: F401  (names of this module)
from .theme import page_title, striptags_as_html, text_as_html

log = logging.getLogger("mkdocs.plugins.playbook")
#: Set by `playbook publish` for the build mike runs: the edition published, over mkdocs.yml's.
EDITION_VARIABLE = ahead.EDITION_VARIABLE
#: Where a page template shows the signing key's fingerprint (or that copies are not signed). A fact
#: of the build's configuration, not of the playbook, so the plugin fills it in, as it stamps the footer.
SIGNING_PLACEHOLDER = "<!-- playbook:signing-key -->"

ASSETS = Path(__file__).parent / "assets"
#: Site paths of the files the plugin ships.
SHIM = "assets/vendor/iframe-worker/shim.js"
STYLESHEET = "assets/playbook/playbook.css"
#: The printed page of this playbook (paper size, version and page numbers): generated.
PAGE_STYLESHEET = "assets/playbook/page.css"
#: The incident tools: the playbook's data (generated), then the script that uses it.
SCRIPTS = ("assets/playbook/data.js", "assets/playbook/playbook.js")
SHIPPED = {
    SHIM: ASSETS / "vendor" / "iframe-worker" / "shim.js",
    "assets/vendor/iframe-worker/worker-scope.js": ASSETS / "vendor" / "iframe-worker" / "worker-scope.js",
    "assets/vendor/iframe-worker/LICENSE.txt": ASSETS / "vendor" / "iframe-worker" / "LICENSE",
    STYLESHEET: ASSETS / "playbook.css",
    SCRIPTS[1]: ASSETS / "playbook.js",
}


def outside_links(folder: Path, project: Path) -> list[str]:
    """Files and folders under ``folder`` that are links leading outside ``project``."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(project):
            found.append(f"{path.relative_to(project)} is a link to {path.resolve()}, outside the project")
    return found


def _same_file(path: str, other: Path) -> bool:
    """True when ``path`` is ``other``, a link to it, or a hard link of it."""
    try:
        return other.exists() and Path(path).samefile(other)
    except OSError:
        return False


def _markdown_of(page: Page) -> Callable[[], str]:
    return lambda: page.markdown


def signing_key_text(public_key: PublicKey | None, language: Language | None = None) -> str:
    """What a page says in place of :data:`SIGNING_PLACEHOLDER`: the key's fingerprint, or that there is none."""
    if public_key is None:
        return (language or english()).gettext("none: copies of this playbook are not signed")
    return f"`{public_key.fingerprint}`"


def document_line(playbook: Playbook, language: Language | None = None) -> str:
    """Version, approval, review date and marking: shown on every page, on screen and on paper."""
    doc = playbook.document
    approver = playbook.contact(doc.approver).name
    said = (language or english()).gettext("Version %(version)s · approved by %(approver)s on %(approved)s · "
                                           "review by %(review)s")
    chosen = language or english()
    line = Markup(said) % {"version": escape(doc.version), "approver": escape(approver),
                           "approved": escape(local_value(doc.approved_on, chosen)),
                           "review": escape(local_value(doc.next_review, chosen))}
    return f'<p class="pb-doc">{line} · {escape(doc.classification)}</p>'


def page_markdown(plugin: PlaybookPlugin, markdown: str, src_uri: str) -> str:
    """A page's Markdown as the engine renders it: document control under its title (the home page has its
    own banner) and the signing key's fingerprint filled in. For either engine (see engines.py)."""
    markdown = markdown.replace(SIGNING_PLACEHOLDER, signing_key_text(plugin.public_key, plugin.language))
    if plugin.playbook is None or src_uri == "index.md":
        return markdown
    line = _document_line_of(plugin)
    # The first line that starts with "# ", found without splitting the page into lines (it is near the top).
    if markdown.startswith("# "):
        heading = 0
    elif (before := markdown.find("\n# ")) >= 0:
        heading = before + 1
    else:
        return f"{line}\n\n{markdown}"
    end = markdown.find("\n", heading)
    return f"{markdown}\n\n{line}" if end < 0 else f"{markdown[:end]}\n\n{line}{markdown[end:]}"


def _document_line_of(plugin: PlaybookPlugin) -> str:
    """:func:`document_line` of the plugin's playbook and language, made once for them rather than once a page:
    kept with the very objects it was made of and made anew when either is another object (the plugin of
    `playbook serve` gets a new model on each save)."""
    made = plugin.document_line_made
    if made is None or made[0] is not plugin.playbook or made[1] is not plugin.language:
        assert plugin.playbook is not None  # page_markdown checked
        made = (plugin.playbook, plugin.language, document_line(plugin.playbook, plugin.language))
        plugin.document_line_made = made
    return made[2]


class _ThemeTemplates(jinja2.BytecodeCache):
    """Compiled theme templates, for whichever environment asks: its own cache (render.compiled_templates, kept
    in memory per process and on disk between processes), found from the environment Jinja names. Set by
    on_env on MkDocs' theme environment, and by `playbook serve` on environments on_env never sees."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled_templates(bucket.environment).load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        compiled_templates(bucket.environment).dump_bytecode(bucket)


THEME_BYTECODE = _ThemeTemplates()


class PlaybookConfig(base.Config):  # type: ignore[no-untyped-call]
    csp_scripts = c.ListOfItems(c.Type(str), default=[])
    """Hashes (sha256-…) of inline scripts in template overrides that the Content-Security-Policy
    lets run. Each one weakens it: list a script's hash only after reading the script."""
    playbook = c.Type(str, default="playbook.yml")
    """Path of the playbook, relative to mkdocs.yml."""
    templates = c.Type(str, default="templates")
    """Directory of page-template overrides, relative to mkdocs.yml."""
    strict = c.Type(bool, default=False)
    """Fail the build on readiness warnings, as `playbook validate --strict` does."""
    private = c.Type(str, default="contacts.private.yml")
    """Private contact details kept out of the repository, merged when the file exists."""
    edition = c.Choice(EDITIONS, default="internal")
    """`public` leaves out every private value: private channels and private contacts' details."""
    language = c.Optional(c.Type(str))
    """The language of the site's own words (BCP 47: `de`, `sr-Latn`, `sr-Cyrl`), over the playbook's
    `document.language`; `playbook build --language` sets it for one build. The plan's texts are in it where the plan is
    translated into it (`document.translations`); untranslated texts stay in the plan's language."""
    engine = c.Choice(ENGINES, default=DEFAULT_ENGINE)
    """The engine `playbook build` builds with (`--engine` wins): mkdocs, or zensical (see engines.py).
    Plain `mkdocs build` and `mkdocs serve` are MkDocs whatever this says."""
    public_key = c.Type(str, default=DEFAULT_PUBLIC_KEY)
    """The public half of the key releases are signed with (OpenSSH Ed25519), relative to mkdocs.yml.
    The pages show its fingerprint; without the file they say that copies are not signed."""


def offline_problems(config: MkDocsConfig) -> list[str]:
    """Settings that would make the site fetch from the network or break under file://."""
    problems = []
    theme = config.theme
    if theme.name != "material":
        problems.append(f"theme '{theme.name}' is not supported; use 'material'")
    if theme.get("font") is not False:
        problems.append("theme.font must be false: web fonts are loaded from Google's servers")
    if "navigation.instant" in (theme.get("features") or []):
        problems.append("theme feature 'navigation.instant' breaks copy buttons under file://; remove it")
    # Material registers its plugins as "material/<name>"; other packages may use the bare name.
    names = {key.rsplit("/", 1)[-1] for key in config.plugins}
    for name in ("privacy", "social", "blog"):
        if name in names:
            problems.append(f"plugin '{name}' needs the network at build or view time; remove it")
    if "offline" not in names:
        problems.append("plugin 'offline' is missing: without it search does not work from file://")
    if config.repo_url:
        problems.append("repo_url makes Material fetch the repository's facts from its host on every page; remove it")
    for setting in ("logo", "favicon"):
        if _REMOTE.match(str(theme.get(setting) or "")):
            problems.append(f"theme.{setting} is loaded from outside the site; copy it into content/ instead")
    return problems


def csp_problems(config: MkDocsConfig) -> list[str]:
    """Settings that need a weaker Content-Security-Policy than the one every page carries."""
    problems = []
    for key in ("extra_javascript", "extra_css"):
        for index, entry in enumerate(config[key]):
            if _REMOTE.match(str(entry)):
                problems.append(f"{key}[{index}]: '{entry}' is loaded from outside the site")
    if config.extra.get("analytics"):
        problems.append("extra.analytics: analytics send every visit to another origin")
    return problems


def _theme_language_set(config: MkDocsConfig) -> bool:
    """Whether mkdocs.yml itself sets ``theme.language`` (MkDocs keeps no other record of what the user wrote)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # user_configs: kept through MkDocs 1.x
        written = list(config.user_configs)
    return any(isinstance(theme := raw.get("theme"), dict) and "language" in theme for raw in written)


#: A URL that leaves the site: with a scheme (https:, data: is none of ours) or protocol-relative.
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_HTML_LANG = re.compile(r'<html lang="[^"]*"')
#: Root-relative URLs in MkDocs' 404 page (rendered for a web server's root): outside the site under file://.
_ROOTED = re.compile(r'((?:\b(?:href|src)=|"(?:base|search)": )")/(?!/)')


class HeldLogs(logging.Handler):
    """MkDocs' messages (and the plugin's), held while the playbook's check has not ended: the build goes on with
    a model made meanwhile (ahead.py), and what it logs is shown once the check passed, in the order an in-process
    build shows it; dropped when it failed (the check's error is then all there is to say)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.logger = logging.getLogger("mkdocs")
        self.handlers = self.logger.handlers
        self.records: list[logging.LogRecord] = []
        self.logger.handlers = [self]
        self.mark: int | None = None  #: where in-process opening would have logged the playbook's warnings

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def give_back(self, warnings: list[str] | None) -> None:
        """Give the logger back its handlers; with ``warnings`` (the check passed), show the held messages with
        the playbook's warnings in their place; else drop them."""
        self.logger.handlers = self.handlers
        if warnings is None:
            return
        mark = len(self.records) if self.mark is None else self.mark
        for record in self.records[:mark]:
            self.logger.callHandlers(record)  # as when it was logged: through the handlers of its logger's parents
        for warning in warnings:
            log.warning(warning)
        for record in self.records[mark:]:
            self.logger.callHandlers(record)


class AwaitedFile(File):
    """A file of the site the worker of `playbook build` (ahead.py) is still making: a generated page
    (ahead.StreamedPage) or an asset made of the playbook. Its content is read when MkDocs reads or copies the file,
    so that MkDocs converts the first pages while the worker renders the next. When rendering stopped at or before
    a page, the page is empty and the plugin keeps the error, for on_env (after MkDocs has read every page, before
    it writes any) to stop the build with, as on_config would have."""

    awaited: Callable[[], str] | None = None
    plugin: PlaybookPlugin

    @classmethod
    def of(cls, config: MkDocsConfig, path: str, awaited: Callable[[], str], plugin: PlaybookPlugin) -> AwaitedFile:
        file = cls.generated(config, path, content="")
        assert isinstance(file, AwaitedFile)
        file.awaited, file.plugin = awaited, plugin
        return file

    def _settle(self) -> None:
        """Wait for the content, and keep it as any generated file's."""
        assert self.awaited is not None
        self.plugin.settle(block=False)
        try:
            text = "" if self.plugin.validation_error is not None else self.awaited()
        except PlaybookError as exc:
            self.plugin.render_error = self.plugin.render_error or str(exc)
            text = ""
        self.content_string = text

    @property
    def content_string(self) -> str:
        if self.awaited is not None:
            self._settle()
        return str(super().content_string)

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.awaited = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_bytes(self) -> bytes:
        if self.awaited is not None:
            self._settle()
        return bytes(super().content_bytes)

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.awaited = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]

    def copy_file(self, dirty: bool = False) -> None:
        if self.awaited is not None:
            self._settle()
        super().copy_file(dirty)


class PlaybookPlugin(BasePlugin[PlaybookConfig]):  # type: ignore[no-untyped-call]
    """Generates the playbook's pages inside an MkDocs build."""

    def __init__(self) -> None:
        self.playbook: Playbook | None = None
        self.pages: list[Page] = []
        self.env: Any = None
        self.files: Files | None = None
        self.template_base_urls: dict[str, str] = {}
        self.theme_hashes: dict[str, set[str]] = {}
        #: The private key to sign with, set by `playbook build --sign`; else $PLAYBOOK_SIGNING_KEY.
        self.signing_key_path: Path | None = None
        self.public_key: PublicKey | None = None
        self.signing: SigningKey | None = None
        #: The key of the protected edition, set by `playbook build --protect`: the built site is sealed.
        self.protection: Sealer | None = None
        #: The language of the site's own words, settled in on_config.
        self.language: Language = english()
        #: The ``lang`` of every page, when the plugin chose Material's language ("" otherwise: Material's stays).
        self.html_lang = ""
        #: The site's language as asked for (``--language``, ``language:``, else the plan's): its texts are in it
        #: when the plan is translated into it.
        self.language_tag = ""
        #: The languages this site is built in, the first at the root (``document.site_languages``); set by
        #: `playbook build` for the other languages' builds; empty: one language, no switcher.
        self.site_languages: tuple[str, ...] = ()
        #: Set by `playbook build`: this build makes every language of ``document.site_languages`` (multilingual.py).
        self.every_language = False
        #: The first page that failed to render in the worker (ahead.py), met when MkDocs read it (AwaitedFile).
        self.render_error: str | None = None
        #: The pages and assets come from the worker of `playbook build` (ahead.py), as it makes them.
        self.streamed = False
        #: Set by `playbook build` for an MkDocs build: the worker's model may be taken before the playbook's check
        #: has ended (ahead.take); the build then goes on, writing nothing and showing nothing until it has.
        self.speculate = False
        #: The check has not ended (held: MkDocs' messages meanwhile); its error, once it said one.
        self.held: HeldLogs | None = None
        self.validation_error: str | None = None
        #: The document line of every page but the home page, with the playbook and language it was made of.
        self.document_line_made: tuple[Playbook, Language, str] | None = None

    def _path(self, config: MkDocsConfig, relative: str) -> Path:
        return (Path(config.config_file_path).parent / relative).resolve()

    # Before the offline plugin (priority 0), which would otherwise add the shim from unpkg.com.
    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the configuration, generate the pages, and set MkDocs up to show them offline."""
        self._refuse_online_settings(config)
        self._refuse_files_outside_the_project(config)
        self._read_signing_keys(config)
        self._generate_pages(config)
        self._stamp_the_build(config)
        self._set_navigation(config)
        self._add_assets(config)
        self._select_versions_when_published(config)
        config.site_name = text_as_html(config.site_name)  # Material prints it raw, in <title> too
        return config

    @staticmethod
    def _select_versions_when_published(config: MkDocsConfig) -> None:
        """Material's version selector (it reads mike's versions.json) on sites mike deploys, which are
        served; not on a plain build, which opens from file://, where the selector could not load."""
        if "mike" in config.plugins and not config.extra.get("version"):
            config.extra["version"] = {"provider": "mike"}

    @staticmethod
    def _refuse_online_settings(config: MkDocsConfig) -> None:
        problems = offline_problems(config)
        if problems:
            raise PluginError("this site must work offline:\n  " + "\n  ".join(problems))
        problems = csp_problems(config)
        if problems:
            raise PluginError("mkdocs.yml: the Content-Security-Policy of every page allows nothing from "
                              "another origin:\n  " + "\n  ".join(problems))

    def _refuse_files_outside_the_project(self, config: MkDocsConfig) -> None:
        project = self._path(config, ".")
        escapes = [f"{name} '{getattr(self.config, name)}' is outside the project"
                   for name in ("playbook", "templates", "private", "public_key")
                   if not self._path(config, getattr(self.config, name)).is_relative_to(project)]
        docs_reason = outside(Path(config.docs_dir), project)
        if docs_reason:
            written = os.path.relpath(config.docs_dir, project)
            escapes.append(f"{setting_line(Path(config.config_file_path), 'docs_dir')}: docs_dir '{written}' "
                           f"{docs_reason}")
        escapes += outside_links(Path(config.docs_dir), project)
        escapes += outside_links(self._path(config, self.config.templates), project)
        if escapes:
            raise PluginError("files must stay inside the project:\n  " + "\n  ".join(escapes)
                              + "\n  (copy what you need into the project instead)")

    def _read_signing_keys(self, config: MkDocsConfig) -> None:
        """The committed public key, if there is one; and the private key to sign with, checked against it."""
        public = self._path(config, self.config.public_key)
        private = self.signing_key_path or os.environ.get(SIGNING_VARIABLE) or None
        try:
            self.public_key = read_public_key(public) if public.exists() else None
            self.signing = signing_key(Path(private), public) if private else None
        except PlaybookError as exc:
            raise PluginError(str(exc)) from None

    def _generate_pages(self, config: MkDocsConfig) -> None:
        """Open the playbook (with its private file), take the edition, render every page; log the warnings."""
        self.render_error = self.validation_error = None
        playbook_path = self._path(config, self.config.playbook)
        templates = self._path(config, self.config.templates)
        private = self._path(config, self.config.private)
        # The default file is optional (a public clone has none); one named in mkdocs.yml must exist.
        named = self.config.private != PlaybookConfig.private.default
        chosen = os.environ.get(EDITION_VARIABLE) or self.config.edition
        request = ahead.Request(playbook=playbook_path, display_name=self.config.playbook, strict=self.config.strict,
                                private=private if private.exists() or named else False, templates=templates,
                                public=chosen == "public", language=self.config.language,
                                public_key=self._path(config, self.config.public_key),
                                protected=self.protection is not None)
        # `playbook build` may be generating them already, in a second process (ahead.py), from the same request.
        taken = ahead.take(request, speculate=self.speculate)
        if taken is not None and taken.error is not None:
            raise PluginError(taken.error)
        if taken is not None and not taken.settled:
            self.held = HeldLogs()
        try:
            opened = taken.opened if taken is not None else ahead.open_as(request)
            if chosen not in EDITIONS:
                raise PluginError(f"{EDITION_VARIABLE}={chosen}: expected one of {', '.join(EDITIONS)}")
            self.config.edition = chosen  # type: ignore[assignment]  # checked against EDITIONS just above
            public = self.config.edition == "public"
            playbook = public_edition(opened.playbook) if public else opened.playbook
            if self.config.language is None and len(playbook.document.site_languages) > 1 and self.every_language:
                self.site_languages = playbook.document.site_languages
            elif self.config.language is None and len(playbook.document.site_languages) > 1 and not self.site_languages:
                log.info("document.site_languages: this build makes the site in its first language only; "
                         "`playbook build` makes every language")
            self.language = self._choose_language(config, playbook)
            if self.site_languages:
                add_switcher(config, self.site_languages, self.language_tag)
            written = playbook  # the plan as written: what changed is against the previous version as written
            playbook = plan_in_language(playbook, self.language_tag)
            fingerprint = self.public_key.fingerprint if self.public_key else None
            if taken is not None and taken.tag == self.language_tag and taken.pages is not None \
                    and taken.fingerprint == fingerprint:
                self.pages = list(taken.pages)  # StreamedPage: each read (in on_files' files) as MkDocs reads it
                self.streamed = True
            else:
                ahead.discard()
                made = site_pages(playbook, written, templates, self.language, playbook_path=playbook_path,
                                  public_of=opened.playbook if public else None, public_key=self.public_key,
                                  edition=self.config.edition, protected=self.protection is not None)
                self.pages = list(made.pages)
                self.streamed = False
        except PlaybookError as exc:
            raise PluginError(str(exc)) from None
        if self.held is not None:
            self.held.mark = len(self.held.records)
        for warning in opened.warnings:
            log.warning(str(warning))
        self.playbook = playbook

    def _choose_language(self, config: MkDocsConfig, playbook: Playbook) -> Language:
        """The plugin's `language` (or `playbook build --language`), else the playbook's; Material's own words
        follow it unless mkdocs.yml sets `theme.language`. A language with no catalogue fails a strict build and
        otherwise builds in English, with a warning; words a catalogue lacks are named in a warning."""
        try:  # an empty setting is a mistake, never "not set"
            configured = asked_tag(self.config.language, "mkdocs.yml: plugins.playbook.language")
        except LanguageError as exc:
            raise PluginError(str(exc)) from None
        tag = configured or (self.site_languages or playbook.document.site_languages
                             or (playbook.document.language,))[0]
        self.language_tag = tag
        try:
            chosen = find_language(tag)
        except LanguageError as exc:
            if config.strict or self.config.strict:
                raise PluginError(str(exc)) from None
            log.warning(f"{exc}; the site's own words are in English")
            chosen = english(tag)
        if chosen.untranslated:
            log.warning(chosen.missing_text())
        if not _theme_language_set(config):
            config.theme["language"] = chosen.material
            self.html_lang = chosen.bcp47
        return chosen

    def _stamp_the_build(self, config: MkDocsConfig) -> None:
        """Organisation, version, build date, commit and edition in every page's footer."""
        assert self.playbook is not None  # _generate_pages ran
        doc = self.playbook.document
        commit = git_commit(self._path(config, "."))
        gettext = self.language.gettext
        day = get_build_datetime().date()
        built = Markup(f'<span class="pb-built" data-built="{day:%Y-%m-%d}">'
                       f"{escape(local_value(day, self.language))}</span>")
        stamp = Markup(gettext("%(organisation)s crisis playbook, version %(version)s.")) % {
            "organisation": escape(doc.organisation), "version": escape(doc.version)}
        if commit:
            stamp += " " + Markup(gettext("Built %(date)s from commit %(commit)s.")) % {"date": built,
                                                                                   "commit": escape(commit)}
        else:
            stamp += " " + Markup(gettext("Built %(date)s.")) % {"date": built}
        if self.config.edition == "public":
            stamp += " " + Markup(gettext("Public edition, without private contact details."))
        config.copyright = f"{config.copyright} · {stamp}" if config.copyright else stamp

    def _set_navigation(self, config: MkDocsConfig) -> None:
        """Refuse hand-written pages that would replace generated ones; make the nav when mkdocs.yml has none."""
        generated = {page.path for page in self.pages}
        docs = Path(config.docs_dir)
        hand_written = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.is_dir() else []
        clashes = [path for path in hand_written if path in generated]
        if clashes:
            raise PluginError(f"{', '.join(f'{docs.name}/{p}' for p in clashes)} would replace "
                              "a generated page; rename it")
        if config.nav is None:
            config.nav = navigation(self.pages) + hand_written

    @staticmethod
    def _add_assets(config: MkDocsConfig) -> None:
        """The file:// shim, the stylesheet and the incident tools' scripts, each once."""
        polyfills = config.extra.setdefault("polyfills", [])
        if SHIM not in polyfills:
            polyfills.append(SHIM)
        for stylesheet in (STYLESHEET, PAGE_STYLESHEET):
            if stylesheet not in config.extra_css:
                config.extra_css.append(stylesheet)
        for script in SCRIPTS:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        config.extra.setdefault("generator", False)  # no "Made with Material" link out of the site
        # The accessibility fix to Material's search partial: after a custom_dir, before Material.
        dirs = config.theme.dirs
        if str(THEME_OVERRIDES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_OVERRIDES))

    def settle(self, *, block: bool) -> None:
        """Take what the playbook's check said, when the build went on before it ended (see ``speculate``): its
        error, kept for on_env; or its warnings, shown with the messages held meanwhile. ``block``: wait for it."""
        if self.held is None:
            return
        said = ahead.verdict(block=block)
        if said is None:
            return
        held, self.held = self.held, None
        kind, value = said
        if kind == "invalid":
            self.validation_error = value
            held.give_back(None)
        else:
            held.give_back([str(warning) for warning in value])

    def on_build_error(self, *, error: Exception) -> None:  # noqa: ARG002  (MkDocs passes it)
        # The build stopped while the check had not ended: its error, if it has one, is the build's.
        self.settle(block=True)
        if self.validation_error is not None:
            raise PluginError(self.validation_error)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:  # noqa: ARG002  (MkDocs passes them)
        # MkDocs has read every page by now (on_env follows), and written nothing yet.
        self.settle(block=True)
        if self.validation_error is not None:
            raise PluginError(self.validation_error)
        if self.render_error is not None:
            raise PluginError(self.render_error)
        # Jinja's striptags un-escapes entities; Material runs page titles through it into <title>.
        env.filters["striptags"] = striptags_as_html
        # MkDocs makes a new theme environment for every build and process: Material's templates were compiled
        # again on each save of `playbook serve` (a quarter of a rebuild) and in every build (~0.1 s of one at
        # 1x). Kept in memory per process, and in the user's cache folder from one process to the next.
        env.bytecode_cache = THEME_BYTECODE
        self.env, self.files, self.theme_hashes = env, files, {}  # for the Content-Security-Policy's probe
        return env

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:  # noqa: ARG002
        """Section and link titles as safe HTML (page titles are settled in on_page_content)."""
        def settle(items: list[Any]) -> None:
            for item in items:
                if not isinstance(item, MkDocsPage):
                    item.title = page_title(item.title, "")
                settle(getattr(item, "children", None) or [])
        settle(nav.items)
        return nav

    def on_page_content(self, html: str, page: MkDocsPage, **kwargs: Any) -> str:  # noqa: ARG002
        """The page's title as safe HTML, whichever way MkDocs found it, before any template prints it."""
        if "title" in page.meta:
            page.meta["title"] = text_as_html(page.meta["title"])  # Material prints page.meta.title raw
            page.title = page.meta["title"]
        else:
            page.title = page_title(page.title, page.file.name)
        return label_task_boxes(html)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # Source maps are for debugging Material itself; they double the size of the offline bundle.
        for source_map in [file for file in files if file.src_uri.endswith(".map")]:
            files.remove(source_map)
        # The private contacts file reaches pages only through the model (and never the public edition's);
        # a copy or link of it in content/ would put the raw file into the site and the bundle.
        private = self._path(config, self.config.private)
        for copy in [file for file in files if file.abs_src_path and _same_file(file.abs_src_path, private)]:
            files.remove(copy)
            log.warning(f"{Path(config.docs_dir).name}/{copy.src_uri} is the private contacts file "
                        f"({self.config.private}) or a link to it; left out of the site")
        for page in self.pages:
            if isinstance(page, ahead.StreamedPage):
                files.append(AwaitedFile.of(config, page.path, _markdown_of(page), self))
            else:
                files.append(File.generated(config, page.path, content=page.markdown))
        for site_path, source in SHIPPED.items():
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
        assert self.playbook is not None  # on_config ran
        for path, name in ((SCRIPTS[0], "data"), (PAGE_STYLESHEET, "css")):
            if self.streamed:  # the worker sends them after the pages; made here if it stopped before
                files.append(AwaitedFile.of(config, path, self._asset(name), self))
            else:
                files.append(File.generated(config, path, content=self._asset(name)()))
        return files

    def _asset(self, name: str) -> Callable[[], str]:
        """The asset ``name`` (ahead.ASSETS) made of the playbook: from the worker when it sent it, else made here."""
        plan, language = self.playbook, self.language
        assert plan is not None  # on_config ran
        make = data_script if name == "data" else page_css

        def made() -> str:
            return (self.streamed and ahead.asset(name)) or make(plan, language)
        return made

    def on_page_markdown(self, markdown: str, page: MkDocsPage, **kwargs: Any) -> str:  # noqa: ARG002
        return page_markdown(self, markdown, page.file.src_uri)

    def _probe(self, config: MkDocsConfig, base_url: str, env: Any) -> set[str]:
        """Hashes of the inline scripts of the theme's error page at ``base_url``, rendered with an
        empty navigation: no text from the playbook or content/ is in it."""
        from mkdocs.commands.build import get_context
        from mkdocs.structure.nav import Navigation

        assert self.files is not None  # on_env ran
        page = env.get_template("404.html").render(get_context(Navigation([], []), self.files, config,
                                                               base_url=base_url))
        return {csp.script_hash(script) for script in csp.inline_scripts(page)}

    def _theme_scripts(self, config: MkDocsConfig, base_url: str) -> set[str]:
        """The inline scripts the policy allows on a page at ``base_url``: the theme's own, and those of
        template overrides (``custom_dir``) only where mkdocs.yml lists their hashes under csp_scripts."""
        if base_url not in self.theme_hashes:
            import jinja2

            theme = config.theme
            stock = [folder for folder in theme.dirs if folder != theme.custom_dir]
            scripts = self._probe(config, base_url, self.env)
            # Without a custom_dir the stock folders are all the folders: the same templates, the same scripts.
            # (An overlay environment compiles every template again: a fifth of a whole build.)
            own = scripts if stock == theme.dirs else \
                self._probe(config, base_url, self.env.overlay(loader=jinja2.FileSystemLoader(stock)))
            listed = {f"'{value.strip(chr(39))}'" for value in self.config.csp_scripts}
            unlisted = sorted(scripts - own - listed)
            if unlisted:
                folder = os.path.relpath(theme.custom_dir or ".", self._path(config, "."))
                raise PluginError(
                    f"mkdocs.yml: theme.custom_dir: the template overrides in '{folder}' add inline scripts, "
                    "which the Content-Security-Policy of every page refuses. To let them run, read them, then "
                    "list them under the playbook plugin's csp_scripts: " + ", ".join(h.strip("'") for h in unlisted))
            self.theme_hashes[base_url] = scripts
        return self.theme_hashes[base_url]

    def _protect(self, output: str, config: MkDocsConfig, base_url: str) -> str:
        return csp.with_policy(output, csp.policy(self._theme_scripts(config, base_url)))

    @event_priority(-100)  # last: whatever another plugin adds is under the policy too
    def on_post_page(self, output: str, page: MkDocsPage, config: MkDocsConfig) -> str:
        return self._protect(self._html_language(output), config, get_relative_url(".", page.url))

    def _html_language(self, output: str) -> str:
        """The page's ``lang`` as the site's language's BCP 47 tag where the plugin chose Material's language:
        Material writes its own code there, and its code for Serbian in Latin script, ``sh``, is Serbo-Croatian to a
        screen reader (WCAG 3.1.1: the page's language is said rightly)."""
        if not self.html_lang:
            return output
        return _HTML_LANG.sub(f'<html lang="{self.html_lang}"', output, count=1)

    def on_template_context(self, context: Any, template_name: str, config: MkDocsConfig) -> Any:  # noqa: ARG002
        self.template_base_urls[template_name] = context["base_url"]
        return context

    @event_priority(-100)
    def on_post_template(self, output: str, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output
        if template_name == "404.html":
            # Rendered for a web server's root, it addresses assets as /assets/…, the file system's root under
            # file://: relative to the site's root, where 404.html is. (Attributes and JSON only: no inline
            # script changes, so the policy's hashes hold.)
            output = _ROOTED.sub(r"\1./", output)
        return self._protect(self._html_language(output), config, self.template_base_urls[template_name])

    @event_priority(-1000)  # after every other plugin (the offline plugin writes at -100): the manifest lists all
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Seal the protected edition; then sign the site: its manifest of every file's SHA-256, and the
        manifest's signature (of the sealed files: a copy is checked without the passphrase)."""
        try:
            if self.protection is not None:
                seal_site(Path(config.site_dir), self.protection)
            if self.signing is not None:
                sign_folder(Path(config.site_dir), self.signing)
        except (PlaybookError, OSError) as exc:
            raise PluginError(str(exc)) from None

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:  # noqa: ARG002  (MkDocs passes it)
        # mkdocs serve already watches docs_dir (content/) and mkdocs.yml.
        for relative in (self.config.playbook, self.config.templates):
            path = self._path(config, relative)
            if path.exists():
                server.watch(str(path))
        playbook = self._path(config, self.config.playbook)  # and its translation files (playbook.de.yml…)
        for translation in sorted(playbook.parent.glob(f"{playbook.stem}.*{playbook.suffix}")):
            server.watch(str(translation))
        return server
