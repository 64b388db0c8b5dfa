"""`playbook after-action LOG`: what happened in an exercise (or an incident), compared with the plan.

The log is the JSON the incident tools export (format ``crisis-playbook-log``, version 1). It is checked
field by field first: a malformed log is one clear message naming the file and the key path. Then the regulator
deadlines are counted by :mod:`generator.deadlines` from the moments the log recorded, as `playbook clock` counts
them; checklist deadlines from their moments (an event, a phase's start, a milestone's tick); and the report
says what was met, late or missed (a filing before awareness is none of these), what was never done, which messages
were copied, which roles never acted (ticked no item of their own and approved no message),
how the call tree answered, and proposes ``exercises`` findings to paste into playbook.yml.

The report speaks the plan's language (``document.language``, or ``--language``): the generator's words through
the site's gettext catalogues (i18n.py), times as the locale writes them (Babel, the site's medium form, with the
zone), the plan's texts in that language where the plan is translated into it. English keeps the forms it had.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from . import schema as S
from .deadlines import add, deadlines
from .errors import ExerciseError
from .escape import markdown_text
from .exercise import call_tree, exercise_pack
from .i18n import N_, SOURCE, Language, LanguageError, _, asked_tag, current, english, language, local_value, speaking
from .load import read_bounded
from .model import ChecklistItem, Phase, Playbook

LOG_FORMAT = "crisis-playbook-log"
LOG_VERSION = 1
OUTCOMES = ("answered", "no-answer", "wrong-number")
#: The years a logged time may fall in: an incident tool's clock, not a date library's whole range.
FIRST_YEAR, LAST_YEAR = 1970, 2999


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str
    text: str
    by: str = ""
    item: str | None = None
    inject: str | None = None
    message: str | None = None
    role: str | None = None
    call: str | None = None
    outcome: str | None = None
    channel: str | None = None
    seconds: int | None = None


@dataclass(frozen=True)
class Log:
    """An exported log, checked."""

    mode: str
    scenario: str | None
    started: dt.datetime
    exported: dt.datetime
    organisation: str
    version: str
    events: dict[str, dt.datetime]
    filed: dict[tuple[str, str], dt.datetime]
    ticks: dict[str, dt.datetime]
    entries: tuple[Entry, ...]
    file: str = ""  #: where it was read from, for messages


class _Reader:
    """Reads the log's fields, each failure one message with the file and the key path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> ExerciseError:
        return ExerciseError(f"{self.file}: {path}: {message}" if path else f"{self.file}: {message}")

    def get(self, data: dict[str, Any], key: str, kind: type | tuple[type, ...], path: str = "",
            *, optional: bool = False) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in data or data[key] is None:
            if optional:
                return None
            raise self.fail(where, "missing")
        value = data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = {str: "text", int: "a whole number", dict: "an object", list: "a list"}
            wanted = " or ".join(names.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.fail(where, f"expected {wanted}, got {json.dumps(value)[:40]}")
        return value

    def time(self, value: Any, where: str) -> dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.fail(where, f"expected a time in ISO 8601 with its offset, like 2026-03-27T09:00:00.000Z; "
                                   f"got {json.dumps(value)[:40]}")
        # Deadlines are counted from these times (months, business days): far from today they overflow.
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise self.fail(where, f"expected a time between the years {FIRST_YEAR} and {LAST_YEAR}, "
                                   f"got {json.dumps(value)[:40]}")
        return moment.astimezone(dt.UTC)

    def times(self, data: dict[str, Any], key: str) -> dict[str, dt.datetime]:
        values = self.get(data, key, dict, optional=True) or {}
        return {name: self.time(value, f"{key}.{name}") for name, value in values.items()}


def read_log(path: Path) -> Log:
    """The log at ``path``, checked.

    Raises:
        ExerciseError: not a log this tool reads, with the file and the key path of the first problem.
        LoadError: not a readable regular file, or too large.
    """
    file = str(path)
    reader = _Reader(file)
    raw = read_bounded(path, file)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise reader.fail("", "not UTF-8 text; export the log again from the incident page") from None
    except json.JSONDecodeError as exc:
        raise ExerciseError(f"{file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:  # the json module recurses once per [ or {
        raise reader.fail("", "not JSON this tool reads: nested too deeply") from None
    except ValueError:  # Python refuses to read an integer of more than sys.get_int_max_str_digits() digits
        raise reader.fail("", "not JSON this tool reads: a number of more than "
                              f"{sys.get_int_max_str_digits()} digits") from None
    if not isinstance(data, dict):
        raise reader.fail("", "not an exported log: expected a JSON object")
    if data.get("format") != LOG_FORMAT:
        raise reader.fail("format", f"not an exported log of the incident tools (expected \"{LOG_FORMAT}\"); "
                                    "export it with 'Export the log (JSON)' on the incident page")
    version = reader.get(data, "version", int)
    if version != LOG_VERSION:
        raise reader.fail("version", f"log format version {version}; this tool reads version {LOG_VERSION}")
    mode = reader.get(data, "mode", str)
    if mode not in ("exercise", "incident"):
        raise reader.fail("mode", f"expected \"exercise\" or \"incident\", got {json.dumps(mode)[:40]}")
    exercise = reader.get(data, "exercise", dict, optional=True) or {}
    scenario = reader.get(exercise, "scenario", str, "exercise", optional=True) or None
    playbook = reader.get(data, "playbook", dict)
    filed: dict[tuple[str, str], dt.datetime] = {}
    for key, at in reader.times(data, "filed").items():
        regulator, _slash, stage = key.partition("/")
        filed[(regulator, stage)] = at
    ticks = {}
    for ident, tick in (reader.get(data, "ticks", dict, optional=True) or {}).items():
        if not isinstance(tick, dict):
            raise reader.fail(f"ticks.{ident}", "expected an object with 'at'")
        ticks[ident] = reader.time(tick.get("at"), f"ticks.{ident}.at")
    entries = []
    for n, entry in enumerate(reader.get(data, "entries", list)):
        where = f"entries[{n}]"
        if not isinstance(entry, dict):
            raise reader.fail(where, "expected an object")
        def optional(key: str, kind: type = str, entry: dict[str, Any] = entry, where: str = where) -> Any:
            return reader.get(entry, key, kind, where, optional=True)

        outcome = optional("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            raise reader.fail(f"{where}.outcome", f"expected one of {', '.join(OUTCOMES)}, "
                                                  f"got {json.dumps(outcome)[:40]}")
        entries.append(Entry(reader.time(entry.get("at"), f"{where}.at"), reader.get(entry, "kind", str, where),
                             optional("text") or "", optional("by") or "", optional("item"), optional("inject"),
                             optional("message"), optional("role"), optional("call"), outcome, optional("channel"),
                             optional("seconds", int)))
    return Log(mode, scenario, reader.time(data.get("started"), "started"),
               reader.time(data.get("exported"), "exported"), reader.get(playbook, "organisation", str, "playbook"),
               reader.get(playbook, "version", str, "playbook"), reader.times(data, "events"), filed, ticks,
               tuple(sorted(entries, key=lambda e: e.at)), file)


@dataclass
class Report:
    """What the after-action report says, as data (the Markdown and the findings are made from it)."""

    log: Log
    deadlines: list[tuple[str, str, dt.datetime | None, dt.datetime | None, str]] = field(default_factory=list)
    items: list[tuple[Phase, ChecklistItem, dt.datetime | None, dt.datetime | None, str]] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    #: (message, roles that approved it, the quorum, whether the rule was met before it was first copied)
    approvals: list[tuple[str, list[str], int, bool]] = field(default_factory=list)
    not_copied: list[str] = field(default_factory=list)
    silent_roles: list[str] = field(default_factory=list)
    acted_roles: list[str] = field(default_factory=list)
    calls: list[tuple[str, str, str, str, int | None]] = field(default_factory=list)
    injects: list[tuple[str, dt.datetime]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


#: The report's status of a filing logged before awareness: no deadline's clock had started, so it is not "met".
BEFORE_AWARENESS = N_("filed before awareness: the clock had not started")
#: A deadline's result and a checklist item's, by what _status finds (the words are translated where they are said).
DEADLINE_RESULTS = {"met": N_("met"), "late": N_("late"), "missed": N_("missed"), "not yet due": N_("not yet due")}
ITEM_RESULTS = {"met": N_("on time"), "late": N_("late"), "missed": N_("never done"), "not yet due": N_("not yet due")}
#: A call's outcome as the report says it.
OUTCOME_WORDS = {"answered": N_("answered"), "no-answer": N_("no answer"), "wrong-number": N_("wrong or stale number")}


def report_language(playbook: Playbook, tag: str | None) -> tuple[Language, list[str]]:
    """The language of the report: ``tag`` (``--language``), else the plan's ``document.language``; and the
    warnings to show. A plan's language with no catalogue gives English, with a warning, as a build does.

    Raises:
        LanguageError: ``tag`` is empty, or has no catalogue (the message lists the languages that have one).
    """
    asked = asked_tag(tag, "--language")
    warnings = []
    try:
        chosen = language(asked or playbook.document.language)
    except LanguageError as exc:
        if asked:
            raise
        warnings.append(f"{exc}; the report's words are in English")
        chosen = english(playbook.document.language)
    if chosen.untranslated:
        warnings.append(chosen.missing_text())
    return chosen, warnings


def report_in(playbook: Playbook, log: Log, chosen: Language) -> str:
    """The after-action report of ``log`` in ``chosen``, with the plan's texts in it where the plan is translated."""
    from .multilingual import plan_in_language

    with speaking(chosen):
        shown = plan_in_language(playbook, chosen.tag)
        return report_markdown(shown, after_action(shown, log))


def _status(due: dt.datetime | None, done: dt.datetime | None, end: dt.datetime, missing: str) -> str:
    if due is None:
        return missing
    if done is not None:
        return "met" if done <= due else "late"
    return "missed" if due <= end else "not yet due"


def after_action(playbook: Playbook, log: Log) -> Report:
    """Compare ``log`` with ``playbook`` (see the module's doc).

    Raises:
        ExerciseError: the log is of a scenario the playbook does not have.
    """
    report = Report(log)
    if (log.organisation, log.version) != (playbook.document.organisation, playbook.document.version):
        report.notes.append(_("The log was kept with version %(logged)s of %(organisation)s's playbook; this is "
                              "version %(version)s: items and deadlines may have changed.")
                            % {"logged": log.version, "organisation": log.organisation,
                               "version": playbook.document.version})
    zone = ZoneInfo(playbook.document.timezone)
    said = _said(log)
    scenario = next((s for s in playbook.scenarios if s.id == log.scenario), None)
    if log.scenario and scenario is None:
        known = [s.id for s in playbook.scenarios]
        raise _Reader(log.file).fail("exercise.scenario", f"unknown scenario '{log.scenario}'; "
                                     + (f"known: {', '.join(known)}" if known else "the playbook has no scenarios"))
    regulators = set(scenario.regulators) if scenario else {r.id for r in playbook.regulators}
    phases = [playbook.phase(p) for p in scenario.phases] if scenario else list(playbook.phases)
    events = {k: v for k, v in log.events.items() if k in S.CLOCK_EVENTS}
    if "awareness" in events:
        for d in deadlines(playbook, events, zone, log.filed):
            if d.regulator.id not in regulators or d.status in ("not in force",):
                continue
            result = _status(d.due, d.filed, log.exported, "not counted")
            status = _(DEADLINE_RESULTS[result]) if result in DEADLINE_RESULTS else \
                _("not counted: %(why)s") % {"why": _(d.status)}
            values = {"source": said, "stage": d.stage.name, "regulator": d.regulator.name}
            if d.filed is not None and d.filed < events["awareness"]:  # no clock runs before awareness: not "met"
                status = _(BEFORE_AWARENESS)
                report.findings.append(_finding(
                    _("%(source)s: the %(stage)s to %(regulator)s is logged as filed before awareness (%(filed)s); "
                      "check the times in the log.") % {**values, "filed": _utc(d.filed)}, d.regulator.owner))
            elif result in ("missed", "late"):
                words = _("%(source)s: the %(stage)s to %(regulator)s was filed late (%(due)s).") if result == "late" \
                    else _("%(source)s: the %(stage)s to %(regulator)s was not filed by its deadline (%(due)s).")
                report.findings.append(_finding(words % {**values, "due": _utc(d.due)}, d.regulator.owner))
            report.deadlines.append((f"{d.regulator.name}: {d.stage.name}", d.regulator.id, d.due, d.filed, status))
    milestones = {f"milestone:{m}": item.id for m, (_phase, item) in playbook.milestones.items()}
    for phase in phases:
        for item in phase.checklist:
            if scenario and item.scenarios and scenario.id not in item.scenarios:
                continue
            moment = playbook.item_start(phase, item)
            start = log.events.get(moment) if moment else None
            if start is None and moment in milestones:
                start = log.ticks.get(milestones[moment])
            due = add(start, item.due, zone) if start is not None and item.due is not None else None
            done = log.ticks.get(item.id)
            result = _status(due, done, log.exported, "") if item.due is not None and start is not None else ""
            if result:
                status = _(ITEM_RESULTS[result])
            elif done:
                status = _("done")
            elif item.due is None:
                status = _("not done (no deadline in the plan)")
            else:
                status = _("not counted: %(moment)s not recorded") % {
                    "moment": playbook.moment_words(moment or "awareness")}
            report.items.append((phase, item, due, done, status))
            if result in ("late", "missed"):
                what = _("%(source)s: “%(action)s” was done late (due %(due)s).") if result == "late" else \
                    _("%(source)s: “%(action)s” was never done (due %(due)s).")
                report.findings.append(_finding(what % {"source": said, "action": item.action, "due": _utc(due)},
                                                item.owner))
    report.copied = list(dict.fromkeys(e.message for e in log.entries if e.kind == "copied" and e.message))
    _approvals(playbook, log, report)
    if scenario:
        pack = exercise_pack(playbook, scenario)
        expected = list(dict.fromkeys([*scenario.templates, *(t for _phase, i in pack.items for t in i.templates)]))
        report.not_copied = [t for t in expected if t not in report.copied]
        owners = {r.id for r in pack.roles}
        # A role acted when it ticked an item it owns or approved a message (the report says so).
        acted = {item.owner for _phase, item, _due, done, _result in report.items if done and item.owner} \
            | {role for _message, roles, _quorum, _met in report.approvals for role in roles}
        report.acted_roles = [r.id for r in playbook.roles if r.id in acted]
        report.silent_roles = [r.id for r in playbook.roles if r.id in owners and r.id not in acted]
        for role in report.silent_roles:
            report.findings.append(_finding(_("%(source)s: the %(role)s ticked none of its checklist items and "
                                              "approved no message.") % {"source": said,
                                                                         "role": playbook.role(role).name}, role))
    calls = {call.key: call for call in call_tree(playbook)}
    for entry in log.entries:
        if entry.kind == "inject" and entry.inject:
            report.injects.append((entry.inject, entry.at))
        if entry.kind == "call" and entry.call and entry.outcome:
            call = calls.get(entry.call)
            place = (_("primary") if call.rank is None else _("deputy %(rank)s") % {"rank": call.rank}) if call else ""
            who = f"{call.contact.name} ({call.role.name}, {place})" if call else entry.call
            report.calls.append((who, entry.channel or "", entry.outcome, entry.call, entry.seconds))
            if entry.outcome == "wrong-number":  # the log may not say which channel was called
                wrong = _("Call-tree test: the number of %(person)s on %(channel)s was wrong or stale.") \
                    if entry.channel else _("Call-tree test: the number of %(person)s was wrong or stale.")
                report.findings.append(_finding(wrong % {"person": who, "channel": entry.channel},
                                                call.role.id if call else None))
    answered = {key.partition("/")[0] for _who, _channel, outcome, key, _seconds in report.calls
                if outcome == "answered"}
    for role in dict.fromkeys(logged[3].partition("/")[0] for logged in report.calls):
        if role not in answered and role in {r.id for r in playbook.roles}:
            name = playbook.role(role).name
            report.findings.append(_finding(_("Call-tree test: nobody of the %(role)s answered.") % {"role": name},
                                            role))
    return report


def _said(log: Log) -> str:
    """What a finding is from: an exercise, or a real incident (whose log the same tools export)."""
    return _("Exercise") if log.mode == "exercise" else _("Incident")


def _approvals(playbook: Playbook, log: Log, report: Report) -> None:
    """For each message copied or approved: who approved it, and whether the plan's rule (the quorum of its
    approvers) was met before it was first copied; a message copied before that is a finding."""
    templates = {t.id: t for t in playbook.templates}
    touched = dict.fromkeys(e.message for e in log.entries if e.kind in ("copied", "approved") and e.message)
    for ident in touched:
        template = templates.get(ident or "")
        if template is None or template.approval is None or template.approval.none:
            continue
        approval = template.approval
        first_copy = next((e.at for e in log.entries if e.kind == "copied" and e.message == ident), None)
        approved = list(dict.fromkeys(e.role for e in log.entries if e.kind == "approved" and e.message == ident
                                      and e.role))
        before = {e.role for e in log.entries if e.kind == "approved" and e.message == ident and e.role
                  and (first_copy is None or e.at <= first_copy)}
        met = len(before & set(approval.approvers)) >= approval.quorum
        report.approvals.append((ident, approved, approval.quorum, met))
        if first_copy is not None and not met:
            report.findings.append(_finding(
                _("%(source)s: the %(message)s was copied before %(quorum)s of its approvers had approved it.")
                % {"source": _said(log), "message": template.title, "quorum": approval.quorum}, template.owner))


def _utc(moment: dt.datetime | None) -> str:
    return _when(moment, dt.UTC) if moment else _("not set in the plan")


def _when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A time in ``zone``: in English as the report always wrote it (2026-03-27 10:00 CET); in another language as
    the site writes a moment (Babel's medium form of the locale), with the zone as the locale names it."""
    from babel.dates import format_time

    chosen, local = current(), moment.astimezone(zone)
    if chosen.locale == SOURCE:
        return local.strftime("%Y-%m-%d %H:%M %Z")
    return f"{local_value(local, chosen)} {format_time(local, 'z', locale=chosen.babel)}"


def _finding(text: str, owner: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"finding": text}
    if owner:
        found["owner"] = owner
    found["status"] = "open"
    return found


def findings_yaml(playbook: Playbook, report: Report) -> str:
    """An ``exercises`` entry with the proposed findings, to paste into playbook.yml (a finding whose owner the
    plan does not give has none: choose one before it validates)."""
    log = report.log
    day = log.started.astimezone(ZoneInfo(playbook.document.timezone)).date()
    kind = "simulation" if log.scenario else "call-tree-test"
    entry: dict[str, Any] = {"id": f"{log.scenario or 'call-tree'}-{day.isoformat()}", "date": day, "kind": kind}
    if log.scenario:
        entry["scenario"] = log.scenario
    if report.acted_roles:
        entry["participants"] = report.acted_roles
    entry["version"] = log.version
    entry["findings"] = report.findings
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=4096)  # one line a finding


def report_markdown(playbook: Playbook, report: Report) -> str:
    """The report as a Markdown page (values from the log and the plan escaped: it may join the site), in the
    language of :func:`i18n.current` (see :func:`report_in`)."""
    log = report.log
    zone = ZoneInfo(playbook.document.timezone)

    def when(moment: dt.datetime | None) -> str:
        return _when(moment, zone) if moment else "-"

    def row(*cells: str) -> list[str]:
        return ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells)]

    md = markdown_text
    title = (_("After-action report: exercise of %(scenario)s") % {"scenario": log.scenario} if log.scenario else
             _("After-action report: call-tree test") if log.mode == "exercise" else _("After-action report: incident"))
    lines = [f"# {md(title)}", ""]
    if log.mode == "exercise":
        lines += [_("**EXERCISE**: nothing in this report is a real incident."), ""]
    lines += [_("Log from %(start)s to %(end)s, kept with version %(version)s of the playbook of %(organisation)s.")
              % {"start": when(log.started), "end": when(log.exported), "version": md(log.version),
                 "organisation": md(log.organisation)}, ""]
    lines += [f"*{md(note)}*" for note in report.notes] + ([""] if report.notes else [])
    if report.deadlines:
        lines += ["## " + _("Regulator deadlines"), "", *row(_("Regulator: stage"), _("Due"), _("Filed"), _("Result"))]
        for name, _regulator, due, filed, status in report.deadlines:
            shown = when(filed) if filed else _("not filed")
            lines.append(f"| {md(name)} | {when(due)} | {shown} | {md(status)} |")
        lines.append("")
    elif report.log.scenario:
        lines += ["## " + _("Regulator deadlines"), "",
                  _("The moment of awareness is not in the log: no deadline was counted."), ""]
    if report.items:
        lines += ["## " + _("Checklist items"), "",
                  *row(_("Item"), _("Owner"), _("Due"), _("Ticked"), _("Result"))]
        for phase, item, due, done, status in report.items:
            owner = playbook.role(item.owner).name if item.owner else _("no owner")
            ticked = when(done) if done else _("never")
            lines.append(f"| {md(item.action)} ({md(item.id)}, {md(phase.name)}) | {md(owner)} | {when(due)} | "
                         f"{ticked} | {md(status)} |")
        lines.append("")
    if log.scenario:
        lines += ["## " + _("Messages"), ""]
        known = {x.id for x in playbook.templates}
        copied = [md(playbook.template(t).title if t in known else t) for t in report.copied]
        lines.append(_("Copied from the composer: %(messages)s.") % {"messages": ", ".join(copied) or _("none")})
        lines.append(_("Expected in this scenario and never copied: %(messages)s.") % {
            "messages": ", ".join(md(playbook.template(t).title) for t in report.not_copied) or _("none")})
        lines.append("")
        if report.approvals:
            lines += row(_("Message"), _("Approved by"), _("Approvals needed"), _("Before it was copied"))
            nobody = _("nobody")
            for ident, roles, quorum, met in report.approvals:
                names = ", ".join(md(playbook.role(r).name) for r in roles if r in {x.id for x in playbook.roles})
                rule = _("rule met") if met else _("rule not met")
                lines.append(f"| {md(playbook.template(ident).title)} | {names or nobody} | {quorum} | {rule} |")
            lines.append("")
        else:
            lines += [_("No approval was recorded."), ""]
        acted = ", ".join(md(playbook.role(r).name) for r in report.acted_roles) or _("none")
        silent = ", ".join(md(playbook.role(r).name) for r in report.silent_roles) or _("none")
        lines += ["## " + _("Roles"), "",
                  _("Acted (ticked an item they own or approved a message): %(roles)s.") % {"roles": acted}, "",
                  _("Never acted: %(roles)s.") % {"roles": silent}, ""]
    if report.injects:
        lines += ["## " + _("Injects"), "", *row(_("Inject"), _("Shown at"))]
        lines += [f"| {md(ident)} | {when(at)} |" for ident, at in report.injects] + [""]
    if report.calls:
        lines += ["## " + _("Call tree"), "",
                  *row(_("Person"), _("Channel"), _("Outcome"), _("Seconds after the start"))]
        lines += [f"| {md(who)} | {md(channel)} | {_(OUTCOME_WORDS[outcome])} | "
                  f"{seconds if seconds is not None else '-'} |"
                  for who, channel, outcome, _call, seconds in report.calls] + [""]
    if log.mode == "exercise":
        proposed = findings_yaml(playbook, report).rstrip("\n")
        how = _("Paste under `exercises:` in playbook.yml, then set each finding's owner and due date:")
    else:  # no exercise took place: the playbook's exercises section is not the place for them
        proposed = yaml.safe_dump(report.findings, sort_keys=False, allow_unicode=True, width=4096).rstrip("\n")
        how = _("This log is of a real incident, not an exercise: keep these findings with its lessons learned, "
                "each with an owner and a due date.")
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", proposed)), default=0))
    lines += ["## " + _("Proposed findings"), "", how, "", f"{fence}yaml", proposed, fence, ""]
    return "\n".join(lines)
