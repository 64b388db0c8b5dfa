"""The exercise pack of a scenario: injects made from the plan itself, and the organisation's own.

Nothing here is invented. An inject the plan generates says only what the plan states: its time comes from
the plan's own deadlines and escalation times (or from the inject as the organisation wrote it), and what it
expects (checklist items, messages, regulators, roles and their decisions) is read from the plan's entries.
An inject the plan cannot back (no media audience, no deputy, no deadline counted from awareness) is not made.

Times count from a moment, named as the incident clock names it: an event (``awareness``), the start of a
phase (``phase:<id>``) or a milestone (``milestone:<id>``). In exercise mode the browser reveals an inject once
its moment is recorded and its time on the simulated clock has come.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from . import schema as S
from .deadlines import regulator_deadlines
from .durations import Duration, parse_duration
from .escape import Prose
from .model import ChecklistItem, Contact, ContactChannel, Phase, Playbook, Role, Scenario

#: The incident clock marks a deadline due within this time (incident page): a deadline inject comes then.
WARN_BEFORE = dt.timedelta(hours=2)
#: Any moment serves to measure a period of elapsed time; only elapsed periods make regulator injects, so
#: their offset is the same whatever day the exercise is played.
_SOME_MOMENT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
#: Kinds of message the press receives: an audience they serve is the media a journalist calls from.
PRESS_KINDS = ("press-release", "media-briefing")


@dataclass(frozen=True)
class Card:
    """One inject of the pack, with everything the plan expects of it."""

    id: str
    kind: str  #: start, phase, deputy, deadline, journalist, embargo, or own (written by the organisation)
    title: str
    moment: str  #: what its time counts from: an event, "phase:<id>" or "milestone:<id>"
    offset: Duration | None  #: after the moment; None: at the moment itself
    #: What the card is about, by kind: the phase, the role, the regulator and stage (and its period, a Duration, said
    #: in the site's language on the page), the audience, the template
    subject: dict[str, object]
    items: tuple[tuple[Phase, ChecklistItem], ...] = ()
    templates: tuple[str, ...] = ()
    regulators: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    decisions: tuple[tuple[str, str], ...] = ()  #: (role id, decision) or ("", decision) for an own inject's
    questions: tuple[str, ...] = ()  #: an own inject's questions (the plan's cards ask theirs in the template)
    text: Prose | None = None  #: an own inject's text (prose: its inline Markdown is kept)

    @property
    def channels(self) -> tuple[str, ...]:
        """The team channels its checklist items use."""
        return tuple(dict.fromkeys(c for _, item in self.items for c in item.channels))

    @property
    def minutes(self) -> int | None:
        """Minutes after the moment, for elapsed offsets; None for calendar offsets."""
        return 0 if self.offset is None else self.offset.elapsed_minutes

    @property
    def clock(self) -> dict[str, object]:
        """Its time for the browser's exercise mode: the moment, and the period after it."""
        period = self.offset
        return {"moment": self.moment, "amount": period.amount if period else 0,
                "unit": period.unit if period else "minutes", "plusMinutes": period.plus_minutes if period else 0}


@dataclass(frozen=True)
class Pack:
    scenario: Scenario
    phases: tuple[Phase, ...]
    cards: tuple[Card, ...]
    roles: tuple[Role, ...]  #: roles to invite, in the plan's order
    items: tuple[tuple[Phase, ChecklistItem], ...]  #: every item that applies in the scenario

    def owned_by(self, role: str) -> tuple[tuple[Phase, ChecklistItem], ...]:
        """The items of :attr:`items` that ``role`` owns, in their order (a role's handout lists them)."""
        return self._owned.get(role, ())

    @cached_property
    def _owned(self) -> dict[str, tuple[tuple[Phase, ChecklistItem], ...]]:
        """Every role's items, sorted out once: each handout would otherwise look through every item."""
        owned: dict[str, list[tuple[Phase, ChecklistItem]]] = {}
        for phase, item in self.items:
            if item.owner is not None:
                owned.setdefault(item.owner, []).append((phase, item))
        return {role: tuple(pairs) for role, pairs in owned.items()}


def applies(item: ChecklistItem, scenario: Scenario) -> bool:
    return not item.scenarios or scenario.id in item.scenarios


def _items(phases: tuple[Phase, ...], scenario: Scenario) -> list[tuple[Phase, ChecklistItem]]:
    return [(phase, item) for phase in phases for item in phase.checklist if applies(item, scenario)]


def _by_template(pairs: list[tuple[Phase, ChecklistItem]],
                 ids: frozenset[str]) -> tuple[tuple[Phase, ChecklistItem], ...]:
    return tuple((phase, item) for phase, item in pairs if ids & set(item.templates))


def _decisions(playbook: Playbook, roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((role, decision) for role in dict.fromkeys(roles) for decision in playbook.role(role).decisions)


def _moment(playbook: Playbook, phase: Phase, item: ChecklistItem) -> str | None:
    return playbook.item_start(phase, item)


def _start_card(playbook: Playbook, first: Phase, pairs: list[tuple[Phase, ChecklistItem]]) -> Card:
    """The incident begins: the first phase starts, and its items due from awareness are expected."""
    def minutes(item: ChecklistItem) -> int | None:
        return item.due.elapsed_minutes if item.due is not None and item.due_from == "awareness" else None

    early = sorted(((p, i) for p, i in pairs if p.id == first.id and minutes(i) is not None),
                   key=lambda pair: minutes(pair[1]) or 0)
    roles = tuple(dict.fromkeys([r for r in [first.owner, *(i.owner for _, i in early)] if r]))
    return Card("start", "start", first.name, "awareness", None, {"phase": first.id}, items=tuple(early),
                templates=tuple(dict.fromkeys(t for _, i in early for t in i.templates)),
                contacts=tuple(dict.fromkeys(c for _, i in early for c in i.contacts)), roles=roles,
                decisions=_decisions(playbook, roles[:1]))


def _phase_cards(playbook: Playbook, phases: tuple[Phase, ...],
                 pairs: list[tuple[Phase, ChecklistItem]]) -> list[Card]:
    cards = []
    for phase in phases[1:]:
        own = tuple((p, i) for p, i in pairs if p.id == phase.id)
        roles = tuple(dict.fromkeys([r for r in [phase.owner, *(i.owner for _, i in own)] if r]))
        cards.append(Card(f"phase-{phase.id}", "phase", phase.name, f"phase:{phase.id}", None, {"phase": phase.id},
                          items=own, templates=tuple(dict.fromkeys(t for _, i in own for t in i.templates)),
                          roles=roles, decisions=_decisions(playbook, roles[:1])))
    return cards


def _call_item(first: Phase, pairs: list[tuple[Phase, ChecklistItem]], person: str) -> ChecklistItem | None:
    """The first phase's first item that calls ``person`` by a time after awareness (``assess-alarm``: call the
    crisis lead within 15 minutes)."""
    return next((i for p, i in pairs if p.id == first.id and person in i.contacts and i.due is not None
                 and i.due_from == "awareness" and i.due.elapsed_minutes is not None), None)


def _deputy_card(playbook: Playbook, first: Phase, pairs: list[tuple[Phase, ChecklistItem]]) -> Card | None:
    """The first key role the first phase needs, with a deputy and an escalation time: its holder does not answer.

    Its time: the due time of the item that calls the holder, plus the role's escalation time (both the plan's);
    without such an item, the escalation time after awareness (the pack assumes the call came then, and says so).
    """
    needed = {first.owner, *(i.owner for p, i in pairs if p.id == first.id)}
    for role in playbook.roles:
        if not role.key or role.id not in needed or role.escalate_after is None:
            continue
        primaries, deputies = playbook.holders(role.id)
        if primaries and deputies:
            rank = playbook.deputy_rank(deputies[0], role.id)
            called = playbook.deputies_at(role.id, rank) if rank is not None else deputies[:1]
            item = _call_item(first, pairs, primaries[0].id)
            wait = role.escalate_after.elapsed_minutes
            offset = role.escalate_after
            if item is not None and item.due is not None and item.due.elapsed_minutes is not None \
                    and wait is not None:
                offset = parse_duration(f"{item.due.elapsed_minutes + wait}m")
            else:
                item = None
            return Card(f"deputy-{role.id}", "deputy", role.name, "awareness", offset,
                        {"role": role.id, "primary": primaries[0].id, "call_item": item},
                        items=tuple((p, i) for p, i in pairs if p.id == first.id and i.owner == role.id),
                        contacts=tuple(c.id for c in called), roles=(role.id,),
                        decisions=_decisions(playbook, (role.id,)))
    return None


def _deadline_cards(playbook: Playbook, scenario: Scenario, pairs: list[tuple[Phase, ChecklistItem]]) -> list[Card]:
    """A regulator's deadline approaches: for each stage counted from awareness in elapsed time, once the incident
    clock marks it due within two hours; at awareness itself for one due within two hours of it (the clock marks
    it from the start, and no other inject names it)."""
    cards = []
    zone = ZoneInfo(playbook.document.timezone)
    for ident in scenario.regulators:
        regulator = playbook.regulator(ident)
        for deadline in regulator_deadlines(regulator, {"awareness": _SOME_MOMENT}, zone):
            clock = deadline.stage.clock if deadline.status == "due" else deadline.stage.no_later_than
            if deadline.due is None or clock is None or clock.start != "awareness" \
                    or clock.due is None or clock.due.elapsed_minutes is None:
                continue
            left = deadline.due - _SOME_MOMENT
            soon = left <= WARN_BEFORE  # due within two hours of awareness: the card comes at awareness
            minutes = 0 if soon else int((left - WARN_BEFORE).total_seconds() // 60)
            items = tuple((p, i) for p, i in pairs if ident in i.regulators)
            templates = tuple(dict.fromkeys([*(t.id for t in playbook.templates_for_regulator(ident)),
                                             *(t for _, i in items for t in i.templates)]))
            roles = tuple(r for r in [regulator.owner] if r)
            cards.append(Card(f"deadline-{ident}-{deadline.stage.id}", "deadline", regulator.name, "awareness",
                              None if soon else parse_duration(f"{minutes}m"),
                              {"regulator": ident, "stage": deadline.stage.id, "stage_name": deadline.stage.name,
                               "due": clock.due, "status": deadline.status, "soon": soon},
                              items=items, templates=templates, regulators=(ident,),
                              contacts=tuple(c for c in [regulator.authority] if c), roles=roles,
                              decisions=_decisions(playbook, roles)))
    return cards


def _press(playbook: Playbook) -> list[str]:
    """Audiences the press messages serve: the media a journalist calls from."""
    return list(dict.fromkeys(a for t in playbook.templates if t.kind in PRESS_KINDS or "press" in t.media
                              for a in t.audiences))


def _timed(playbook: Playbook, pairs: tuple[tuple[Phase, ChecklistItem], ...]) -> tuple[Phase, ChecklistItem] | None:
    return next(((p, i) for p, i in pairs if i.due is not None and _moment(playbook, p, i)), None)


def _press_cards(playbook: Playbook, pairs: list[tuple[Phase, ChecklistItem]], plan: _Plan) -> list[Card]:
    """A journalist calls when the holding statement is due to be ready; the embargo leaks once it is agreed."""
    cards: list[Card] = []
    if not plan.press:
        return cards
    audience = playbook.audience(plan.press[0])
    holding = plan.holding
    drafting = _timed(playbook, _by_template(pairs, holding))
    qa = plan.qa
    if drafting is not None:
        phase, item = drafting
        cards.append(Card("journalist", "journalist", audience.name, _moment(playbook, phase, item) or "awareness",
                          item.due, {"audience": audience.id, "item": item.id},
                          items=_by_template(pairs, holding), templates=(*sorted(holding), *qa),
                          roles=(audience.owner,), decisions=_decisions(playbook, (audience.owner,))))
    briefing = plan.briefing
    agreed = _timed(playbook, _by_template(pairs, briefing))
    if agreed is not None and holding:
        phase, item = agreed
        cards.append(Card("embargo", "embargo", audience.name, _moment(playbook, phase, item) or "awareness",
                          item.due, {"audience": audience.id, "item": item.id},
                          items=_by_template(pairs, holding | briefing),
                          templates=tuple(sorted(holding | briefing)), roles=(audience.owner,),
                          decisions=_decisions(playbook, (audience.owner,))))
    return cards


def _moment_key(playbook: Playbook, start: str) -> str:
    if start in S.CLOCK_EVENTS:
        return start
    return f"milestone:{start}" if start in playbook.milestones else f"phase:{start}"


def _own_cards(playbook: Playbook, scenario: Scenario) -> list[Card]:
    def found(ident: str) -> tuple[Phase, ChecklistItem] | None:
        phase = playbook.phase_of.get(ident)
        return next(((phase, item) for item in phase.checklist if item.id == ident), None) if phase else None

    return [Card(f"own-{inject.id}", "own", inject.title, _moment_key(playbook, inject.start), inject.at, {},
                 items=tuple(pair for i in inject.items if (pair := found(i)) is not None), templates=inject.templates,
                 regulators=inject.regulators, contacts=inject.contacts, roles=inject.roles,
                 decisions=tuple(("", d) for d in inject.decisions), questions=inject.questions,
                 text=inject.text) for inject in scenario.injects]


@dataclass(frozen=True)
class _Plan:
    """What every pack of one playbook reads alike, worked out once per playbook: per pack, it made making the
    packs grow with the square of the plan. Plain values only (no reference to the playbook, which is forgotten
    with its packs)."""

    press: tuple[str, ...]  #: audiences the press messages serve (:func:`_press`)
    holding: frozenset[str]  #: holding statements
    briefing: frozenset[str]  #: media briefings
    qa: tuple[str, ...]  #: Q&A messages for the first press audience
    moments: dict[str, int]  #: every phase's start and milestone, in the plan's order


def _plan(playbook: Playbook) -> _Plan:
    press = tuple(_press(playbook))
    return _Plan(press, frozenset(t.id for t in playbook.templates if t.kind == "holding-statement"),
                 frozenset(t.id for t in playbook.templates if t.kind == "media-briefing"),
                 tuple(t.id for t in playbook.templates if t.kind == "qa" and press and press[0] in t.audiences),
                 {key: n for n, key in enumerate(dict.fromkeys([*(f"phase:{p.id}" for p in playbook.phases),
                                                                *(f"milestone:{m}" for m in playbook.milestones)]))})


def _order(plan: _Plan, scenario: Scenario) -> Callable[[str], tuple[int, int]]:
    """Moments in the order an incident reaches them: events, then the scenario's phases, then the other phases
    and the milestones in the plan's order; a moment of none of these last."""
    events = {event: n for n, event in enumerate(S.CLOCK_EVENTS)}
    own = {key: n for n, key in enumerate(dict.fromkeys(f"phase:{p}" for p in scenario.phases))}

    def rank(moment: str) -> tuple[int, int]:
        for group, places in enumerate((events, own, plan.moments)):
            if moment in places:
                return group, places[moment]
        return 3, 0

    return rank


#: Per playbook (by identity: hashing a whole model costs more than a pack), what its packs read alike and the
#: packs made, by scenario id.
_PACKS: dict[int, tuple[_Plan, dict[str, Pack]]] = {}


def exercise_pack(playbook: Playbook, scenario: Scenario) -> Pack:
    """The injects of ``scenario``'s exercise in time order (by moment, then time after it), and whom to invite.
    Made once per playbook and scenario: a build asks for each pack several times (the packs' index, the
    pack's page, the site's data); the model and the pack are frozen, so the same pack serves them all."""
    made = _PACKS.get(id(playbook))
    if made is None:
        made = _PACKS[id(playbook)] = (_plan(playbook), {})
        weakref.finalize(playbook, _PACKS.pop, id(playbook), None)  # before the id can be another model's
    plan, packs = made
    pack = packs.get(scenario.id)
    if pack is None or pack.scenario is not scenario:
        pack = packs[scenario.id] = _made_pack(playbook, scenario, plan)
    return pack


def forget_packs(playbook: Playbook) -> None:
    """The packs of ``playbook`` made again when next asked for (`playbook serve` records what making one reads:
    render.py)."""
    _PACKS.pop(id(playbook), None)


def _made_pack(playbook: Playbook, scenario: Scenario, plan: _Plan) -> Pack:
    phases = tuple(playbook.phase(p) for p in scenario.phases)
    pairs = _items(phases, scenario)
    cards = [_start_card(playbook, phases[0], pairs), *_phase_cards(playbook, phases, pairs)] if phases else []
    deputy = _deputy_card(playbook, phases[0], pairs) if phases else None  # a scenario may list no phases
    cards += [deputy] if deputy else []
    cards += _deadline_cards(playbook, scenario, pairs) + _press_cards(playbook, pairs, plan) \
        + _own_cards(playbook, scenario)
    order = _order(plan, scenario)
    cards.sort(key=lambda c: (order(c.moment), c.minutes if c.minutes is not None else 10**9))
    wanted = {r for c in cards for r in c.roles} | {i.owner for _, i in pairs if i.owner} \
        | {p.owner for p in phases if p.owner} \
        | {r for t in scenario.templates for r in _approvers(playbook, t)}
    roles = tuple(r for r in playbook.roles if r.id in wanted)
    return Pack(scenario, phases, tuple(cards), roles, tuple(pairs))


def _approvers(playbook: Playbook, template: str) -> list[str]:
    found = playbook.template(template)
    approval = found.approval
    return [*(approval.approvers if approval else ()), *([found.owner] if found.owner else [])]


def t_plus(minutes: int) -> str:
    """Minutes after awareness as the exercise clock shows them: ``T+70:00``."""
    return f"T+{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Call:
    """One person to call on the call tree: who, for which role, in what place of the calling order."""

    role: Role
    contact: Contact
    place: str  #: "primary", or "deputy 1", "deputy 2"…
    escalate_after: Duration | None  #: the role's time to wait for an answer before the next person

    @property
    def channels(self) -> tuple[ContactChannel, ...]:
        """The contact's channels, out-of-band ones first (the order the contacts page calls them in)."""
        return (*self.contact.out_of_band_channels, *(c for c in self.contact.channels if not c.out_of_band))

    @property
    def rank(self) -> int | None:
        """None for a primary, else the deputy's rank (1, 2…)."""
        return None if self.place == "primary" else int(self.place.split()[1])

    @property
    def key(self) -> str:
        """How the call-tree test names the call in the log: ``<role>/<contact>``."""
        return f"{self.role.id}/{self.contact.id}"


def call_tree(playbook: Playbook) -> list[Call]:
    """Every role's people in calling order (key roles first, then the plan's order): the primaries, then each
    deputy by rank."""
    calls: list[Call] = []
    for role in sorted(playbook.roles, key=lambda r: not r.key):
        primaries, deputies = playbook.holders(role.id)
        calls += [Call(role, c, "primary", role.escalate_after) for c in primaries]
        calls += [Call(role, c, f"deputy {playbook.deputy_rank(c, role.id) or 1}", role.escalate_after)
                  for c in deputies]
    return calls
