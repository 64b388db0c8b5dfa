"""Stage 4: the model rendered into Markdown pages, through Jinja2 templates.

Page templates come from the user's ``templates/`` directory first, then the packaged
defaults in ``generator/templates/``; a user template can extend the default it replaces
with ``{% extends "default/<name>" %}``. Every value that comes from ``playbook.yml`` is
escaped where it lands (through :mod:`generator.escape`), and message text is filled in a sandboxed
environment, so nothing in the playbook can inject markup or reach Python objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import gettext as gnu
import hashlib
import os
import posixpath
import re
import stat
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote

import jinja2
import jinja2.bccache
import jinja2.meta
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import exercise, phones
from . import schema as S
from .deadlines import (
    after_words,
    awareness_words,
    clock_start_words,
    due_text,
    due_words,
    event_meaning,
    event_name,
    repeat_text,
)
from .errors import RenderError
from .escape import html_attribute, markdown_lines, markdown_text, markdown_value, url
from .exercise import call_tree, exercise_pack, t_plus
from .i18n import N_, Language, _, current, english, page_gettext, page_value, speaking
from .model import (
    Approval,
    ChecklistItem,
    Clock,
    Contact,
    ContactChannel,
    Phase,
    Playbook,
    Regime,
    Regulator,
    Role,
    Stage,
    Template,
)
from .schema import CLOCK_EVENT_MEANINGS, INCIDENT_BLANK
from .schema_json import reference as format_reference
from .translations import in_language, language_name, wordings
from .versions import data_versions

PACKAGED_TEMPLATES = Path(__file__).parent / "templates"

#: How every environment reads templates (the compiled code depends on these).
_SYNTAX: dict[str, Any] = {"autoescape": False, "keep_trailing_newline": True, "trim_blocks": True,
                           "lstrip_blocks": True}


#: Any value but empty or 0: compiled templates are not kept on disk; every process compiles them again.
NO_CACHE_VARIABLE = "PLAYBOOK_NO_CACHE"
#: The per-user cache folder's own folder, under $XDG_CACHE_HOME (else ~/.cache).
CACHE_FOLDER = "crisis-playbook"
#: The settings that shape the code Jinja compiles from a template's source.
_COMPILING = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
              "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
              "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


def _named(value: Any) -> str:
    """A setting that may be a function (finalize, autoescape), by its name: stable from process to process."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def compiling_key(env: jinja2.Environment) -> str:
    """What the compiled code of ``env``'s templates depends on besides a template's name and source (all that
    Jinja's bytecode cache checks): the environment's kind and options, its extensions, and the versions of
    Python, Jinja, MkDocs and Material (whose environment and templates the theme's are). A short hash."""
    import sys

    import mkdocs

    try:
        import material
        theme_version = str(getattr(material, "__version__", ""))
    except ImportError:
        theme_version = ""
    described = [f"{type(env).__module__}.{type(env).__qualname__}",
                 *(f"{name}={getattr(env, name)!r}" for name in _COMPILING),
                 f"extensions={sorted(env.extensions)}", f"finalize={_named(env.finalize)}",
                 f"autoescape={_named(env.autoescape)}", f"python={sys.version_info[:2]}",
                 f"jinja={jinja2.__version__}", f"mkdocs={mkdocs.__version__}", f"material={theme_version}"]
    return hashlib.sha256("\n".join(described).encode()).hexdigest()[:16]


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates of one kind of environment: in memory for the life of the process, and in a private
    folder of the user's cache (``folder``; None: memory only) from one process to the next. Jinja checks each
    template's source and its own version when it loads one; a file that cannot be read or written is only
    a template compiled again."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__(str(folder or ""), pattern="%s.cache")
        self.folder = folder
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])
            return
        if self.folder is None:
            return
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):  # a damaged file: compile again
            bucket.reset()
        if bucket.code is not None:
            self.codes[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()
        if self.folder is not None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a full disk, a folder removed meanwhile: the next process compiles again
                pass


def cache_folder(key: str, kind: str = "templates") -> Path | None:
    """The folder for compiled templates of ``key``: ``$XDG_CACHE_HOME/crisis-playbook/templates-<key>`` (else
    ``~/.cache/…``), created private (0700). None (no cache on disk) when $PLAYBOOK_NO_CACHE is set, or the
    folder cannot be made or written, or is not this user's alone: a compiled template is code that runs.
    ``kind``: what else is kept there, in ``<kind>-<key>`` (engines.py: Zensical's theme script hashes)."""
    if os.environ.get(NO_CACHE_VARIABLE, "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = (Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache") / CACHE_FOLDER
        root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        root.mkdir(mode=0o700, exist_ok=True)
        folder = root / f"{kind}-{key}"
        folder.mkdir(mode=0o700, exist_ok=True)
        if not _private(root) or not _private(folder) or not os.access(folder, os.W_OK | os.X_OK):
            return None
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return folder


def _private(folder: Path) -> bool:
    """A real folder of this user's that nobody else can write into."""
    found = os.lstat(folder)
    owner = os.getuid() if hasattr(os, "getuid") else found.st_uid
    return stat.S_ISDIR(found.st_mode) and found.st_uid == owner and not found.st_mode & 0o022


_COMPILED: dict[str, CompiledTemplates] = {}


def compiled_templates(env: jinja2.Environment) -> CompiledTemplates:
    """The bytecode cache for ``env``: one per kind of environment and process (so `playbook serve`, which
    makes new environments on every rebuild, compiles each template once), kept on disk (see cache_folder)."""
    key = compiling_key(env)
    if key not in _COMPILED:
        _COMPILED[key] = CompiledTemplates(cache_folder(key))
    return _COMPILED[key]


def _environment(loader: jinja2.BaseLoader | None, *, sandboxed: bool, finalize: Callable[[Any], Any] | None,
                 translated: bool = False) -> Any:
    """The one factory for Jinja environments: strict about undefined names, always."""
    cls = SandboxedEnvironment if sandboxed else jinja2.Environment
    options: dict[str, Any] = dict(_SYNTAX)  # autoescape off: the output is Markdown; `finalize` escapes values
    if translated:
        # Page templates say what the generator itself writes through gettext (`_("…")`, `{% trans %}`).
        options["extensions"] = ["jinja2.ext.i18n"]
    if finalize is not None:
        options["finalize"] = finalize
    env = cls(loader=loader, undefined=jinja2.StrictUndefined, **options)
    if loader is not None:  # compiling the page templates is most of the cost of rendering
        env.bytecode_cache = compiled_templates(env)
    return env


def page_environment(user_templates: Path | None, language: Language | None = None) -> jinja2.Environment:
    """The page templates' environment, saying the generator's words in ``language`` (English if None).

    Translations are looked up as each page renders (newstyle gettext calls in the compiled code), so the
    compiled templates in the bytecode cache serve every language."""
    packaged = jinja2.FileSystemLoader(str(PACKAGED_TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None and user_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders += [packaged, jinja2.PrefixLoader({"default": packaged})]
    env: jinja2.Environment = _environment(jinja2.ChoiceLoader(loaders), sandboxed=False, finalize=page_value,
                                           translated=True)
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them: a paragraph's lines make one msgid
    env.install_gettext_callables(**page_gettext(language or english()), newstyle=True)  # type: ignore[attr-defined]
    return env


_MESSAGE_ENV = _environment(None, sandboxed=True, finalize=None)


@lru_cache(maxsize=4096)
def _message_template(text: str) -> jinja2.Template:
    template: jinja2.Template = _MESSAGE_ENV.from_string(text)
    return template


def fill_values(text: str, playbook: Playbook) -> str:
    """Fill ``{{ name }}`` organisation values into message text (sandboxed; blanks stay as they are)."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    values = {**playbook.values, "organisation": playbook.document.organisation}
    try:
        return str(_message_template(text).render(values))
    except jinja2.TemplateError as exc:  # validation admits only {{ name }}; this is a second fence
        raise RenderError(f"message text could not be filled: {exc}") from None


def message_html(text: str, playbook: Playbook, *, lines: bool = False) -> Markup:
    """Message text for a page: values filled, then every character escaped for Markdown, and the
    incident blanks marked. ``lines`` keeps line breaks, for the body's ``<pre>`` block."""
    filled = fill_values(text, playbook)
    escape = markdown_lines if lines else markdown_text
    if not lines:  # collapsed first, so that a blank split across lines is not a blank
        filled = re.sub(r"\s+", " ", filled)
    labels = {fact.id: fact.label for fact in playbook.incident_facts}
    parts, end = [], 0
    for match in INCIDENT_BLANK.finditer(filled):
        name = match.group(1).strip()
        if name not in labels:  # validation refuses it; anything else that looks like a blank stays text
            continue
        parts += [escape(filled[end:match.start()]),
                  f'<mark class="pb-blank" data-fact="{html_attribute(name)}" title="{html_attribute(labels[name])}">'
                  f"&#91;&#91; {markdown_text(name)} &#93;&#93;</mark>"]
        end = match.end()
    parts.append(escape(filled[end:]))
    return Markup("".join(parts))


def tel_href(number: str) -> Markup | None:
    return url(phones.tel_uri(number))


def mailto_href(address: str) -> Markup | None:
    return url("mailto:" + quote(address, safe="@.+-_"))


@dataclass(frozen=True)
class Page:
    """A generated page: where it goes in the site, its title, its Markdown."""

    path: str
    title: str
    markdown: str


class Links:
    """Markdown links from one page to the others, relative so the site works from ``file://``.

    Each method returns a ready link (``[escaped name](href)``); ``href`` gives the bare target.
    """

    def __init__(self, page_path: str, playbook: Playbook, made: dict[tuple[str, ...], Markup] | None = None) -> None:
        """``made``: the links already made from the same folder for the same playbook, shared by the pages of
        one render (a link depends on nothing else), so that each is made once."""
        self._from = posixpath.dirname(page_path)
        self._playbook = playbook
        self._made: dict[tuple[str, ...], Markup] = {} if made is None else made

    def to(self, path: str, anchor: str = "") -> Markup:
        key = ("to", path, anchor)
        if (made := self._made.get(key)) is None:
            href = posixpath.relpath(path, self._from or ".")
            made = self._made[key] = Markup(f"{href}#{anchor}" if anchor else href)  # built from slug ids only
        return made

    def href(self, kind: str, ident: str) -> Markup:
        """Where the entry is shown: the page pattern of its entity in :data:`schema.ENTITIES`."""
        page, _hash, anchor = (S.ENTITY[kind].page or "").partition("#")
        return self.to(page.format(id=ident), anchor.format(id=ident))

    def link(self, kind: str, ident: str) -> Markup:
        """``[its name](where it is shown)`` for the entry of kind ``kind`` (``role``, ``template``…)."""
        key = ("link", kind, ident)
        if (made := self._made.get(key)) is None:
            reads = _reading_starts()
            try:
                label = getattr(self._playbook.entry(kind, ident), S.ENTITY[kind].title_field)
                made = self._made[key] = Markup(f"[{markdown_text(label)}]({self.href(kind, ident)})")
            finally:
                _reading_ends(reads)
            if reads is not None:
                self._made[("read", kind, ident)] = reads  # type: ignore[assignment]  # what the link read
        elif _RECORDER is not None:
            _RECORDER.replay(self._made.get(("read", kind, ident)))  # type: ignore[arg-type]
        return made

    def role(self, ident: str) -> Markup:
        return self.link("role", ident)

    def contact(self, ident: str) -> Markup:
        return self.link("contact", ident)

    def channel(self, ident: str) -> Markup:
        return self.link("channel", ident)

    def regulator(self, ident: str) -> Markup:
        return self.link("regulator", ident)

    def audience(self, ident: str) -> Markup:
        return self.link("audience", ident)

    def template(self, ident: str) -> Markup:
        return self.link("template", ident)

    def phase(self, ident: str) -> Markup:
        return self.link("phase", ident)

    def many(self, kind: str, idents: tuple[str, ...] | list[str], separator: str = ", ") -> Markup:
        """Links to several entries of one kind (``role``, ``template``…), joined."""
        return Markup(separator.join(self.link(kind, ident) for ident in idents))

    def fills(self, contact: Contact) -> Markup:
        """The roles a contact fills: ``Communication lead (deputy 1), …``."""
        def held(fill: Any) -> str:
            return _("primary") if fill.primary else _("deputy %(rank)s") % {"rank": fill.rank}

        return Markup(", ".join(f"{self.role(fill.role)} ({markdown_text(held(fill))})" for fill in contact.fills))

    def condition(self, entry: ChecklistItem | Template | Stage) -> Markup:
        """When ``entry`` applies, as the plan says it (``Card data may be affected · severity SEV1 or SEV2 ·
        scenario Ransomware``); empty when it always applies."""
        parts: list[str] = [markdown_value(entry.when)] if entry.when else []
        if entry.severities:
            parts.append(_("severity %(levels)s") % {"levels": self.many("severity", entry.severities, _(" or "))})
        if entry.scenarios:
            parts.append(_("scenario %(scenarios)s") % {"scenarios": self.many("scenario", entry.scenarios, _(" or "))})
        return Markup(" · ".join(parts))

    def item(self, item: ChecklistItem) -> Markup:
        """Everything a checklist item links to, joined by middots."""
        parts = [self.template(i) for i in item.templates] + [self.contact(i) for i in item.contacts]
        parts += [self.regulator(i) for i in item.regulators] + [self.channel(i) for i in item.channels]
        return Markup(" · ".join(parts))


#: What a channel type is called on a page (translated where it is shown).
CHANNEL_LABELS = {
    "phone": N_("Phone"), "mobile": N_("Mobile"), "email": N_("E-mail"), "signal": "Signal", "threema": "Threema",
    "whatsapp": "WhatsApp", "satphone": N_("Satellite phone"), "radio": N_("Radio"),
    "meeting-point": N_("Meeting point"), "portal": N_("Website"), "chat": N_("Chat"), "pager": N_("Pager"),
    "issue-tracker": N_("Issue tracker"), "shared-document": N_("Shared document"),
}


@lru_cache(maxsize=4096)
def reach(channel: ContactChannel) -> Markup:
    """A contact channel as Markdown: a link that calls, writes or opens a chat where it is one (tel:,
    mailto:, a messenger's web address, a website), else text. Kept for the channel (a pure function of it):
    contacts, home, cards and call-tree pages show the same channels, and parsing a number is slow."""
    label = markdown_text(channel.value)
    target = None
    if (app := phones.app_uri(channel.type, channel.value)) is not None:
        target = url(app)
    elif channel.type in phones.PHONE_TYPES:
        target = tel_href(channel.value)
    elif channel.type == "email":
        target = mailto_href(channel.value)
    elif channel.type == "portal":
        target = url(channel.value)
    return Markup(f"[{label}]({target})") if target else label


#: What an outside contact's service is called on its card.
SERVICE_LABELS = {
    "law-firm": N_("Law firm"), "forensic-firm": N_("Forensic firm"), "insurer": N_("Insurer"),
    "police": N_("Police"), "csirt": "CSIRT", "data-protection-authority": N_("Data-protection authority"),
    "financial-supervisor": N_("Financial supervisor"), "pr-agency": N_("PR agency"),
    "it-provider": N_("IT provider"), "bank": N_("Bank"), "card-scheme": N_("Card scheme"),
    "other": N_("Other service"),
}
#: The words people search for when they need that service.
SERVICE_WORDS = {
    "law-firm": "lawyer attorney solicitor legal counsel", "forensic-firm": "forensics DFIR incident response",
    "insurer": "insurer insurance cyber", "police": "police cybercrime", "csirt": "CSIRT CERT",
    "data-protection-authority": "DPA regulator", "financial-supervisor": "regulator supervisor",
    "pr-agency": "PR agency media", "it-provider": "IT provider outsourcing", "bank": "bank",
    "card-scheme": "card scheme acquirer", "other": "",
}


def search_terms(contact: Contact) -> str:
    """Words that find a contact's card in the site search, beside what the card shows: the ids of
    the roles it fills (``dpo``), the words for its service (``lawyer``) and each number's digits,
    whole and its last four (``0103``)."""
    terms = [fill.role for fill in contact.fills] + SERVICE_WORDS.get(contact.service or "", "").split()
    for channel in contact.channels:
        digits = "".join(ch for ch in channel.value if ch.isdigit())
        if channel.type in (*phones.PHONE_TYPES, "signal") and len(digits) >= 4:
            terms += [digits, digits[-4:]]
    return " ".join(dict.fromkeys(terms))


def call_channels(contact: Contact) -> tuple[ContactChannel, ...]:
    """How to reach ``contact`` first, at 3 a.m.: the first out-of-band channel, then the first number
    to call (each a link), as far as the plan gives them."""
    first = contact.out_of_band_channels[:1]
    call = [c for c in contact.channels if c.type in phones.PHONE_TYPES and c not in first][:1]
    return (*first, *call)


def describe_channels(channels: tuple[ContactChannel, ...], separator: str) -> Markup:
    return Markup(separator.join(describe_channel(channel) for channel in channels))


def describe_channel(channel: ContactChannel) -> Markup:
    """``Signal: +43 660 … out-of-band (note)``."""
    text = f"{markdown_text(_(CHANNEL_LABELS[channel.type]))}: {reach(channel)}"
    if channel.out_of_band:
        text += f' <span class="pb-oob">{markdown_text(_("out-of-band"))}</span>'
    if channel.note:
        text += f" ({markdown_value(channel.note)})"
    return Markup(text)


def first_hour(playbook: Playbook) -> list[tuple[Phase, ChecklistItem]]:
    """Checklist items due within an hour of awareness, soonest first ("immediately" first of all)."""
    def minutes(item: ChecklistItem) -> int | None:
        if item.promptly:  # "immediately", "as soon as possible": before anything with a time
            return 0
        return item.due.elapsed_minutes if item.due is not None else None

    items = [(phase, item) for phase in playbook.phases for item in phase.checklist
             if item.due_from == "awareness" and (m := minutes(item)) is not None and m <= 60]
    return sorted(items, key=lambda pair: minutes(pair[1]) or 0)


@dataclass(frozen=True)
class ApprovalMatrix:
    """Messages by roles: each cell the letters of what the role does for the message (see approvals.md.j2)."""

    roles: tuple[str, ...]
    rows: tuple[tuple[Template, tuple[str, ...]], ...]


def approval_matrix(playbook: Playbook) -> ApprovalMatrix:
    """The approval matrix: a column for every role that approves, owns, contributes to or is told about a
    message, in the order of the roles; a row per message."""
    def letters(template: Template, role: str) -> str:
        approval = template.approval or Approval()
        found = ["A" if role in approval.approvers else "",
                 "A*" if any(c.role == role for c in approval.conditional) else "",
                 "F" if approval.fallback and role in approval.fallback.of and role not in approval.approvers else "",
                 "O" if template.owner == role else "", "C" if role in template.contributors else "",
                 "I" if role in template.informed else ""]
        return " ".join(letter for letter in found if letter)

    def named(template: Template) -> set[str]:
        """The roles that can have a letter for the message (every other role's cell is empty)."""
        approval = template.approval or Approval()
        return {*approval.approvers, *(c.role for c in approval.conditional),
                *(approval.fallback.of if approval.fallback else ()), *([template.owner] if template.owner else ()),
                *template.contributors, *template.informed}

    # Only the roles a message names are looked at: every role for every message grows with the square of
    # the playbook (655,000 cells at 64x), and the table shows only the columns used.
    place = {role.id: i for i, role in enumerate(playbook.roles)}
    rows: list[tuple[Template, dict[int, str]]] = []
    for template in playbook.templates:
        found = {place[role]: letters(template, role) for role in named(template) if role in place}
        rows.append((template, {i: cell for i, cell in found.items() if cell}))
    used = sorted({i for _message, cells in rows for i in cells})
    return ApprovalMatrix(tuple(playbook.roles[i].id for i in used),
                          tuple((t, tuple(cells.get(i, "") for i in used)) for t, cells in rows))


def call_first(playbook: Playbook) -> tuple[Role, ...]:
    """The roles home lists under "Call first": the key roles, or every role when the plan marks none key."""
    return tuple(role for role in playbook.roles if role.key) or playbook.roles


#: How many of the first phase's items home lists when none is due within the first hour.
FIRST_STEPS = 5


def first_steps(playbook: Playbook) -> list[tuple[Phase, ChecklistItem]]:
    """The first phase's first items, in the plan's order: what home lists as the first steps when no item
    is due within an hour of awareness (a plan that gives its first actions no due time)."""
    phase = playbook.phases[0]
    return [(phase, item) for item in phase.checklist[:FIRST_STEPS]]


def source_link(regime: Regime) -> Markup:
    target, label = url(regime.source_url), markdown_text(regime.source_url)
    return Markup(f"[{label}]({target})") if target else label


def clock_start(regulator: Regulator, clock: Clock) -> str:
    return clock_start_words(clock, regulator)


def items_owned(playbook: Playbook) -> dict[tuple[str, str], int]:
    """(role, phase) → number of checklist items the role owns in the phase, counted in one pass."""
    counts: dict[tuple[str, str], int] = {}
    for phase in playbook.phases:
        for item in phase.checklist:
            if item.owner is not None:
                counts[(item.owner, phase.id)] = counts.get((item.owner, phase.id), 0) + 1
    return counts


def owned_cells(playbook: Playbook, owned: dict[tuple[str, str], int], role: Role) -> Markup:
    """A role's cells of the roles page's table, a column per phase: ``**lead**`` where the role owns the phase,
    and how many of the phase's items it owns (:func:`items_owned`), each cell closed by `` | ``. Made here, not
    in the template: the table has a cell per role and phase, and grows with the square of the playbook."""
    lead = Markup("**" + _("lead") % {} + "** ")  # `% {}`: as a page template's _() says it
    return Markup("".join(f"{lead if phase.owner == role.id else ''}{owned.get((role.id, phase.id), '')} | "
                          for phase in playbook.phases))


#: A Markdown heading at the start of a line (message texts are HTML with '#' escaped, so never match).
_HEADING = re.compile(r"^(#{1,5} )", re.MULTILINE)

@dataclass(frozen=True)
class PageKind:
    """A page of the site: made once, or once per entry of an entity (its path is the entity's page)."""

    template: str
    title: str = ""  #: the page's title; for a page per entry, its entry's title field
    path: str = ""  #: where a page made once goes
    entity: str | None = None  #: kind of entry, for a page per entry (``phase``)
    variable: str = ""  #: the name the page template receives its entry under
    what: str = ""  #: the entry in words, for error messages: ``message template``
    #: the title when the plan does not work out-of-band (see Playbook.out_of_band_plan), if another
    plain_title: str = ""
    #: the section of playbook.yml the page shows; with no entries in it there is no page (nor nav entry)
    section: str = ""

    def pages(self, playbook: Playbook) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(path, title, what is being rendered, the entry as a template variable) of each page of this kind."""
        if self.section and not getattr(playbook, self.section):
            return []
        if self.entity is None:
            plain = self.plain_title and not playbook.out_of_band_plan
            return [(self.path, _(self.plain_title if plain else self.title), f"page '{self.path}'", {})]
        entity = S.ENTITY[self.entity]
        page = self.path or (entity.page or "").partition("#")[0]  # a second page per entry names its own path
        return [(page.format(id=entry.id), getattr(entry, entity.title_field), f"{self.what} '{entry.id}'",
                 {self.variable: entry}) for entry in getattr(playbook, entity.section)]


#: Every generated page, in navigation order: the pages made once, and those made per entry.
PAGES = (
    PageKind("home.md.j2", N_("Home"), "index.md"),
    PageKind("incident.md.j2", N_("Incident clock and log"), "incident.md"),
    PageKind("facts.md.j2", N_("Incident facts"), "facts.md", section="incident_facts"),
    PageKind("phases.md.j2", N_("Phases"), "phases/index.md"),
    PageKind("phase.md.j2", entity="phase", variable="phase", what="phase"),
    PageKind("procedures.md.j2", N_("Procedures"), "procedures/index.md", section="procedures"),
    PageKind("procedure.md.j2", entity="procedure", variable="procedure", what="procedure"),
    PageKind("contacts.md.j2", N_("Contacts"), "contacts.md"),
    PageKind("channels.md.j2", N_("Out-of-band channels"), "channels.md", plain_title=N_("Team channels")),
    PageKind("regulators.md.j2", N_("Regulators and deadlines"), "regulators.md", section="regulators"),
    PageKind("messages.md.j2", N_("Messages"), "messages/index.md"),
    PageKind("message.md.j2", entity="template", variable="message", what="message template"),
    PageKind("approvals.md.j2", N_("Approval matrix"), "approvals.md", section="templates"),
    PageKind("escalations.md.j2", N_("Escalations"), "escalations.md", section="escalations"),
    PageKind("roles.md.j2", N_("Roles"), "roles.md"),
    PageKind("audiences.md.j2", N_("Audiences"), "audiences.md"),
    PageKind("offices.md.j2", N_("Offices and time zones"), "offices.md", section="offices"),
    PageKind("severity.md.j2", N_("Severity levels"), "severity.md", section="severities"),
    PageKind("scenarios.md.j2", N_("Scenarios"), "scenarios.md", section="scenarios"),
    PageKind("glossary.md.j2", N_("Glossary"), "glossary.md", section="glossary"),
    PageKind("exercises.md.j2", N_("Exercises"), "exercises.md", section="exercises"),
    PageKind("exercise-packs.md.j2", N_("Exercise packs"), "exercise/index.md", section="scenarios"),
    PageKind("exercise.md.j2", path="exercise/{id}.md", entity="scenario", variable="scenario", what="exercise pack"),
    PageKind("call-tree.md.j2", N_("Call-tree test"), "call-tree.md"),
    PageKind("document.md.j2", N_("Document control"), "document.md"),
    PageKind("reference.md.j2", N_("Format reference"), "reference.md"),
    PageKind("print.md.j2", N_("The whole playbook, for print"), "print.md"),
    PageKind("cards.md.j2", N_("Wallet cards"), "cards.md"),
)
#: The page that holds the others, for print; and what it holds, in reading order (page templates of PAGES).
PRINT_PAGE = "print.md"
PRINT_PARTS = ("phase.md.j2", "procedure.md.j2", "contacts.md.j2", "channels.md.j2", "regulators.md.j2",
               "message.md.j2", "roles.md.j2", "glossary.md.j2", "document.md.j2")
#: A section lists its pages in the navigation only up to this many. Every page carries the
#: open section's navigation, so listing all of a large section would make the site grow with
#: the square of the playbook; beyond the limit the section's index page lists them instead.
NAV_SECTION_LIMIT = 25

def _template_line(exc: BaseException, name: str) -> int | None:
    """The line in template ``name`` where ``exc`` was raised (Jinja rewrites tracebacks to point there)."""
    line = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(name):
            line = frame.lineno
    return line


def _render(env: jinja2.Environment, template_name: str, what: str, context: dict[str, Any]) -> str:
    try:
        template = env.get_template(template_name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or template_name}:{exc.lineno}: template syntax error: {exc.message} "
                          f"(while rendering {what})") from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template '{exc.name}' not found (while rendering {what})") from None
    try:
        return template.render(**context)
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        filename = template.filename or template_name
        line = _template_line(exc, template_name)
        where = f"{filename}:{line}" if line else filename
        raise RenderError(f"{where}: {type(exc).__name__}: {exc} (while rendering {what})") from None


def _context(playbook: Playbook) -> dict[str, Any]:
    """What every page template receives, besides its own page's values."""
    shown: dict[str, tuple[Playbook, frozenset[Any] | None]] = {}

    def translated(language: str) -> Playbook:
        """The playbook in ``language``, made once for all the pages (every message page shows its wordings)."""
        if language not in shown:
            if _RECORDER is not None and _RECORDER.root is playbook:  # its objects' reads are recorded, not its making
                made = _RECORDER.derived(("in_language", language), lambda now: in_language(now.root, language))
                shown[language] = (made, None)
            else:
                shown[language] = _remembered(lambda: in_language(playbook, language))
        return _recalled(shown[language])

    said: dict[int, tuple[ChecklistItem, tuple[str, frozenset[Any] | None]]] = {}
    marked: dict[tuple[int, str, bool], tuple[Playbook, tuple[Markup, frozenset[Any] | None]]] = {}
    packs: dict[str, tuple[Any, tuple[Any, frozenset[Any] | None]]] = {}

    def pack(scenario: Any) -> Any:
        """exercise_pack, with what it read kept for the pages shown it while `playbook serve` records them (see
        KeptPages): exercise.py keeps packs per playbook, and a pack it kept was read by the page that made it."""
        found = packs.get(scenario.id)
        place = _RECORDER.places.get(id(scenario)) if _RECORDER is not None and _RECORDER.root is playbook else None
        if place is not None and (found is None or found[0] is not scenario):  # see translated
            def of_place(now: _Recorder) -> Any:
                at = now.objects.get(place)
                return exercise_pack(now.root, at) if at is not None and type(at) is type(scenario) else None
            recorder = cast(_Recorder, _RECORDER)
            found = packs[scenario.id] = (scenario, (recorder.derived(("exercise_pack", place), of_place), None))
        elif found is None or found[0] is not scenario:
            def made() -> Any:
                if _RECORDER is not None:  # made again, so that its reads are seen; what it kept is the same
                    exercise.forget_packs(playbook)
                return exercise_pack(playbook, scenario)
            found = packs[scenario.id] = (scenario, _remembered(made))
        return _recalled(found[1])

    def text_html(text: str, source: Playbook, lines: bool = False) -> Markup:
        """message_html, made once per render for each text and playbook (a message's page and its part of the
        print page show the same texts). By the playbook itself, kept with the text (see item_due)."""
        key = (id(source), text, lines)
        found = marked.get(key)
        if found is None or found[0] is not source:
            found = marked[key] = (source, _remembered(lambda: message_html(text, source, lines=lines)))
        return _recalled(found[1])

    owned = items_owned(playbook)

    def item_due(item: ChecklistItem) -> str:
        """due_text of ``item``, said once per render (the phase page, the print page, the exercise packs and
        their handouts show the same items' deadlines). By the item itself: a translated playbook's item of the
        same id says its own words; the item is kept with its text, so its id is not another's meanwhile."""
        found = said.get(id(item))
        if found is None or found[0] is not item:
            found = said[id(item)] = (item, _remembered(lambda: due_text(item, playbook)))
        return _recalled(found[1])

    return {
        "playbook": playbook,
        "doc": playbook.document,
        "printing": False,  # True while a page is rendered as a section of the print page
        "first_hour": first_hour(playbook),
        "first_steps": first_steps(playbook),
        "call_first": call_first(playbook),
        # Whether any checklist item has a deadline or repeats: then the incident clock shows it.
        "clocked_items": any(item.due_from for phase in playbook.phases for item in phase.checklist),
        "awareness_words": awareness_words,
        "matrix": approval_matrix(playbook),
        "items_owned": owned,
        "owned_cells": lambda role: owned_cells(playbook, owned, role),
        "clock_start": clock_start,
        "due_words": due_words,
        "clock_events": CLOCK_EVENT_MEANINGS,
        # The clock's words in the site's language (generator/deadlines.py).
        "event_name": event_name,
        "event_meaning": event_meaning,
        "after_words": after_words,
        "entities": S.SECTION,
        "data_versions": data_versions(),
        "source_link": source_link,
        "due_text": item_due,
        "repeat_text": repeat_text,
        "message_html": lambda text, lines=False: text_html(text, playbook, lines),
        # A specimen is text as it went out: nothing in it is filled or marked, every character is shown.
        "specimen_html": lambda text: Markup(markdown_lines(text.rstrip("\n"))),
        "reach": reach,
        "describe_channel": describe_channel,
        "call_channels": call_channels,
        "search_terms": search_terms,
        "service_labels": SERVICE_LABELS,
        "describe_channels": describe_channels,
        "approval_rule": approval_rule,
        "blanks": lambda template: blanks_of(template),
        # A message in each language it is written in (translation files), the site's language first; and its
        # text in one of them.
        "wordings": lambda template: wordings(playbook, template.id, current().tag, translated),
        "wording_html": lambda wording, text, lines=False: text_html(text, wording.playbook, lines),
        "br": Markup("<br>"),
        "format_reference": format_reference(),
        "exercise_pack": pack,
        "t_plus": t_plus,
        "call_tree": lambda: call_tree(playbook),
        "translation_reference": format_reference({"type": "dict", "schema": S.TRANSLATION}),
        "holding_statement": next((t for t in playbook.templates if t.kind == "holding-statement"), None),
    }


# `playbook serve` renders again only the pages whose inputs changed. A page may show any entry (a link's label, a
# role's holders), so what a page depends on is what its render read: while it renders, every attribute read from
# an object of the playbook (the model's dataclasses, found by walking the playbook given) is recorded, as the
# object's place in the playbook (``phases[1].checklist[3]``) and the attribute's name, with the value read (an
# object of the playbook by its place, anything else by all of its value). A page whose reads all give the same
# values in the next playbook would render the same Markdown, and is kept. Reads of objects the render made
# itself (the playbook in another language, an exercise pack) need no record: they are made of recorded reads.
# What a render keeps for the next pages (a link, a deadline in words, a translated playbook, a pack) keeps its
# reads too, and a page that takes it is given them. What is read before the pages (the common context and the
# list of pages) is every page's. Everything else a page is made of, the templates (the user's and the packaged
# ones, by their content) and the language, keeps pages only while it is the same.

#: The reads being recorded while a page renders under `playbook serve` (see KeptPages); None otherwise.
_RECORDER: _Recorder | None = None
_plain_getattribute = object.__getattribute__


def _recording_getattribute(self: Any, name: str) -> Any:
    """An attribute of a playbook's object, read while KeptPages records: the read is recorded."""
    value = _plain_getattribute(self, name)
    recorder = _RECORDER
    if recorder is not None and name[:2] != "__":  # not the class, its fields, cached_property's __dict__
        place = recorder.places.get(id(self))
        if place is not None:  # else an object the render made: made of what it read
            key = (place, name)
            if key not in recorder.values:
                recorder.remember(key, value)
            for reads in recorder.stack:
                reads.add(key)
    return value


def _reading_starts() -> set[Any] | None:
    """Start keeping apart what is read from here on (while recording), for something kept for later pages."""
    if _RECORDER is None:
        return None
    reads: set[Any] = set()
    _RECORDER.stack.append(reads)
    return reads


def _reading_ends(reads: set[Any] | None) -> None:
    if reads is not None and _RECORDER is not None:
        _RECORDER.stack.pop()  # the last one started (what is kept is made inside what reads it)


_T = TypeVar("_T")


def _remembered(make: Callable[[], _T]) -> tuple[_T, frozenset[Any] | None]:
    """``make()``, with what it read while recording: kept by a render for its later pages (see _recalled)."""
    reads = _reading_starts()
    try:
        return make(), (frozenset(reads) if reads is not None else None)
    finally:
        _reading_ends(reads)


def _recalled(kept: tuple[_T, frozenset[Any] | None]) -> _T:
    """A value kept by :func:`_remembered`: the page that takes it read what made it."""
    value, reads = kept
    if _RECORDER is not None:
        _RECORDER.replay(reads)
    return value


class _Changed(Exception):
    """A value that no record can stand for: equal to nothing, the page that read it is rendered again."""


_SCALARS = frozenset({int, float, bool, type(None), bytes, complex, dt.date, dt.datetime, dt.time, dt.timedelta,
                      Decimal})


class _Recorder:
    """The objects of one playbook by their places, and the reads recorded from them while its pages render."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.places: dict[int, tuple[Any, ...]] = {}  #: id of an object of the playbook → its place
        self.objects: dict[tuple[Any, ...], Any] = {}  #: place → object
        self.classes: set[type] = set()
        self._walk(root, ())
        #: (place, attribute) → the value read, as :meth:`value` says it; None: a value no record stands for.
        self.values: dict[tuple[Any, ...], Any] = {}
        self.stack: list[set[Any]] = []
        #: Values made of the whole playbook (the playbook in another language), by what they are: how each is made
        #: of the playbook, and the value. Their objects have places too (see :meth:`derived`).
        self.made: dict[Any, tuple[Callable[[_Recorder], Any], Any]] = {}
        self._installed: list[type] = []

    def derived(self, key: Any, make: Callable[[_Recorder], _T]) -> _T:
        """``make(self)``, made once per render, its objects given places under ``key`` (their reads recorded
        as the playbook's): nothing it read is a page's, as the next render makes it again of its playbook and
        compares the values the pages read from it (see KeptPages.start). ``make`` must be a function of the
        playbook alone (:attr:`root`, and its objects by their places)."""
        found = self.made.get(key)
        if found is None:
            stack, self.stack = self.stack, []  # what making it reads is no page's
            try:
                value = make(self)
            finally:
                self.stack = stack
            self.add(key, make, value)
            found = self.made[key]
        return found[1]  # type: ignore[no-any-return]

    def add(self, key: Any, make: Callable[[_Recorder], Any], value: Any) -> None:
        """A value made of the playbook, its objects given places under ``key``."""
        classes = set(self.classes)
        self._walk(value, ("made", key))
        self.made[key] = (make, value)
        for kind in self.classes - classes:  # while a page renders, reads of a class new here are recorded too
            if self._installed and "__getattribute__" not in kind.__dict__:
                kind.__getattribute__ = _recording_getattribute  # type: ignore[method-assign,assignment]
                self._installed.append(kind)

    def _walk(self, value: Any, place: tuple[Any, ...]) -> None:
        kind = type(value)
        if kind is tuple or kind is list:
            for index, item in enumerate(value):
                self._walk(item, (*place, index))
        elif kind is dict:
            for key, item in value.items():
                self._walk(item, (*place, repr(key)))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            if id(value) in self.places:  # one object in two places: known by the first (its reads by it)
                return
            self.places[id(value)] = place
            self.objects[place] = value
            self.classes.add(kind)
            for found in dataclasses.fields(value):
                self._walk(_plain_getattribute(value, found.name), (*place, found.name))

    def value(self, value: Any) -> Any:
        """``value`` as the record says it: an object of the playbook by its place and class, any other value by
        all of it (its class too). Raises _Changed for a value that cannot be said so (an unknown object)."""
        kind = type(value)
        if kind is str:
            return value
        if kind in _SCALARS:
            return (kind.__qualname__, repr(value))
        if isinstance(value, str):  # Prose, Markup: the same text is escaped differently
            return (kind.__qualname__, str(value))
        if kind is tuple or kind is list:
            return (kind.__qualname__, *(self.value(item) for item in value))
        if kind is dict:
            return ("dict", *((self.value(key), self.value(item)) for key, item in value.items()))
        if kind is set or kind is frozenset:
            return ("set", *sorted((self.value(item) for item in value), key=repr))
        if isinstance(value, enum.Enum):
            return (kind.__qualname__, value.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            place = self.places.get(id(value))
            if place is not None:
                return ("@", kind.__module__, kind.__qualname__, place)
            return ("new", kind.__module__, kind.__qualname__,
                    *((found.name, self.value(_plain_getattribute(value, found.name)))
                      for found in dataclasses.fields(value)))
        if kind is types.MethodType:
            return ("method", value.__func__.__module__, value.__func__.__qualname__, self.value(value.__self__))
        if (kind is types.FunctionType and value.__closure__ is None) or \
                (kind is types.BuiltinFunctionType and isinstance(value.__self__, types.ModuleType | None)):
            return ("function", value.__module__, value.__qualname__)  # not a closure, nor bound to an object
        raise _Changed(kind.__qualname__)

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        """The value read at ``key`` (a place and an attribute), as the record says it."""
        try:
            self.values[key] = self.value(value)
        except _Changed:
            self.values[key] = None

    def replay(self, reads: frozenset[Any] | None) -> None:
        if reads:
            for kept in self.stack:
                kept |= reads

    def now(self, key: tuple[Any, ...]) -> Any:
        """What reading ``key`` (a place and an attribute) gives in this playbook, said as a record says it; None
        when it cannot be said (no such place, or a value no record stands for)."""
        place, name = key
        owner = self.objects.get(place)
        if owner is None:
            return None
        try:
            return self.value(getattr(owner, name))
        except (_Changed, AttributeError):
            return None

    @contextmanager
    def into(self, reads: set[Any]) -> Iterator[None]:
        """Record what is read meanwhile into ``reads``: the playbook's classes record the reads of their objects'
        attributes while a page renders, and only then (a render's pages are yielded one by one, to other code)."""
        global _RECORDER
        if _RECORDER is not None:
            raise RuntimeError("a render's reads are recorded one page at a time")
        installed = self._installed = [kind for kind in self.classes if "__getattribute__" not in kind.__dict__]
        for kind in installed:
            kind.__getattribute__ = _recording_getattribute  # type: ignore[method-assign,assignment]
        _RECORDER = self
        self.stack.append(reads)
        try:
            yield
        finally:
            self.stack.pop()
            _RECORDER = None
            for kind in installed:
                del kind.__getattribute__
            self._installed = []


def _folder_state(folder: Path | None) -> tuple[Any, ...]:
    """Every file under ``folder`` by its name and content (a time and a size can stay the same over an edit)."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple((path.relative_to(folder).as_posix(), path.read_bytes()) for path in sorted(folder.rglob("*"))
                 if path.is_file())


def _language_state(language: Language) -> tuple[Any, ...]:
    """A language as pages say it: its tag, catalogue and translations (the same object while the catalogue's file
    is unchanged, see i18n.language; English's are none)."""
    translations = language.translations
    plain = type(translations) is gnu.NullTranslations and getattr(translations, "_fallback", None) is None
    return (language.tag, language.locale, language.untranslated, "none" if plain else translations)


@dataclass
class _Kept:
    """A page as it was last rendered: what it was asked with, its Markdown, and what its render read."""

    asked: Any
    markdown: str
    reads: frozenset[Any]


@dataclass
class _Render:
    """One render's pages, and what they read, to be kept for the next."""

    inputs: tuple[Any, ...]
    recorder: _Recorder
    common: set[Any] = field(default_factory=set)
    pages: dict[str, _Kept] = field(default_factory=dict)


class KeptPages:
    """The generated pages of the last render, each kept with what its render read (see the comment above
    :data:`_RECORDER`); while :func:`kept`, :func:`rendering` renders again only the pages whose reads give other
    values in the playbook now, or all of them when the templates, the language or what every page reads (the
    common context, the list of pages) changed. ``rendered``: the paths the last render rendered."""

    def __init__(self) -> None:
        self.last: _Render | None = None
        self.rendered: list[str] = []

    def start(self, playbook: Playbook, user_templates: Path | None, language: Language) -> tuple[_Render, set[Any]]:
        """A new render of ``playbook``, and the reads whose values changed since the last (None: all of them)."""
        recorder = _Recorder(playbook)
        inputs = (str(user_templates), _folder_state(user_templates), _folder_state(PACKAGED_TEMPLATES),
                  _language_state(language))
        render = _Render(inputs, recorder)
        last, changed = self.last, set()
        if last is not None and last.inputs == inputs:
            for key, (make, _value) in last.recorder.made.items():  # made again of this playbook, in the same order
                try:
                    recorder.add(key, make, make(recorder))
                except Exception:  # noqa: BLE001  (not to be made of this playbook: what was read of it changed)
                    continue
            for key, value in last.recorder.values.items():
                now = recorder.now(key)
                if value is None or now != value:
                    changed.add(key)
                recorder.values[key] = now  # kept pages' reads stay known to the next render
            if not last.common.isdisjoint(changed):
                last = None
        else:
            last = None
        self.rendered = []
        return render, (changed if last is not None else None)  # type: ignore[return-value]

    def kept(self, changed: set[Any] | None, path: str, asked: Any) -> _Kept | None:
        """The page at ``path`` as last rendered, when it was asked the same and none of its reads changed."""
        if changed is None or self.last is None:
            return None
        found = self.last.pages.get(path)
        if found is None or found.asked != asked or not found.reads.isdisjoint(changed):
            return None
        return found


#: `playbook serve`'s pages kept between rebuilds (commands/serve.py sets it while it rebuilds); None: every page
#: is rendered.
kept_pages: KeptPages | None = None


def render_single(playbook: Playbook, user_templates: Path | None, path: str, template_name: str, title: str,
                  *, language: Language | None = None, **extra: Any) -> Page:
    """One page outside the fixed set (the "What changed" page), rendered like the others."""
    chosen = language or english()
    with speaking(chosen):
        context = {**_context(playbook), "links": Links(path, playbook), "title": chosen.gettext(title), **extra}
        markdown = _render(page_environment(user_templates, chosen), template_name, f"page '{path}'", context)
    return Page(path, chosen.gettext(title), markdown)


def render_pages(playbook: Playbook, user_templates: Path | None = None, language: Language | None = None) \
        -> list[Page]:
    """Every generated page, in navigation order, saying the generator's words in ``language`` (English if None)."""
    return list(rendering(playbook, user_templates, language))


def page_titles(playbook: Playbook, language: Language | None = None) -> list[tuple[str, str]]:
    """The path and title of every generated page, in navigation order, as :func:`render_pages` makes them,
    without rendering any."""
    with speaking(language or english()):
        return [(path, title) for kind in PAGES for path, title, _what, _extra in kind.pages(playbook)]


def rendering(playbook: Playbook, user_templates: Path | None, language: Language | None = None) -> Iterator[Page]:
    """The pages of :func:`render_pages`, each as soon as it is rendered (a pipeline: ahead.py sends each to the
    build while the next renders).

    Raises:
        RenderError: as render_pages, at the page it stopped at.
    """
    chosen = language or english()
    keeping = kept_pages
    if keeping is None:
        yield from _rendering(playbook, user_templates, chosen, None)
        return
    render, changed = keeping.start(playbook, user_templates, chosen)
    yield from _rendering(playbook, user_templates, chosen, (keeping, render, changed))


def _rendering(playbook: Playbook, user_templates: Path | None, chosen: Language,
               keeping: tuple[KeptPages, _Render, set[Any] | None] | None) -> Iterator[Page]:
    """:func:`rendering`; with ``keeping`` (`playbook serve`), the pages whose reads did not change are the last
    render's, and every page's reads are recorded."""
    render = keeping[1] if keeping is not None else None

    def reading(reads: set[Any]) -> Any:
        return render.recorder.into(reads) if render is not None else nullcontext()

    with speaking(chosen), reading(render.common if render is not None else set()):
        env = page_environment(user_templates, chosen)
        common = _context(playbook)
        # The other languages the plan's messages are written in, named in the language of the site's words.
        common["other_languages"] = [language_name(t.language, shown_in=chosen.tag) for t in playbook.translations
                                     if t.language != playbook.document.language]
        planned = [(kind, entry) for kind in PAGES for entry in kind.pages(playbook)]
        asked = [(kind.template, title, what, render.recorder.value(extra) if render is not None else None)
                 for kind, (_path, title, what, extra) in planned]

    made: dict[str, dict[tuple[str, ...], Markup]] = {}  # links by the folder they lead from

    def links(path: str) -> Links:
        return Links(path, playbook, made.setdefault(posixpath.dirname(path), {}))

    def page_of(path: str, template_name: str, title: str, what: str, **extra: Any) -> Page:
        context = {**common, "links": links(path), "title": title, **extra}
        return Page(path, title, _render(env, template_name, what, context))

    def part(template_name: str, what: str, **extra: Any) -> Markup:
        """A page's content as a section of the print page: its links lead from print.md, headings one level down."""
        context = {**common, "links": links(PRINT_PAGE), "title": what, "printing": True, **extra}
        markdown = _render(env, template_name, f"the print page ({what})", context)
        return Markup(_HEADING.sub(r"#\1", markdown))

    # Pages that are also parts of the print page, rendered as their part would be: a page in the print page's
    # folder (its links lead from there too) whose templates cannot tell a page from a part (none of them reads
    # `printing` or `title`). Its part is then its text, headings one level down, instead of a second render.
    as_part: dict[str, bool] = {}
    kept: dict[str, str] = {}  # such a page's Markdown, by its path

    def renders_as_part(template_name: str, path: str) -> bool:
        if template_name not in PRINT_PARTS or posixpath.dirname(path) != posixpath.dirname(PRINT_PAGE):
            return False
        if template_name not in as_part:
            as_part[template_name] = _reads_none_of(env, template_name, _PART_ONLY)
        return as_part[template_name]

    def print_parts() -> list[Markup]:
        kinds = {kind.template: kind for kind in PAGES}
        parts: list[Markup] = []
        for template_name in PRINT_PARTS:
            for path, _title, what, extra in kinds[template_name].pages(playbook):
                if path in kept:
                    parts.append(Markup(_HEADING.sub(r"#\1", kept[path])))
                    if render is not None:  # the part is the page: what the page read, the print page read
                        render.recorder.replay(render.pages[path].reads)
                    continue
                # A part per entry is titled like its page's error context; a single part by its template.
                parts.append(part_of(path, template_name, what if extra else template_name.removesuffix(".md.j2"),
                                     extra))
        return parts

    def part_of(path: str, template_name: str, what: str, extra: dict[str, Any]) -> Markup:
        """The part of the page at ``path``; under `playbook serve`, the last render's when none of its reads changed
        (a checklist edit renders one phase's part of the print page again, not all of them)."""
        if keeping is None or render is None:
            return part(template_name, what, **extra)
        key, question = f"{PRINT_PAGE}#{path}", (template_name, what, render.recorder.value(extra))
        found = keeping[0].kept(keeping[2], key, question)
        if found is not None:
            render.recorder.replay(found.reads)  # what the part read, the print page read
        else:
            reads = _reading_starts()
            try:
                made = part(template_name, what, **extra)
            finally:
                _reading_ends(reads)
            found = _Kept(question, str(made), frozenset(reads or ()))
        render.pages[key] = found
        return Markup(found.markdown)

    done = 0
    for (kind, (path, title, what, extra)), question in zip(planned, asked, strict=True):
        # The language is spoken only while a page renders: a caller between two pages is not left speaking it.
        with speaking(chosen):
            found = keeping[0].kept(keeping[2], path, question) if keeping is not None else None
            if found is not None:
                page = Page(path, title, found.markdown)
                last = keeping[0].last if keeping is not None else None  # a page was kept: there was a last render
                if render is not None and last is not None:  # its parts, for when it is rendered again
                    render.pages.update((key, part) for key, part in last.pages.items() if key.startswith(f"{path}#"))
            else:
                reads: set[Any] = set()
                with reading(reads):
                    page = page_of(path, kind.template, title, what,
                                   **({"parts": print_parts()} if path == PRINT_PAGE else extra))
                found = _Kept(question, page.markdown, frozenset(reads))
                if keeping is not None:
                    keeping[0].rendered.append(path)
            if render is not None:
                render.pages[path] = found
            if renders_as_part(kind.template, path):
                kept[path] = page.markdown
        done += 1
        if keeping is not None and done == len(planned):
            keeping[0].last = render  # every page rendered or kept: the next render compares with these
        yield page


#: What a template sees only as a part of the print page (or only as a page): a template that reads neither
#: renders a page and its part alike, when their links lead from the same folder.
_PART_ONLY = frozenset({"printing", "title"})
#: An environment like the pages', only to parse a template's source (the syntax and extensions are the same).
_PARSING = _environment(None, sandboxed=False, finalize=None, translated=True)


@lru_cache(maxsize=256)
def _names_in(source: str) -> tuple[frozenset[str], tuple[str | None, ...]] | None:
    """The context names a template's source reads, and the templates it extends, includes or imports (None for
    one named only as it renders); None when the source does not parse (rendering reports that)."""
    try:
        tree = _PARSING.parse(source)
    except jinja2.TemplateSyntaxError:
        return None
    return frozenset(jinja2.meta.find_undeclared_variables(tree)), tuple(jinja2.meta.find_referenced_templates(tree))


def _reads_none_of(env: jinja2.Environment, template_name: str, names: frozenset[str]) -> bool:
    """Whether template ``template_name`` and every template it extends, includes or imports, in ``env``, is sure
    not to read any of ``names`` from its context: none is a free name of its source. False when that cannot be
    known (a template named only as it renders, one that cannot be found or parsed)."""
    loader = env.loader
    todo, seen = [template_name], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = loader.get_source(env, name)[0] if loader is not None else None
        except jinja2.TemplateNotFound:
            return False
        if source is None:
            return False
        found = _names_in(source)
        if found is None or found[0] & names or None in found[1]:
            return False
        todo += [str(referenced) for referenced in found[1]]
    return True


def navigation(pages: list[Page]) -> list[Any]:
    """MkDocs ``nav`` for the generated pages: each folder is a section headed by its index page.

    Titles are HTML-escaped here: MkDocs' theme templates print nav titles as they are (Material's
    footer does, for one), and phase and message titles come from playbook.yml.
    """
    nav: list[Any] = []
    sections: dict[str, list[Any]] = {}
    for page in pages:
        folder = posixpath.dirname(page.path)
        title = html_attribute(page.title)  # Material prints nav titles in text and in attributes
        if not folder:
            nav.append({title: page.path})
        elif page.path == f"{folder}/index.md":
            sections[folder] = [page.path]
            nav.append({title: sections[folder]})
        else:
            sections[folder].append({title: page.path})
    for entries in sections.values():
        if len(entries) - 1 > NAV_SECTION_LIMIT:
            del entries[1:]
    return nav


def blanks_of(template: Template) -> list[str]:
    """Incident facts a message template uses, in order of first use."""
    texts = [template.subject or "", template.body or "", *template.outline, *template.required_clauses,
             *template.optional_lines]
    names = [m.group(1).strip() for text in texts for m in INCIDENT_BLANK.finditer(text)]
    return list(dict.fromkeys(names))


#: What the site says where the plan leaves a value open.
NOT_SET = N_("not set in the plan")


def approval_rule(template: Template) -> str:
    """The approval rule in short: 'all of 2', 'any 2 of 3', 'no approval step' (the plan says so), or
    that the plan does not say."""
    approval = template.approval
    if approval is None:
        return _(NOT_SET)
    if approval.none:
        return _("no approval step")
    count = len(approval.approvers)
    if approval.everyone:
        return _("all of %(count)s") % {"count": count}
    return _("any %(quorum)s of %(count)s") % {"quorum": approval.quorum, "count": count}
