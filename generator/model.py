"""Stage 3: the validated playbook as typed, frozen objects.

Built only from data that passed :func:`generator.validate.validate`, so it trusts
the shape and the references. Templates receive these objects, never raw dicts.

One dataclass per mapping of the format (:mod:`generator.schema`); each field is filled from
the schema key of the same name by :func:`from_data`, which reads the field's type. A field
whose key is spelled differently (``as``, ``from``) or whose value is computed from several keys
says so in its metadata (:func:`key`, :func:`computed`); ``test_model_fields_are_the_schema_keys``
checks that the fields and the schema's keys agree, for every dataclass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from . import phones
from . import schema as S
from .durations import Duration, parse_duration
from .escape import Prose
from .regimes import catalogue_data

T = TypeVar("T")


def key(name: str, **options: Any) -> Any:
    """A field filled from the schema key ``name`` (a Python keyword, or a clearer name in code)."""
    return field(metadata={"keys": (name,)}, **options)


def computed(make: Callable[[dict[str, Any]], Any], *keys: str, **options: Any) -> Any:
    """A field computed by ``make`` from its entry's data, reading the schema keys ``keys``."""
    return field(metadata={"keys": keys, "make": make}, **options)


def schema_keys(f: dataclasses.Field[Any]) -> tuple[str, ...]:
    """The schema keys a dataclass field is filled from."""
    return tuple(f.metadata.get("keys", (f.name,)))


@cache
def _hints(cls: Any) -> dict[str, Any]:
    return get_type_hints(cls)


#: Turns a validated value into what a field of that hint holds.
Converter = Callable[[Any], Any]
#: The converter of each hint met so far: built once (:func:`_converter`), so converting a value asks its hint
#: nothing (no get_origin/get_args/is_dataclass per value): build_model of a 16x playbook 0.084 -> 0.047 s CPU.
_CONVERTERS: dict[Any, Converter] = {}


def _unchanged(value: Any) -> Any:
    return value


def _converter(hint: Any) -> Converter:
    """The function turning a validated value into the model's value for a field typed ``hint``."""
    try:
        return _CONVERTERS[hint]
    except KeyError:
        made = _CONVERTERS[hint] = _make_converter(hint)
        return made


def _make_converter(hint: Any) -> Converter:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
        convert = _converter(inner)
        if convert is _unchanged:
            return _unchanged
        return lambda value: None if value is None else convert(value)
    if hint is Duration:
        return parse_duration
    if hint is Prose:
        return Prose
    if origin is tuple:
        each = _converter(get_args(hint)[0])
        if each is _unchanged:
            return tuple
        return lambda value: tuple(map(each, value))
    if origin is dict:
        return dict
    if dataclasses.is_dataclass(hint):
        # Filled on call (a dataclass may hold itself, further down): its plan is built once, on the first.
        return lambda value: from_data(cast(type, hint), value)
    return _unchanged


def _convert(hint: Any, value: Any) -> Any:
    """The model's value for a field typed ``hint`` from the validated ``value``."""
    return _converter(hint)(value)


#: One field in the plan of a dataclass: its name, its schema key, the maker of a computed field, the converter.
_Step = tuple[str, str, Callable[[dict[str, Any]], Any] | None, Converter | None]


@cache
def _plan(cls: Any) -> tuple[_Step, ...]:
    """How :func:`from_data` fills ``cls``, field by field: (field, schema key, maker of a computed field,
    converter; None where the value is taken as it is)."""
    hints = _hints(cls)
    plan: list[_Step] = []
    for f in dataclasses.fields(cls):
        make = f.metadata.get("make")
        if make is not None:
            plan.append((f.name, "", make, None))
        else:
            convert = _converter(hints[f.name])
            plan.append((f.name, schema_keys(f)[0], None, None if convert is _unchanged else convert))
    return tuple(plan)


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from validated ``data``, field by field (see the module doc)."""
    values: dict[str, Any] = {}
    for name, source, make, convert in _plan(cast(Any, cls)):
        if make is not None:
            values[name] = make(data)
        elif source in data:
            values[name] = data[source] if convert is None else convert(data[source])
    return cls(**values)


@dataclass(frozen=True)
class Change:
    version: str
    date: dt.date
    summary: str


@dataclass(frozen=True)
class Document:
    title: str
    organisation: str
    version: str
    owner: str
    approver: str
    approved_on: dt.date
    next_review: dt.date
    classification: str
    language: str
    timezone: str
    country: str | None = None
    translations: tuple[str, ...] = ()  # other languages the plan's texts are written in (translation files)
    site_languages: tuple[str, ...] = ()  # the languages one build makes the site in (multilingual.py)
    paper: str | None = None
    exercise_within: Duration | None = None
    call_tree_test_within: Duration | None = None
    history: tuple[Change, ...] = ()

    @property
    def paper_size(self) -> str:
        """The paper the plan prints on: as set, else Letter in a Letter country, else A4."""
        return self.paper or ("letter" if self.country in S.LETTER_COUNTRIES else "A4")


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    summary: str
    responsibilities: tuple[str, ...]
    decisions: tuple[str, ...] = ()
    key: bool = False
    escalate_after: Duration | None = None  # None: the plan sets no time to wait before the next person
    deputies: str | None = None  # "in turn" or "together"; None: the plan does not say
    rotate_every: Duration | None = None  # the role passes along a rota
    filled_by: Prose | None = None  # a rota or "whoever notices first": no named person holds the role


@dataclass(frozen=True)
class Fill:
    role: str
    primary: bool = computed(lambda data: data["as"] == "primary", "as")
    rank: int | None = None


@dataclass(frozen=True)
class ContactChannel:
    type: str
    value: str
    out_of_band: bool = False
    private: bool = False
    note: Prose | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    channels: tuple[ContactChannel, ...]
    verified_on: dt.date
    title: str | None = None
    organisation: str | None = None
    external: bool = False
    office: str | None = None
    service: str | None = None
    fills: tuple[Fill, ...] = ()
    notes: Prose | None = None
    private: bool = False

    @property
    def out_of_band_channels(self) -> tuple[ContactChannel, ...]:
        return tuple(c for c in self.channels if c.out_of_band)


@dataclass(frozen=True)
class TeamChannel:
    id: str
    name: str
    kind: str
    out_of_band: bool
    how_to_join: str
    use_for: str
    fallback: str | None = None


@dataclass(frozen=True)
class Audience:
    id: str
    name: str
    owner: str
    description: Prose
    reach: str
    timezone: str | None = None


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    city: str
    country: str
    timezone: str
    lead: str | None = None


def _promptly(due: str | None) -> str | None:
    """The words of a deadline with no fixed period ("without undue delay"), as the schema spells them."""
    words = " ".join(due.lower().split()) if isinstance(due, str) else None
    return words if words in S.PROMPTLY else None


@dataclass(frozen=True)
class Clock:
    start: str = key("from")  # an event of schema.CLOCK_EVENTS or the id of an earlier stage
    #: None: no fixed period ("without undue delay"), or none set in the plan.
    due: Duration | None = computed(lambda data: None if "due" not in data or _promptly(data["due"])
                                    else parse_duration(data["due"]), "due", default=None)
    from_year_end: bool = False  # counted from the end of the calendar year in which `start` falls
    #: How the rule words a deadline without a period, as written: "without undue delay", "asap".
    promptly: str | None = computed(lambda data: _promptly(data.get("due")), "due", default=None)


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    clock: Clock = computed(lambda data: from_data(Clock, data), "due", "from", "from_year_end")
    no_later_than: Clock | None = None
    #: Another reading of the outer limit once it has passed (shown beside it).
    limit_dispute: str | None = None
    note: Prose | None = None  # in playbook.yml
    rule: str | None = None  # in the catalogue: the rule in words
    every: Duration | None = None  # it repeats after the first report: daily updates
    until: str | None = None
    when: Prose | None = None
    severities: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Calendar:
    """Where business days are counted: a country's (and region's) public holidays, in a time zone."""

    country: str
    subdivision: str | None = None
    timezone: str | None = None
    hours: str | None = None  # the service window on business days, "08:00-17:00"

    @property
    def window(self) -> tuple[dt.time, dt.time] | None:
        """The service window as (opens, closes); "24:00" closes at midnight."""
        if self.hours is None:
            return None
        opens, closes = (part.split(":") for part in self.hours.split("-"))
        end = dt.time.max if closes == ["24", "00"] else dt.time(int(closes[0]), int(closes[1]))
        return dt.time(int(opens[0]), int(opens[1])), end


@dataclass(frozen=True)
class Counting:
    """How a regulator's day-based periods begin and end (see generator/deadlines.py)."""

    ends: str = "time of day"  # "time of day", "end of day" or a filing cut-off "HH:MM"
    non_business_start: str = "counts"  # "counts", "waits" or "disputed"
    dispute: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class Regime:
    """An entry of the packaged catalogue of notification regimes."""

    id: str
    name: str
    jurisdiction: str
    applies_to: str
    notify: str
    stages: tuple[Stage, ...]
    required_content: tuple[str, ...]
    citation: str
    source_url: str
    last_reviewed: dt.date
    in_force: bool = True
    verified: bool = True
    calendar: Calendar | None = None
    counting: Counting | None = None
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Regulator:
    id: str
    name: str
    jurisdiction: str
    law: str
    applies_when: str
    submit: str
    stages: tuple[Stage, ...]
    required_content: tuple[str, ...]
    authority: str | None = None
    owner: str | None = None  # None: the plan does not say who files
    note: Prose | None = None
    regime: Regime | None = computed(lambda data: _regime(data.get("regime")), "regime", default=None)
    calendar: Calendar | None = None
    counting: Counting | None = None

    @property
    def in_force(self) -> bool:
        return self.regime is None or self.regime.in_force

    @property
    def counts_business_days(self) -> bool:
        clocks = [c for s in self.stages for c in (s.clock, s.no_later_than) if c is not None]
        return any(c.due is not None and c.due.unit in ("business days", "business hours") for c in clocks)


@dataclass(frozen=True)
class ConditionalApprover:
    role: str
    when: Prose


@dataclass(frozen=True)
class Fallback:
    """After ``after`` without enough answers, ``quorum`` of ``of`` (default: the approvers) suffice."""

    after: Duration
    quorum: int
    of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Approval:
    """Who approves a message; no approvers: the plan says the message has no approval step."""

    approvers: tuple[str, ...] = ()
    quorum: int = computed(lambda data: data.get("quorum", len(data.get("approvers", ()))), "quorum", default=0)
    conditional: tuple[ConditionalApprover, ...] = ()
    respond_within: Duration | None = None
    fallback: Fallback | None = None

    @property
    def everyone(self) -> bool:
        return self.quorum == len(self.approvers)

    @property
    def none(self) -> bool:
        return not self.approvers


def _approval(value: Any) -> Approval | None:
    """A template's approval: as listed, the plan's "none", or None when the plan does not say."""
    if value is None:
        return None
    return from_data(Approval, {} if value == S.NO_APPROVAL else value)


@dataclass(frozen=True)
class Recipients:
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    sender: str | None = None
    distribution_list: str | None = None
    via: str | None = None


@dataclass(frozen=True)
class MergeField:
    id: str
    label: str


@dataclass(frozen=True)
class WriterNote:
    topic: str
    text: Prose


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    kind: str
    audiences: tuple[str, ...]
    #: Every medium and phase of the message (``medium``/``phase``, or ``media``/``phases``); the first is its own.
    media: tuple[str, ...] = computed(lambda data: tuple(data.get("media") or [data["medium"]]), "medium", "media")
    phases: tuple[str, ...] = computed(lambda data: tuple(data.get("phases") or [data["phase"]]), "phase", "phases")
    #: None: the plan does not say who approves; ``Approval.none``: it says there is no approval step.
    approval: Approval | None = computed(lambda data: _approval(data.get("approval")), "approval", default=None)
    owner: str | None = None  # the directly responsible role
    contributors: tuple[str, ...] = ()
    informed: tuple[str, ...] = ()
    recipients: Recipients | None = None
    companions: tuple[str, ...] = ()
    merge_fields: tuple[MergeField, ...] = ()
    specimen: str | None = None
    notes: tuple[WriterNote, ...] = ()
    body: str | None = None  # None: the plan gives an outline, not approved text
    outline: tuple[str, ...] = ()
    subject: str | None = None
    regulators: tuple[str, ...] = ()
    max_chars: int | None = None
    required_clauses: tuple[str, ...] = ()
    optional_lines: tuple[str, ...] = ()
    every: Duration | None = None  # it is sent again at this interval, to all its audiences
    until: str | None = None
    when: Prose | None = None
    severities: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    action: Prose
    owner: str | None = None  # the phase's owner when the item names none (see Phase.checklist)
    #: None without a period: none given, or the plan's words for one it does not set ("immediately").
    due: Duration | None = computed(lambda data: None if "due" not in data or _promptly(data["due"])
                                    else parse_duration(data["due"]), "due", default=None)
    promptly: str | None = computed(lambda data: _promptly(data.get("due")), "due", default=None)
    #: What the deadline or the repetition counts from; None for an item with neither.
    due_from: str | None = computed(lambda data: data.get("from", "awareness") if "due" in data or "every" in data
                                    else None, "from", default=None)
    templates: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    note: Prose | None = None
    marks: str | None = None  # a milestone, reached when this item is ticked
    handover: str | None = None  # in a hand-over: "outgoing", "incoming" or "both" holders of the owner role
    every: Duration | None = None  # it repeats, first at `due` (else `every`) after `due_from`
    until: str | None = None
    when: Prose | None = None
    severities: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    goal: Prose
    starts_when: str
    #: An item without an owner has the phase's.
    checklist: tuple[ChecklistItem, ...] = computed(
        lambda data: tuple(from_data(ChecklistItem, {"owner": data.get("owner"), **item})
                           for item in data["checklist"]), "checklist")
    owner: str | None = None
    covert: bool = False
    procedures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcedureStep:
    """A step of an on-demand procedure: a checklist item without a clock."""

    id: str
    action: Prose
    owner: str | None = None  # the procedure's owner when the step names none
    templates: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    note: Prose | None = None
    handover: str | None = None
    when: Prose | None = None
    severities: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Procedure:
    """A checklist run when it is needed (stand-down, hand-over), outside the phase sequence and its progress."""

    id: str
    name: str
    use_when: Prose
    checklist: tuple[ProcedureStep, ...] = computed(
        lambda data: tuple(from_data(ProcedureStep, {"owner": data.get("owner"), **step})
                           for step in data["checklist"]), "checklist")
    owner: str | None = None


@dataclass(frozen=True)
class Escalation:
    id: str
    name: str
    trigger: Prose
    by: tuple[str, ...]
    engage: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    channel: str | None = None
    continuous: bool = False
    every: Duration | None = None
    until: str | None = None
    note: Prose | None = None
    when: Prose | None = None
    severities: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    means: Prose
    next: tuple[str, ...] = ()
    procedure: str | None = None


@dataclass(frozen=True)
class Cadence:
    audience: str
    every: Duration
    during: Duration | None = None
    note: Prose | None = None


@dataclass(frozen=True)
class SeverityScale:
    id: str
    name: str
    assigned_by: str | None = None
    note: Prose | None = None


@dataclass(frozen=True)
class Severity:
    id: str
    name: str
    means: str
    phases: tuple[str, ...]
    scale: str | None = None
    maps_to: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    cadence: tuple[Cadence, ...] = ()


@dataclass(frozen=True)
class Inject:
    """An event an exercise plays out, as the organisation wrote it under its scenario."""

    id: str
    title: str
    at: Duration
    text: Prose
    start: str = key("from", default="awareness")  # an event, a phase id or a milestone
    items: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    description: Prose
    phases: tuple[str, ...]
    procedures: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    severity: str | None = None
    injects: tuple[Inject, ...] = ()


@dataclass(frozen=True)
class IncidentFact:
    id: str
    label: str
    hint: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True)
class Finding:
    finding: Prose
    owner: str
    status: str
    due: dt.date | None = None


@dataclass(frozen=True)
class Exercise:
    id: str
    date: dt.date
    kind: str
    scenario: str | None = None
    participants: tuple[str, ...] = ()
    tested: tuple[str, ...] = ()
    version: str | None = None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ReadinessException:
    rule: str
    reason: Prose
    reviewed_by: str
    reviewed_on: dt.date
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Translation:
    """The plan's texts in another language, from its translation file (``playbook.<language>.yml``);
    made by :func:`generator.translations.read_translation`, not from playbook.yml."""

    language: str
    file: str
    #: (section, id) → {schema key: translated text}: ``("templates", "employee-memo")``; checklist items and
    #: procedure steps under ``"checklist"`` (their ids are unique across the playbook).
    texts: dict[tuple[str, str], dict[str, Any]]
    values: dict[str, str] = field(default_factory=dict)
    document: dict[str, str] = field(default_factory=dict)
    #: (section, id, schema key) of every text of playbook.yml this language does not translate.
    untranslated: tuple[tuple[str, str, str], ...] = ()
    #: True for playbook.yml's own texts, kept by a playbook put into another language (see in_language).
    original: bool = False


@dataclass(frozen=True)
class Playbook:
    """The whole playbook; one field per top-level key of the format."""

    format: int
    document: Document
    roles: tuple[Role, ...]
    contacts: tuple[Contact, ...]
    channels: tuple[TeamChannel, ...]
    audiences: tuple[Audience, ...]
    templates: tuple[Template, ...]
    phases: tuple[Phase, ...]
    values: dict[str, str] = field(default_factory=dict)
    incident_facts: tuple[IncidentFact, ...] = ()
    offices: tuple[Office, ...] = ()
    regulators: tuple[Regulator, ...] = ()
    severity_scales: tuple[SeverityScale, ...] = ()
    severities: tuple[Severity, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    glossary: tuple[Term, ...] = ()
    exceptions: tuple[ReadinessException, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    statuses: tuple[Status, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    #: The languages of document.translations with their texts; read from the translation files, not playbook.yml.
    translations: tuple[Translation, ...] = field(default=(), metadata={"keys": ("translations",), "beside": True})

    @cached_property
    def out_of_band_plan(self) -> bool:
        """Whether the plan works out-of-band (a channel or a contact's channel is out-of-band, or a phase is
        covert): only then does the site warn that e-mail and chat may be read by the attacker."""
        return any(channel.out_of_band for channel in self.channels) or any(phase.covert for phase in self.phases) \
            or any(channel.out_of_band for contact in self.contacts for channel in contact.channels)

    @cached_property
    def _index(self) -> dict[tuple[str, str], Any]:
        """Every entry others may point at, by (section, id): lookups stay constant-time as the playbook grows."""
        return {(section, item.id): item for section in S.ID_SECTIONS for item in getattr(self, section)}

    def entry(self, kind: str, ident: str) -> Any:
        """The entry of kind ``kind`` (``role``, ``template``…) whose id is ``ident``."""
        return self._index[(S.ENTITY[kind].section, ident)]

    @cached_property
    def _serving(self) -> dict[tuple[str, str], list[Template]]:
        serving: dict[tuple[str, str], list[Template]] = {}
        for template in self.templates:
            for audience in template.audiences:
                serving.setdefault(("audiences", audience), []).append(template)
            for regulator in template.regulators:
                serving.setdefault(("regulators", regulator), []).append(template)
        return serving

    def templates_for_audience(self, ident: str) -> list[Template]:
        return self._serving.get(("audiences", ident), [])

    def templates_for_regulator(self, ident: str) -> list[Template]:
        return self._serving.get(("regulators", ident), [])

    def role(self, ident: str) -> Role:
        return cast(Role, self._index[("roles", ident)])

    def contact(self, ident: str) -> Contact:
        return cast(Contact, self._index[("contacts", ident)])

    def channel(self, ident: str) -> TeamChannel:
        return cast(TeamChannel, self._index[("channels", ident)])

    def regulator(self, ident: str) -> Regulator:
        return cast(Regulator, self._index[("regulators", ident)])

    def audience(self, ident: str) -> Audience:
        return cast(Audience, self._index[("audiences", ident)])

    def template(self, ident: str) -> Template:
        return cast(Template, self._index[("templates", ident)])

    def phase(self, ident: str) -> Phase:
        return cast(Phase, self._index[("phases", ident)])

    def severity(self, ident: str) -> Severity:
        return cast(Severity, self._index[("severities", ident)])

    @cached_property
    def milestones(self) -> dict[str, tuple[Phase, ChecklistItem]]:
        """Every milestone by id, with the phase and the checklist item whose tick marks it."""
        return {item.marks: (phase, item) for phase in self.phases for item in phase.checklist if item.marks}

    @cached_property
    def phase_of(self) -> dict[str, Phase]:
        """The phase of every checklist item, by the item's id."""
        return {item.id: phase for phase in self.phases for item in phase.checklist}

    def item_start(self, phase: Phase, item: ChecklistItem) -> str | None:
        """The moment ``item``'s deadline counts from, as the incident clock names it: an event
        (``awareness``), ``phase:<id>`` (the start of a phase) or ``milestone:<id>``; None without a deadline."""
        start = item.due_from
        if start is None or start in S.CLOCK_EVENTS:
            return start
        if start == S.PHASE_START:
            return f"phase:{phase.id}"
        return f"milestone:{start}" if start in self.milestones else f"phase:{start}"

    def moment_words(self, moment: str) -> str:
        """A moment of :meth:`item_start` in words: "awareness", "the start of Containment",
        "external response decided"; in the site's language while a site is built (English outside one)."""
        from .deadlines import moment_words  # the deadline engine words every moment (it imports this module)

        return moment_words(self, moment)

    def exception_for(self, rule: str, subject: str) -> ReadinessException | None:
        """The reviewed exception that accepts readiness rule ``rule`` for the entry ``subject``, if any."""
        return next((e for e in self.exceptions if e.rule == rule and (not e.about or subject in e.about)), None)

    def deputy_rank(self, contact: Contact, role: str) -> int | None:
        """The rank at which ``contact`` deputises for ``role`` (deputies of one rank are called together)."""
        return next((fill.rank for fill in contact.fills if fill.role == role and not fill.primary), None)

    def deputies_at(self, role: str, rank: int | None) -> list[Contact]:
        """Every deputy of ``role`` at ``rank``."""
        return [c for c, found in self._deputy_ranks.get(role, ()) if rank is not None and found == rank]

    def holders(self, role: str) -> tuple[list[Contact], list[Contact]]:
        """Primary contacts of ``role`` and its deputies in rank order."""
        primaries, deputies = self._holders.get(role, ((), ()))
        return list(primaries), list(deputies)

    # Every page names roles' holders (the contacts, cards, exercise packs, role links): each lookup scanned every
    # contact, so generating grew with roles x contacts x pages (at 64x the example, 107,000 lookups took 25 s of
    # the 29 s of rendering). Indexed once per playbook.
    @cached_property
    def _holders(self) -> dict[str, tuple[tuple[Contact, ...], tuple[Contact, ...]]]:
        primaries: dict[str, list[Contact]] = {}
        deputies: dict[str, list[tuple[int, Contact]]] = {}
        for contact in self.contacts:
            for fill in contact.fills:
                if fill.primary:
                    primaries.setdefault(fill.role, []).append(contact)
                else:
                    deputies.setdefault(fill.role, []).append((fill.rank or 0, contact))
        return {role: (tuple(primaries.get(role, ())),
                       tuple(c for _, c in sorted(deputies.get(role, ()), key=lambda pair: pair[0])))
                for role in primaries.keys() | deputies.keys()}

    @cached_property
    def _deputy_ranks(self) -> dict[str, list[tuple[Contact, int | None]]]:
        """For each role, every contact that deputises for it with :meth:`deputy_rank`, in the contacts' order."""
        ranks: dict[str, list[tuple[Contact, int | None]]] = {}
        for contact in self.contacts:
            for role in dict.fromkeys(fill.role for fill in contact.fills if not fill.primary):
                ranks.setdefault(role, []).append((contact, self.deputy_rank(contact, role)))
        return ranks


@cache
def catalogue() -> dict[str, Regime]:
    """The packaged catalogue of notification regimes, every regime by id."""
    return {entry["id"]: from_data(Regime, entry) for entry in catalogue_data()}


@cache
def _regime_entries() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in catalogue_data()}


def _regime(ident: str | None) -> Regime | None:
    return catalogue().get(ident) if ident is not None else None


#: What a regulator takes from its regime when playbook.yml does not say: its key → (the regime's, else).
_FROM_REGIME: dict[str, tuple[str, Any]] = {
    "jurisdiction": ("jurisdiction", ""), "law": ("citation", ""), "applies_when": ("applies_to", ""),
    "stages": ("stages", ()), "required_content": ("required_content", ()), "calendar": ("calendar", None),
    "counting": ("counting", None),
}


def _with_regime(data: dict[str, Any]) -> dict[str, Any]:
    """A regulator's data, completed from the catalogue regime it names (its own values win)."""
    regime = _regime_entries().get(data.get("regime", ""), {})
    return data | {ours: data.get(ours) or regime.get(theirs) or empty
                   for ours, (theirs, empty) in _FROM_REGIME.items()}


def build_model(data: dict[str, Any]) -> Playbook:
    """Turn validated data into the model. Phone numbers are written in international form."""
    regulators = [_with_regime(regulator) for regulator in data.get("regulators", [])]
    return from_data(Playbook, {**data, "regulators": regulators, "contacts": _dialable(data)})


def _dialable(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The contacts, each phone number in international form (national ones read in the region
    of the contact's office or the document's country; see :mod:`generator.phones`)."""
    regions = phones.regions(data)
    return [{**contact, "channels": [
        {**channel, "value": phones.display(channel["value"], regions.get(contact["id"]))}
        if channel.get("type") in phones.PHONE_TYPES
        or (channel.get("type") == "signal" and not phones.problem(channel["value"], regions.get(contact["id"])))
        else channel
        for channel in contact.get("channels", [])]} for contact in data.get("contacts", [])]


def _meta(rules: S.Schema, name: str) -> Any:
    return rules.get("meta", {}).get(name)


def _public(entry: Any, fields: S.Schema) -> Any:
    """``entry`` (a dataclass of the mapping ``fields``) without its private values, read from the schema:
    an entry marked ``private: true`` loses the fields marked ``private_detail``; a private entry of a
    list whose mapping has no such fields (a private channel) is left out altogether."""
    hidden = getattr(entry, "private", False) is True
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(entry):
        rules, value = fields.get(schema_keys(f)[0], {}), getattr(entry, f.name)
        inner = rules.get("schema")
        if hidden and _meta(rules, "private_detail"):
            changes[f.name] = () if isinstance(value, tuple) else None
        elif rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict" and value:
            items = inner["schema"]
            whole = "private" in items and not any(_meta(r, "private_detail") for r in items.values())
            changes[f.name] = tuple(_public(item, items) for item in value
                                    if not (whole and getattr(item, "private", False) is True))
    return replace(entry, **changes) if changes else entry


def public_edition(playbook: Playbook) -> Playbook:
    """The playbook without private values: private channels, and all channels and notes of private
    contacts, are gone; people, roles and organisations stay. Which fields are private is read from
    the schema (``private`` flags and ``private_detail`` marks), so a new private field needs no code."""
    result: Playbook = _public(playbook, S.PLAYBOOK)
    return result
