"""`playbook after-action LOG`: what happened in an exercise (or an incident), compared with the plan.

The log is the JSON the incident tools export (format ``crisis-playbook-log``, version 1). It is checked
field by field first: a malformed log is one clear message naming the file and the key path. Then the regulator
deadlines are counted by :mod:`generator.deadlines` from the moments the log recorded, as `playbook clock` counts
them; checklist deadlines from their moments (an event, a phase's start, a milestone's tick); and the report
says what was met, late or missed (a filing before awareness is none of these), what was never done, which messages
were copied, which roles never acted (ticked no item of their own and approved no message),
how the call tree answered, and proposes ``exercises`` findings to paste into playbook.yml.
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
        regulator, _, stage = key.partition("/")
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
BEFORE_AWARENESS = "filed before awareness: the clock had not started"
#: What "acted" means on the report; the roles that did neither "never acted".
ACTED = "Acted (ticked an item they own or approved a message)"


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
        report.notes.append(f"The log was kept with version {log.version} of {log.organisation}'s playbook; this is "
                            f"version {playbook.document.version}: items and deadlines may have changed.")
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
            status = _status(d.due, d.filed, log.exported, "not counted: " + d.status)
            if d.filed is not None and d.filed < events["awareness"]:  # no clock runs before awareness: not "met"
                status = BEFORE_AWARENESS
                report.findings.append(_finding(
                    f"{said}: the {d.stage.name} to {d.regulator.name} is logged as filed before awareness "
                    f"({_utc(d.filed)}); check the times in the log.", d.regulator.owner))
            report.deadlines.append((f"{d.regulator.name}: {d.stage.name}", d.regulator.id, d.due, d.filed, status))
            if status in ("missed", "late"):
                words = "was filed late" if status == "late" else "was not filed by its deadline"
                report.findings.append(_finding(
                    f"{said}: the {d.stage.name} to {d.regulator.name} {words} ({_utc(d.due)}).", d.regulator.owner))
    milestones = {f"milestone:{m}": item.id for m, (_, item) in playbook.milestones.items()}
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
            if item.due is None:
                status = "done" if done else "not done (no deadline in the plan)"
            elif start is None:
                status = "done" if done else f"not counted: {playbook.moment_words(moment or 'awareness')} not recorded"
            else:
                status = {"met": "on time", "late": "late", "missed": "never done", "not yet due": "not yet due"}[
                    _status(due, done, log.exported, "")]
            report.items.append((phase, item, due, done, status))
            if status in ("late", "never done"):
                what = "done late" if status == "late" else "never done"
                report.findings.append(_finding(f"{said}: “{item.action}” was {what} (due {_utc(due)}).", item.owner))
    report.copied = list(dict.fromkeys(e.message for e in log.entries if e.kind == "copied" and e.message))
    _approvals(playbook, log, report)
    if scenario:
        pack = exercise_pack(playbook, scenario)
        expected = list(dict.fromkeys([*scenario.templates, *(t for _, i in pack.items for t in i.templates)]))
        report.not_copied = [t for t in expected if t not in report.copied]
        owners = {r.id for r in pack.roles}
        # A role acted when it ticked an item it owns or approved a message (ACTED says so on the report).
        acted = {item.owner for phase, item, _, done, _ in report.items if done and item.owner} \
            | {role for _, roles, _, _ in report.approvals for role in roles}
        report.acted_roles = [r.id for r in playbook.roles if r.id in acted]
        report.silent_roles = [r.id for r in playbook.roles if r.id in owners and r.id not in acted]
        for role in report.silent_roles:
            report.findings.append(_finding(f"{said}: the {playbook.role(role).name} ticked none of its checklist "
                                            "items and approved no message.", role))
    calls = {call.key: call for call in call_tree(playbook)}
    for entry in log.entries:
        if entry.kind == "inject" and entry.inject:
            report.injects.append((entry.inject, entry.at))
        if entry.kind == "call" and entry.call and entry.outcome:
            call = calls.get(entry.call)
            who = f"{call.contact.name} ({call.role.name}, {call.place})" if call else entry.call
            report.calls.append((who, entry.channel or "", entry.outcome, entry.call, entry.seconds))
            if entry.outcome == "wrong-number":
                on = f" on {entry.channel}" if entry.channel else ""  # the log may not say which channel was called
                report.findings.append(_finding(f"Call-tree test: the number of {who}{on} was wrong or stale.",
                                                call.role.id if call else None))
    answered = {key.partition("/")[0] for _, _, outcome, key, _ in report.calls if outcome == "answered"}
    for role in dict.fromkeys(key.partition("/")[0] for _, _, _, key, _ in report.calls):
        if role not in answered and role in {r.id for r in playbook.roles}:
            name = playbook.role(role).name
            report.findings.append(_finding(f"Call-tree test: nobody of the {name} answered.", role))
    return report


def _said(log: Log) -> str:
    """What a finding is from: an exercise, or a real incident (whose log the same tools export)."""
    return "Exercise" if log.mode == "exercise" else "Incident"


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
            report.findings.append(_finding(f"{_said(log)}: the {template.title} was copied before "
                                            f"{approval.quorum} of its approvers had approved it.", template.owner))


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "not set in the plan"


def _finding(text: str, owner: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"finding": text}
    if owner:
        found["owner"] = owner
    found["status"] = "open"
    return found


_STATUS_WORDS = {"met": "met", "late": "late", "missed": "missed", "not yet due": "not yet due"}


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
    """The report as a Markdown page (values from the log and the plan escaped: it may join the site)."""
    log = report.log
    zone = ZoneInfo(playbook.document.timezone)

    def when(moment: dt.datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"

    md = markdown_text
    title = "After-action report" + (f": exercise of {log.scenario}" if log.scenario else
                                     (": call-tree test" if log.mode == "exercise" else ": incident"))
    lines = [f"# {md(title)}", ""]
    if log.mode == "exercise":
        lines += ["**EXERCISE**: nothing in this report is a real incident.", ""]
    lines += [f"Log from {when(log.started)} to {when(log.exported)}, kept with version {md(log.version)} of the "
              f"playbook of {md(log.organisation)}.", ""]
    lines += [f"*{md(note)}*" for note in report.notes] + ([""] if report.notes else [])
    if report.deadlines:
        lines += ["## Regulator deadlines", "", "| Regulator: stage | Due | Filed | Result |", "|---|---|---|---|"]
        for name, _, due, filed, status in report.deadlines:
            lines.append(f"| {md(name)} | {when(due)} | {when(filed) if filed else 'not filed'} | {md(status)} |")
        lines.append("")
    elif report.log.scenario:
        lines += ["## Regulator deadlines", "", "The moment of awareness is not in the log: no deadline was counted.",
                  ""]
    if report.items:
        lines += ["## Checklist items", "", "| Item | Owner | Due | Ticked | Result |", "|---|---|---|---|---|"]
        for phase, item, due, done, status in report.items:
            owner = playbook.role(item.owner).name if item.owner else "no owner"
            lines.append(f"| {md(item.action)} ({md(item.id)}, {md(phase.name)}) | {md(owner)} | {when(due)} | "
                         f"{when(done) if done else 'never'} | {md(status)} |")
        lines.append("")
    if log.scenario:
        lines += ["## Messages", ""]
        known = {x.id for x in playbook.templates}
        copied = [md(playbook.template(t).title if t in known else t) for t in report.copied]
        lines.append(f"Copied from the composer: {', '.join(copied) if copied else 'none'}.")
        lines.append(f"Expected in this scenario and never copied: "
                     f"{', '.join(md(playbook.template(t).title) for t in report.not_copied) or 'none'}.")
        lines.append("")
        if report.approvals:
            lines += ["| Message | Approved by | Approvals needed | Before it was copied |", "|---|---|---|---|"]
            for ident, roles, quorum, met in report.approvals:
                names = ", ".join(md(playbook.role(r).name) for r in roles if r in {x.id for x in playbook.roles})
                lines.append(f"| {md(playbook.template(ident).title)} | {names or 'nobody'} | {quorum} | "
                             f"{'rule met' if met else 'rule not met'} |")
            lines.append("")
        else:
            lines += ["No approval was recorded.", ""]
        lines += ["## Roles", "", f"{ACTED}: "
                  + (", ".join(md(playbook.role(r).name) for r in report.acted_roles) or "none") + ".",
                  "", "Never acted: " + (", ".join(md(playbook.role(r).name) for r in report.silent_roles) or "none")
                  + ".", ""]
    if report.injects:
        lines += ["## Injects", "", "| Inject | Shown at |", "|---|---|"]
        lines += [f"| {md(ident)} | {when(at)} |" for ident, at in report.injects] + [""]
    if report.calls:
        words = {"answered": "answered", "no-answer": "no answer", "wrong-number": "wrong or stale number"}
        lines += ["## Call tree", "", "| Person | Channel | Outcome | Seconds after the start |", "|---|---|---|---|"]
        lines += [f"| {md(who)} | {md(channel)} | {words[outcome]} | {seconds if seconds is not None else '-'} |"
                  for who, channel, outcome, _, seconds in report.calls] + [""]
    if log.mode == "exercise":
        proposed = findings_yaml(playbook, report).rstrip("\n")
        how = "Paste under `exercises:` in playbook.yml, then set each finding's owner and due date:"
    else:  # no exercise took place: the playbook's exercises section is not the place for them
        proposed = yaml.safe_dump(report.findings, sort_keys=False, allow_unicode=True, width=4096).rstrip("\n")
        how = ("This log is of a real incident, not an exercise: keep these findings with its lessons learned, "
               "each with an owner and a due date.")
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", proposed)), default=0))
    lines += ["## Proposed findings", "", how, "", f"{fence}yaml", proposed, fence, ""]
    return "\n".join(lines)
