"""Stage 4: the model rendered into Markdown pages, through Jinja2 templates.

Page templates come from the user's ``templates/`` directory first, then the packaged
defaults in ``generator/templates/``; a user template can extend the default it replaces
with ``{% extends "default/<name>" %}``. Every value that comes from ``playbook.yml`` is
escaped where it lands (through :mod:`generator.escape`), and message text is filled in a sandboxed
environment, so nothing in the playbook can inject markup or reach Python objects.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.bccache
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import phones
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
from .translations import language_name, wordings
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

    def __init__(self, page_path: str, playbook: Playbook) -> None:
        self._from = posixpath.dirname(page_path)
        self._playbook = playbook

    def to(self, path: str, anchor: str = "") -> Markup:
        href = posixpath.relpath(path, self._from or ".")
        return Markup(f"{href}#{anchor}" if anchor else href)  # built from slug ids only

    def href(self, kind: str, ident: str) -> Markup:
        """Where the entry is shown: the page pattern of its entity in :data:`schema.ENTITIES`."""
        page, _hash, anchor = (S.ENTITY[kind].page or "").partition("#")
        return self.to(page.format(id=ident), anchor.format(id=ident))

    def link(self, kind: str, ident: str) -> Markup:
        """``[its name](where it is shown)`` for the entry of kind ``kind`` (``role``, ``template``…)."""
        label = getattr(self._playbook.entry(kind, ident), S.ENTITY[kind].title_field)
        return Markup(f"[{markdown_text(label)}]({self.href(kind, ident)})")

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


def reach(channel: ContactChannel) -> Markup:
    """A contact channel as Markdown: a link that calls, writes or opens a chat where it is one (tel:,
    mailto:, a messenger's web address, a website), else text."""
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

    rows = tuple((t, tuple(letters(t, role.id) for role in playbook.roles)) for t in playbook.templates)
    used = [i for i, role in enumerate(playbook.roles) if any(cells[i] for _message, cells in rows)]
    return ApprovalMatrix(tuple(playbook.roles[i].id for i in used),
                          tuple((t, tuple(cells[i] for i in used)) for t, cells in rows))


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
        "items_owned": items_owned(playbook),
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
        "due_text": lambda item: due_text(item, playbook),
        "repeat_text": repeat_text,
        "message_html": lambda text, lines=False: message_html(text, playbook, lines=lines),
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
        # A message in each language it is written in (translation files), and its text in one of them.
        "wordings": lambda template: wordings(playbook, template.id, current().tag),  # the site's language first
        "wording_html": lambda wording, text, lines=False: message_html(text, wording.playbook, lines=lines),
        "br": Markup("<br>"),
        "format_reference": format_reference(),
        "exercise_pack": lambda scenario: exercise_pack(playbook, scenario),
        "t_plus": t_plus,
        "call_tree": lambda: call_tree(playbook),
        "translation_reference": format_reference({"type": "dict", "schema": S.TRANSLATION}),
        "holding_statement": next((t for t in playbook.templates if t.kind == "holding-statement"), None),
    }


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
    with speaking(chosen):
        env = page_environment(user_templates, chosen)
        common = _context(playbook)
        # The other languages the plan's messages are written in, named in the language of the site's words.
        common["other_languages"] = [language_name(t.language, shown_in=chosen.tag) for t in playbook.translations
                                     if t.language != playbook.document.language]
        planned = [(kind, entry) for kind in PAGES for entry in kind.pages(playbook)]

    def render(path: str, template_name: str, title: str, what: str, **extra: Any) -> Page:
        context = {**common, "links": Links(path, playbook), "title": title, **extra}
        return Page(path, title, _render(env, template_name, what, context))

    def part(template_name: str, what: str, **extra: Any) -> Markup:
        """A page's content as a section of the print page: its links lead from print.md, headings one level down."""
        context = {**common, "links": Links("print.md", playbook), "title": what, "printing": True, **extra}
        markdown = _render(env, template_name, f"the print page ({what})", context)
        return Markup(_HEADING.sub(r"#\1", markdown))

    def print_parts() -> list[Markup]:
        kinds = {kind.template: kind for kind in PAGES}
        parts: list[Markup] = []
        for template_name in PRINT_PARTS:
            for _path, _title, what, extra in kinds[template_name].pages(playbook):
                # A part per entry is titled like its page's error context; a single part by its template.
                parts.append(part(template_name, what if extra else template_name.removesuffix(".md.j2"), **extra))
        return parts

    for kind, (path, title, what, extra) in planned:
        # The language is spoken only while a page renders: a caller between two pages is not left speaking it.
        with speaking(chosen):
            page = render(path, kind.template, title, what,
                          **({"parts": print_parts()} if path == PRINT_PAGE else extra))
        yield page


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
