"""Stage 3: the validated playbook as typed, frozen objects.

Built only from data that passed :func:`generator.validate.validate`, so it trusts
the shape and the references. Templates receive these objects, never raw dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, cast

from .durations import Duration, parse_duration


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
    history: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    summary: str
    escalate_after: Duration
    responsibilities: tuple[str, ...]
    decisions: tuple[str, ...] = ()
    key: bool = False


@dataclass(frozen=True)
class Fill:
    role: str
    primary: bool
    rank: int | None = None


@dataclass(frozen=True)
class ContactChannel:
    type: str
    value: str
    out_of_band: bool = False
    private: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    channels: tuple[ContactChannel, ...]
    verified_on: dt.date
    title: str | None = None
    organisation: str | None = None
    external: bool = False
    service: str | None = None
    fills: tuple[Fill, ...] = ()
    notes: str | None = None
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
    description: str
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


@dataclass(frozen=True)
class Clock:
    due: Duration | None  # None: no fixed period ("without undue delay")
    start: str  # an event of schema.CLOCK_EVENTS or the id of an earlier stage


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    clock: Clock
    no_later_than: Clock | None = None
    note: str | None = None


@dataclass(frozen=True)
class Calendar:
    """Where business days are counted: a country's (and region's) public holidays, in a time zone."""

    country: str
    subdivision: str | None = None
    timezone: str | None = None


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
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Regulator:
    id: str
    name: str
    jurisdiction: str
    law: str
    applies_when: str
    owner: str
    submit: str
    stages: tuple[Stage, ...]
    required_content: tuple[str, ...]
    authority: str | None = None
    note: str | None = None
    regime: Regime | None = None
    calendar: Calendar | None = None

    @property
    def in_force(self) -> bool:
        return self.regime is None or self.regime.in_force

    @property
    def counts_business_days(self) -> bool:
        clocks = [c for s in self.stages for c in (s.clock, s.no_later_than) if c is not None]
        return any(c.due is not None and c.due.unit == "business days" for c in clocks)


@dataclass(frozen=True)
class Approval:
    approvers: tuple[str, ...]
    quorum: int

    @property
    def everyone(self) -> bool:
        return self.quorum == len(self.approvers)


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    kind: str
    audiences: tuple[str, ...]
    medium: str
    phase: str
    approval: Approval
    body: str
    subject: str | None = None
    regulators: tuple[str, ...] = ()
    max_chars: int | None = None
    required_clauses: tuple[str, ...] = ()
    optional_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    action: str
    owner: str | None
    due: Duration | None = None
    due_from: str | None = None
    templates: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    goal: str
    starts_when: str
    checklist: tuple[ChecklistItem, ...]
    owner: str | None = None
    covert: bool = False


@dataclass(frozen=True)
class Cadence:
    audience: str
    every: Duration
    during: Duration | None = None
    note: str | None = None


@dataclass(frozen=True)
class Severity:
    id: str
    name: str
    means: str
    phases: tuple[str, ...]
    templates: tuple[str, ...] = ()
    cadence: tuple[Cadence, ...] = ()


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    description: str
    phases: tuple[str, ...]
    regulators: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    severity: str | None = None


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
class Playbook:
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
    severities: tuple[Severity, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    glossary: tuple[Term, ...] = ()

    @cached_property
    def _index(self) -> dict[tuple[str, str], Any]:
        """Every entry by (section, id), so lookups stay constant-time as the playbook grows."""
        sections = ("roles", "contacts", "channels", "regulators", "audiences", "templates", "phases", "severities")
        return {(section, item.id): item for section in sections for item in getattr(self, section)}

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

    def holders(self, role: str) -> tuple[list[Contact], list[Contact]]:
        """Primary contacts of ``role`` and its deputies in rank order."""
        primaries: list[tuple[int, Contact]] = []
        deputies: list[tuple[int, Contact]] = []
        for contact in self.contacts:
            for fill in contact.fills:
                if fill.role == role:
                    (primaries if fill.primary else deputies).append((fill.rank or 0, contact))
        return [c for _, c in primaries], [c for _, c in sorted(deputies, key=lambda pair: pair[0])]


def _clock(data: dict[str, Any]) -> Clock:
    return Clock(_optional_duration(data.get("due")), data["from"])


def stage_from_data(data: dict[str, Any]) -> Stage:
    """A stage of playbook.yml (``note``) or of the catalogue (``rule``)."""
    return Stage(id=data["id"], name=data["name"], clock=_clock(data),
                 no_later_than=_clock(data["no_later_than"]) if "no_later_than" in data else None,
                 note=data.get("note", data.get("rule")))


def calendar_from_data(data: dict[str, Any] | None) -> Calendar | None:
    return Calendar(data["country"], data.get("subdivision"), data.get("timezone")) if data else None


def _regulator(data: dict[str, Any], regimes: dict[str, Regime]) -> Regulator:
    regime = regimes.get(data["regime"]) if "regime" in data else None
    own_stages = tuple(stage_from_data(s) for s in data.get("stages", []))
    return Regulator(
        id=data["id"], name=data["name"], owner=data["owner"], submit=data["submit"],
        jurisdiction=data.get("jurisdiction") or (regime.jurisdiction if regime else ""),
        law=data.get("law") or (regime.citation if regime else ""),
        applies_when=data.get("applies_when") or (regime.applies_to if regime else ""),
        stages=own_stages or (regime.stages if regime else ()),
        required_content=tuple(data.get("required_content", [])) or (regime.required_content if regime else ()),
        authority=data.get("authority"), note=data.get("note"), regime=regime,
        calendar=calendar_from_data(data.get("calendar")) or (regime.calendar if regime else None),
    )


def _optional_duration(value: str | None) -> Duration | None:
    return parse_duration(value) if value is not None else None


def build_model(data: dict[str, Any], regimes: dict[str, Regime] | None = None) -> Playbook:
    """Turn validated data into the model; ``regimes`` defaults to the packaged catalogue."""
    if regimes is None:
        from .regimes import catalogue  # the catalogue's loader needs this module first

        regimes = catalogue()
    doc = data["document"]
    document = Document(
        **{k: v for k, v in doc.items() if k != "history"},
        history=tuple(Change(**c) for c in doc.get("history", [])),
    )
    roles = tuple(
        Role(id=r["id"], name=r["name"], summary=r["summary"], escalate_after=parse_duration(r["escalate_after"]),
             responsibilities=tuple(r["responsibilities"]), decisions=tuple(r.get("decisions", [])),
             key=r.get("key", False))
        for r in data["roles"]
    )
    contacts = tuple(
        Contact(
            **{k: v for k, v in c.items() if k not in ("fills", "channels")},
            fills=tuple(Fill(f["role"], f["as"] == "primary", f.get("rank")) for f in c.get("fills", [])),
            channels=tuple(ContactChannel(**ch) for ch in c["channels"]),
        )
        for c in data["contacts"]
    )
    regulators = tuple(_regulator(r, regimes) for r in data.get("regulators", []))
    templates = tuple(
        Template(
            **{k: v for k, v in t.items()
               if k not in ("audiences", "regulators", "approval", "required_clauses", "optional_lines")},
            audiences=tuple(t["audiences"]),
            regulators=tuple(t.get("regulators", [])),
            approval=Approval(tuple(t["approval"]["approvers"]),
                              t["approval"].get("quorum", len(t["approval"]["approvers"]))),
            required_clauses=tuple(t.get("required_clauses", [])),
            optional_lines=tuple(t.get("optional_lines", [])),
        )
        for t in data["templates"]
    )
    phases = tuple(
        Phase(
            **{k: v for k, v in p.items() if k != "checklist"},
            checklist=tuple(
                ChecklistItem(
                    id=i["id"], action=i["action"], owner=i.get("owner", p.get("owner")),
                    due=_optional_duration(i.get("due")), due_from=i.get("from", "awareness") if "due" in i else None,
                    templates=tuple(i.get("templates", [])), contacts=tuple(i.get("contacts", [])),
                    regulators=tuple(i.get("regulators", [])), channels=tuple(i.get("channels", [])),
                    note=i.get("note"),
                )
                for i in p["checklist"]
            ),
        )
        for p in data["phases"]
    )
    severities = tuple(
        Severity(
            id=s["id"], name=s["name"], means=s["means"], phases=tuple(s["phases"]),
            templates=tuple(s.get("templates", [])),
            cadence=tuple(Cadence(c["audience"], parse_duration(c["every"]), _optional_duration(c.get("during")),
                                  c.get("note")) for c in s.get("cadence", [])),
        )
        for s in data.get("severities", [])
    )
    scenarios = tuple(
        Scenario(id=s["id"], name=s["name"], description=s["description"], phases=tuple(s["phases"]),
                 regulators=tuple(s.get("regulators", [])), templates=tuple(s.get("templates", [])),
                 severity=s.get("severity"))
        for s in data.get("scenarios", [])
    )
    return Playbook(
        document=document,
        roles=roles,
        contacts=contacts,
        channels=tuple(TeamChannel(**c) for c in data["channels"]),
        audiences=tuple(Audience(**a) for a in data["audiences"]),
        templates=templates,
        phases=phases,
        values=dict(data.get("values", {})),
        incident_facts=tuple(IncidentFact(**f) for f in data.get("incident_facts", [])),
        offices=tuple(Office(**o) for o in data.get("offices", [])),
        regulators=regulators,
        severities=severities,
        scenarios=scenarios,
        glossary=tuple(Term(**g) for g in data.get("glossary", [])),
    )


def public_edition(playbook: Playbook) -> Playbook:
    """The playbook without private values: private channels, and all channels and notes of private
    contacts, are gone; people, roles and organisations stay."""
    contacts = tuple(
        replace(contact, channels=(), notes=None) if contact.private
        else replace(contact, channels=tuple(c for c in contact.channels if not c.private))
        for contact in playbook.contacts
    )
    return replace(playbook, contacts=contacts)
