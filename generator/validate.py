"""Stage 2: check a loaded playbook and report every problem at once.

Three passes, all always run, so one run shows everything:

1. shape, with cerberus against :mod:`generator.schema`;
2. meaning: references that point nowhere, duplicate ids, undeclared blanks in
   message text, clocks that start from nothing, and similar rules;
3. readiness: warnings about a plan that is valid but would let the team down
   (``--strict`` makes them fatal).

Every pass reads the data defensively: an entry that failed the shape check is
skipped by the later passes rather than crashing them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, cast

import cerberus
import cerberus.schema
from cerberus import errors as cerberus_errors

from . import phones
from . import schema as S
from .durations import parse_duration
from .errors import Problem, Severity
from .load import KeyPath, Source, format_path, value_at
from .schema import BUILTIN_VALUES, COUNTRY, IDENTIFIER, INCIDENT_BLANK, LANGUAGE, SLUG, VALUE_BLANK
from .zones import accepted_timezones, is_timezone

#: A contact whose details were checked longer ago than this gets a warning.
VERIFY_WITHIN = dt.timedelta(days=365)

#: An entry of each section, in words: "unknown role 'x'".
SINGULAR = {entity.section: entity.singular for entity in S.ENTITIES}




#: "Did you mean" is worked out for this many problems of each kind; later ones of the kind only
#: list the known names. Each suggestion compares the wrong name with every known one.
SUGGEST_FIRST = 20
#: Above this many known names, only the ones sharing the most three-letter pieces with the wrong
#: name are compared with it in full (difflib's comparison is slow: about a millisecond a pair).
_COMPARE_ALL = 100
_SHORTLIST = 50


def _trigrams(name: str) -> set[str]:
    padded = f"  {name} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Suggestions:
    """Close matches for wrong names, for the first :data:`SUGGEST_FIRST` problems of each kind.

    The known names of a kind are sorted once and kept (keyed by the collection passed in, which
    callers build once), so thousands of wrong references cost what a handful do.
    """

    def __init__(self) -> None:
        self._asked: dict[str, int] = {}
        self._sorted: dict[int, tuple[Collection[str], list[str]]] = {}
        self._trigram_index: dict[int, tuple[list[str], dict[str, list[int]]]] = {}

    def close(self, kind: str, wrong: str, choices: Collection[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Up to ``n`` of ``choices`` that look like ``wrong``; none once the kind has had its share."""
        self._asked[kind] = self._asked.get(kind, 0) + 1
        if self._asked[kind] > SUGGEST_FIRST:
            return []
        import difflib  # here, not at the top: a valid playbook asks for no suggestions

        return difflib.get_close_matches(wrong, self._shortlist(wrong, self.ordered(choices)), n=n, cutoff=cutoff)

    def _shortlist(self, wrong: str, ordered: list[str]) -> list[str]:
        """The names worth comparing with ``wrong`` in full: all of a few, the likeliest of many."""
        if len(ordered) <= _COMPARE_ALL:
            return ordered
        kept = self._trigram_index.get(id(ordered))
        if kept is None or kept[0] is not ordered:
            index: dict[str, list[int]] = {}
            for number, name in enumerate(ordered):
                for trigram in _trigrams(name):
                    index.setdefault(trigram, []).append(number)
            kept = self._trigram_index[id(ordered)] = (ordered, index)
        shared = Counter(chain.from_iterable(kept[1].get(trigram, ()) for trigram in _trigrams(wrong)))
        return [ordered[number] for number, _ in shared.most_common(_SHORTLIST)]

    def ordered(self, choices: Collection[str]) -> list[str]:
        """``choices`` sorted, from the index when this collection was sorted before."""
        kept = self._sorted.get(id(choices))
        if kept is None or kept[0] is not choices:
            kept = self._sorted[id(choices)] = (choices, sorted(choices))
        return kept[1]

    def known(self, kind: str, choices: Collection[str], wrong: str, limit: int = 12) -> str:
        """A hint: ``'known: a, b, c'`` with the closest matches first."""
        if not choices:
            return "none are defined"
        close = self.close(kind, wrong, choices, cutoff=0.5)
        ordered = self.ordered(choices)
        shown = (close + [c for c in ordered[:limit] if c not in close])[:limit]
        return f"known: {', '.join(shown)}{', …' if len(ordered) > limit else ''}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 40 else "a text"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return {list: "a list", dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)


#: YAML 1.1's other words for true and false, which YAML 1.2 (and so the loader and editors) reads as text.
_YAML11_BOOLEANS = {"yes": "true", "y": "true", "on": "true", "no": "false", "n": "false", "off": "false"}

_EXPECTED = {
    "string": "text", "integer": "a whole number", "boolean": "true or false", "list": "a list",
    "dict": "a mapping of keys", "date": "a date (YYYY-MM-DD)",
}


class _TrustedDefinition(cerberus.schema.DefinitionSchema):  # type: ignore[misc]
    """A schema of :mod:`generator.schema` as cerberus holds it, trusted to be a valid cerberus schema that is
    already in cerberus's expanded form (no shortcut left for cerberus to write out).

    Cerberus checks a schema's own rules once per process, and before it looks up whether it has, it
    hashes the whole schema: either costs more than checking a playbook against it. It also expands the
    schema's shortcuts, walking all of it (a millisecond and a half for the three schemas), to give back the
    same schema. The test suite checks each schema with plain cerberus instead
    (``test_schema_is_a_valid_cerberus_schema``, ``test_schema_is_in_cerberus_expanded_form``).
    """

    def __init__(self, validator: Any, schema: S.Schema) -> None:
        self.validator, self.schema = validator, schema

    def validate(self, schema: Any = None) -> None:
        pass


class _UnsortedErrors(cerberus_errors.ErrorList):  # type: ignore[misc]
    """Cerberus's error list, without the sort it runs after every single error.

    Sorting after each addition makes n errors cost n² comparisons (5,000 unknown keys took over a
    minute); the problems are sorted once, by position, when they are reported.
    """

    def sort(self, *args: Any, **kwargs: Any) -> None:
        pass


class _NoSchemaTree:
    """Stands in for cerberus's schema error tree, which nothing here reads and which sorts all the
    errors of one schema rule (every unknown key of a mapping) again on each addition."""

    def add(self, error: Any) -> None:
        pass


class _ShapeValidator(cerberus.Validator):  # type: ignore[misc]
    """Cerberus with the playbook's own value checks, in time linear in the number of errors."""

    @property
    def _errors(self) -> _UnsortedErrors:
        errors: _UnsortedErrors = self.__dict__["_errors"]
        return errors

    @_errors.setter
    def _errors(self, errors: list[Any]) -> None:
        self.__dict__["_errors"] = _UnsortedErrors(errors)

    @property
    def schema_error_tree(self) -> _NoSchemaTree:
        return _NoSchemaTree()

    @schema_error_tree.setter
    def schema_error_tree(self, tree: Any) -> None:
        pass

    def _check_with_slug(self, field: str, value: Any) -> None:
        if isinstance(value, str) and not SLUG.match(value):
            self._error(field, f"'{value}' is not a valid id; use lowercase letters, digits and single "
                               "hyphens, like 'comms-lead'")

    def _check_with_identifier(self, field: str, value: Any) -> None:
        if isinstance(value, str) and not IDENTIFIER.match(value):
            self._error(field, f"'{value}' is not a valid name; use lowercase letters, digits and "
                               "underscores, starting with a letter, like 'next_update'")

    def _check_with_duration(self, field: str, value: Any) -> None:
        if isinstance(value, str):
            try:
                parse_duration(value)
            except ValueError as exc:
                self._error(field, str(exc))

    def _check_with_deadline(self, field: str, value: Any) -> None:
        if isinstance(value, str) and " ".join(value.lower().split()) not in S.PROMPTLY:
            try:
                parse_duration(value)
            except ValueError as exc:
                self._error(field, f"{exc}, or as the rule says it: {', '.join(S.PROMPTLY)}")

    def _check_with_approval(self, field: str, value: Any) -> None:
        if isinstance(value, str) and value != S.NO_APPROVAL:
            self._error(field, f"{_shown(value)} is not an approval; list the approvers "
                               f"('approval: {{approvers: [comms-lead]}}') or write '{S.NO_APPROVAL}' when the plan "
                               "has no approval step")

    def _check_with_timezone(self, field: str, value: Any) -> None:
        if isinstance(value, str) and not is_timezone(value):
            close = self._config["suggestions"].close("time zone", value, accepted_timezones(), cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; use an IANA name like Europe/Vienna"
            self._error(field, f"unknown time zone '{value}'{hint}")

    def _check_with_all_or_ids(self, field: str, value: Any) -> None:
        if isinstance(value, str) and value != S.ALL_ENTRIES:
            self._error(field, f"{_shown(value)} is neither '{S.ALL_ENTRIES}' nor a list of ids; write "
                               f"'{S.ALL_ENTRIES}' or [id, id]")

    def _check_with_language(self, field: str, value: Any) -> None:
        if isinstance(value, str) and not LANGUAGE.match(value):
            self._error(field, f"'{value}' is not a language tag; write it like 'en', 'de' or 'sr-Latn'")


class _Leaves(cerberus_errors.BaseErrorHandler):  # type: ignore[misc]
    """Hands back cerberus's errors as a flat list of the innermost ones."""

    def __call__(self, errors: Any) -> list[Any]:
        def leaves(items: Any) -> Iterator[Any]:
            for error in items:
                if error.is_group_error:
                    yield from leaves(error.child_errors)
                else:
                    yield error
        return list(leaves(errors))


def rules_at(path: KeyPath, root: S.Schema = S.PLAYBOOK) -> dict[str, Any] | None:
    """The schema rules of the field at ``path`` (list indexes step into items)."""
    rules: dict[str, Any] = {"type": "dict", "schema": root}
    for part in path:
        inner = rules.get("schema")
        if isinstance(part, int):
            if rules.get("type") != "list" or inner is None:
                return None
            rules = inner
        else:
            if not S.is_mapping(rules) or inner is None or part not in inner:
                return None
            rules = inner[part]
    return rules


class _Report:
    """Collects problems for one source."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.suggestions = Suggestions()

    def add(self, path: KeyPath, message: str, severity: Severity = "error", *,
            at: tuple[int, int] | None = None, hint: str = "") -> None:
        if at is None:
            position = self.source.position(path)
            at = (position.line, position.column)
        line, column = at
        self.problems.append(Problem(self.source.file, line, column, format_path(path), message, severity, hint))

    def warn(self, path: KeyPath, message: str) -> None:
        self.add(path, message, "warning")


def _shape_message(error: Any, root: S.Schema, suggestions: Suggestions) -> tuple[KeyPath, str, str]:
    """Where a cerberus error is, what it says, and the hint that goes with it."""
    path: KeyPath = tuple(error.document_path)
    code = error.code
    if code == cerberus_errors.REQUIRED_FIELD.code:
        return path[:-1], f"missing required key '{path[-1]}'", ""
    if code == cerberus_errors.UNKNOWN_FIELD.code:
        parent = rules_at(path[:-1], root) or {}
        known = sorted((parent.get("schema") or {}).keys())
        key = str(path[-1])
        close = suggestions.close("key", key, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return path, f"unknown key '{key}'{hint}", f"known: {', '.join(known)}"
    if code == cerberus_errors.BAD_TYPE.code:
        kinds: list[str] = error.constraint if isinstance(error.constraint, list) else [error.constraint]
        expected = " or ".join(_EXPECTED.get(kind, kind) for kind in kinds)
        hint = ""
        if error.constraint == "string" and isinstance(error.value, (int, float, bool, dt.date)):
            hint = "put it in quotes"
        elif error.constraint == "date" and isinstance(error.value, str):
            hint = "write it as YYYY-MM-DD without quotes"
        elif error.constraint == "boolean" and isinstance(error.value, str) and error.value.lower() in _YAML11_BOOLEANS:
            hint = f"write {_YAML11_BOOLEANS[error.value.lower()]}; yes, no, on and off are text in YAML 1.2, " \
                   "as editors read it"
        return path, f"expected {expected}, got {_shown(error.value)}", hint
    if code == cerberus_errors.NOT_NULLABLE.code:
        return path, "has no value", "fill it in or remove the key"
    if code == cerberus_errors.EMPTY_NOT_ALLOWED.code:
        return path, "is empty", "fill it in or remove the key"
    if code == cerberus_errors.UNALLOWED_VALUE.code:
        return path, f"'{error.value}' is not allowed", suggestions.known(
            "value", [str(choice) for choice in error.constraint], str(error.value), 20)
    if code == cerberus_errors.MIN_LENGTH.code:
        return path, f"needs at least {error.constraint} entr{'y' if error.constraint == 1 else 'ies'}", ""
    if code == cerberus_errors.MIN_VALUE.code:
        return path, f"must be at least {error.constraint}, got {error.value}", ""
    if code == cerberus_errors.REGEX_MISMATCH.code:
        description = (rules_at(path, root) or {}).get("meta", {})
        return path, f"'{error.value}' does not have the expected form (example: {description.get('example')})", ""
    if code == cerberus_errors.DEPENDENCIES_FIELD.code:
        needed = [error.constraint] if isinstance(error.constraint, str) else list(error.constraint)
        return path, f"needs '{', '.join(needed)}' beside it", ""
    if code == cerberus_errors.CUSTOM.code:
        message, _, hint = str(error.info[0]).partition("; ")  # the value checks write "what; what to do"
        return path, message, hint
    message = cerberus_errors.BasicErrorHandler.messages.get(code, "is not valid")
    return path, message.format(*error.info, constraint=error.constraint, field=error.field, value=error.value), ""


#: Each schema as cerberus holds it (its shortcuts expanded), by the schema's id: made once per process,
#: not once per file checked.
_DEFINITIONS: dict[int, tuple[S.Schema, _TrustedDefinition]] = {}


def _shape_validator(root: S.Schema, suggestions: Suggestions) -> _ShapeValidator:
    kept = _DEFINITIONS.get(id(root))
    if kept is None or kept[0] is not root:
        kept = _DEFINITIONS[id(root)] = (root, _TrustedDefinition(None, root))
    return _ShapeValidator(kept[1], error_handler=_Leaves, suggestions=suggestions)


def _check_shape(report: _Report, root: S.Schema = S.PLAYBOOK) -> None:
    validator = _shape_validator(root, report.suggestions)
    # No normalisation: the schema has no defaults or coercions, and skipping it halves the time.
    if validator.validate(report.source.data, normalize=False):
        return
    for error in validator.errors:
        path, message, hint = _shape_message(error, root, report.suggestions)
        if error.code == cerberus_errors.UNKNOWN_FIELD.code and error.value is None \
                and _after_flow_comma(report.source, path):
            hint = (f"a comma inside {{…}} separates keys: if '{path[-1]}' is the rest of the text before it, "
                    f"put that text in quotes; {hint}")
        report.add(path, message, hint=hint)


def _after_flow_comma(source: Source, path: KeyPath) -> bool:
    """Whether the key at ``path`` is written right after a comma inside ``{…}`` on its line: the
    YAML trap of a text with a comma in a flow mapping (``{note: home, weekends}``)."""
    position = source.positions.get(path)
    if position is None or not 0 < position.line <= len(source.lines):
        return False
    before = source.lines[position.line - 1][: position.column - 1].rstrip()
    return before.endswith(",") and before.rfind("{") > before.rfind("}")


# --- passes 2 and 3: rules --------------------------------------------------------------

@dataclass
class _Checked:
    """What the rules share: the report, the ids found, who fills each role, the day of the check."""

    report: _Report
    today: dt.date
    ids: dict[str, dict[str, KeyPath]] = field(default_factory=dict)
    #: role id → {"primary": [contact ids], "deputy": [contact ids]}, set by the roles rule.
    holders: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: The readiness rule running now, by its name (see :func:`rule_name`).
    rule: str = ""
    #: (exception index, subject) of every warning a reviewed exception accepted.
    accepted: set[tuple[int, str | None]] = field(default_factory=set)

    @property
    def data(self) -> dict[str, Any]:
        return self.report.source.data

    def warn(self, path: KeyPath, message: str) -> None:
        """A readiness warning, unless a current reviewed exception accepts it (then a notice says so)."""
        subject = _subject(self.data, path)
        for index, exception in _entries(self.data, "exceptions"):
            about = [ident for _, ident in _texts(exception, "about")]
            if exception.get("rule") == self.rule and (not about or subject in about) and _current(self, exception):
                self.accepted.add((index, subject))
                self.report.add(path, f"{message} (accepted: reviewed exception, line "
                                      f"{self.report.source.position(('exceptions', index)).line})", "notice")
                return
        self.report.add(path, message, "warning", hint=f"readiness rule '{self.rule}'")


def rule_name(check: Rule) -> str:
    """How a readiness rule is named in warnings and exceptions: ``role-has-a-deputy``."""
    return check.__name__.replace("_", "-")


def _subject(data: dict[str, Any], path: KeyPath) -> str | None:
    """The id of the innermost entry along ``path`` (the role, the checklist item) a warning is about."""
    subject, node = None, cast(Any, data)
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            subject = node["id"]
    return subject


def _current(c: _Checked, exception: dict[str, Any]) -> bool:
    """Whether an exception's review is less than a year old (an older one no longer accepts anything)."""
    reviewed = exception.get("reviewed_on")
    return isinstance(reviewed, dt.date) and c.today - reviewed <= VERIFY_WITHIN


Rule = Callable[[_Checked], None]
#: Every rule of meaning (errors), then every readiness rule (warnings), in the order they run.
MEANING_RULES: list[Rule] = []
READINESS_RULES: list[Rule] = []


def meaning(check: Rule) -> Rule:
    """Register a rule of meaning: it reports errors."""
    MEANING_RULES.append(check)
    return check


def readiness(check: Rule) -> Rule:
    """Register a readiness rule: it reports warnings (``--strict`` makes them fatal)."""
    READINESS_RULES.append(check)
    return check


def _entries(data: dict[str, Any], section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Well-formed entries of a list section, with their index."""
    items = data.get(section)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _texts(item: dict[str, Any], key: str) -> list[tuple[int, str]]:
    values = item.get(key)
    if not isinstance(values, list):
        return []
    return [(i, v) for i, v in enumerate(values) if isinstance(v, str)]


def _collect_ids(report: _Report) -> dict[str, dict[str, KeyPath]]:
    """Ids per section; reports duplicates at the second occurrence."""
    ids: dict[str, dict[str, KeyPath]] = {}
    for section in S.ID_SECTIONS:
        seen = ids.setdefault(section, {})
        for index, item in _entries(report.source.data, section):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = report.source.position(seen[ident])
                report.add((section, index, "id"),
                           f"duplicate {SINGULAR[section]} id '{ident}' (first used on line {first.line})")
            else:
                seen[ident] = (section, index, "id")
    return ids


def references(rules: dict[str, Any], data: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str, str]]:
    """Every (path, section, id) where the data refers to another entry, found through ``meta.ref``."""
    ref = rules.get("meta", {}).get("ref")
    if ref and isinstance(data, str):
        yield path, ref, data
    inner = rules.get("schema")
    if inner is None:
        return
    if rules.get("type") == "list" and isinstance(data, list):
        for index, item in enumerate(data):
            yield from references(inner, item, (*path, index))
    elif S.is_mapping(rules) and isinstance(data, dict):
        for key, value in data.items():
            if key in inner:
                yield from references(inner[key], value, (*path, key))


@meaning
def references_point_at_entries(c: _Checked) -> None:
    """Every field marked ``meta.ref`` in the schema names an entry that exists."""
    for path, section, ident in references({"type": "dict", "schema": S.PLAYBOOK}, c.data, ()):
        if SLUG.match(ident) and ident not in c.ids[section]:
            c.report.add(path, f"unknown {SINGULAR[section]} '{ident}'",
                         hint=c.report.suggestions.known(section, c.ids[section], ident))


@meaning
def roles_are_filled(c: _Checked) -> None:
    """Each role has a primary (or says how it is filled); deputies have a rank (deputies of one rank are called
    together); a contact fills a role once."""
    report = c.report
    holders = c.holders = {role: {"primary": [], "deputy": []} for role in c.ids["roles"]}
    for c_index, contact in _entries(report.source.data, "contacts"):
        filled: set[str] = set()
        for f_index, fill in _entries(contact, "fills"):
            path = ("contacts", c_index, "fills", f_index)
            role, kind, rank = fill.get("role"), fill.get("as"), fill.get("rank")
            if not isinstance(role, str) or role not in holders or kind not in ("primary", "deputy"):
                continue
            if role in filled:
                report.add(path, f"fills role '{role}' twice")
                continue
            filled.add(role)
            holders[role][kind].append(str(contact.get("id")))
            if kind == "primary" and rank is not None:
                report.add((*path, "rank"), "a primary has no rank; rank orders the deputies (1 = first deputy)")
            elif kind == "deputy" and rank is None:
                report.add(path, f"deputy of '{role}' needs a rank (1 = first deputy)")

    for index, role in _entries(report.source.data, "roles"):
        ident = role.get("id")
        if isinstance(ident, str) and ident in holders and not holders[ident]["primary"] and "filled_by" not in role:
            report.add(("roles", index), f"role '{ident}' has no primary contact; give a contact "
                                         f"'fills: [{{role: {ident}, as: primary}}]', or say how the role is "
                                         "filled in 'filled_by' (an on-call rota, say)")


def _check_channel_values(report: _Report, path: KeyPath, contact: dict[str, Any], region: str | None) -> None:
    """Phone numbers (read in ``region`` when national) and e-mail addresses of one contact's channels."""
    for ch_index, channel in _entries(contact, "channels"):
        kind, value = channel.get("type"), channel.get("value")
        if not isinstance(value, str):
            continue
        value_path = (*path, "channels", ch_index, "value")
        if kind in phones.PHONE_TYPES and (reason := phones.problem(value, region)):
            report.add(value_path, f"'{value}' {reason}")
        if kind == "email" and (reason := email_problem(value)):
            report.add(value_path, f"'{value}' is not an e-mail address: {reason}")


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address by its syntax (email-validator, no DNS), or None.

    ``.test`` domains pass (exercises and examples use them); other reserved names do not.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        return reason[:1].lower() + reason[1:]
    return None


@meaning
def contact_channels_look_right(c: _Checked) -> None:
    """Phone numbers and e-mail addresses of the contacts look like ones."""
    regions: dict[str, str | None] | None = None  # found (with phonenumbers) at the first contact with a number
    for c_index, contact in _entries(c.data, "contacts"):
        ident = contact.get("id")
        if regions is None and any(channel.get("type") in phones.PHONE_TYPES for _, channel in
                                   _entries(contact, "channels")):
            regions = phones.regions(c.data)
        _check_channel_values(c.report, ("contacts", c_index), contact,
                              regions.get(ident) if regions is not None and isinstance(ident, str) else None)


def validate_private(source: Source, regions: dict[str, str | None]) -> list[Problem]:
    """Check ``contacts.private.yml``: its shape, that every contact exists, and its channel values;
    ``regions`` maps each contact of the playbook to the region its national numbers are read in."""
    report = _Report(source)
    _check_shape(report, S.PRIVATE_CONTACTS)
    contacts = source.data.get("contacts")
    for ident, entry in contacts.items() if isinstance(contacts, dict) else ():
        if ident not in regions:
            report.add(("contacts", ident), f"unknown contact '{ident}'",
                       hint=report.suggestions.known("contacts", set(regions), ident))
        if isinstance(entry, dict):
            _check_channel_values(report, ("contacts", ident), entry, regions.get(ident))
    return sorted(report.problems, key=lambda p: (p.line, p.column, p.path, p.message))


@meaning
def channel_is_not_its_own_fallback(c: _Checked) -> None:
    for index, channel in _entries(c.data, "channels"):
        if channel.get("fallback") is not None and channel.get("fallback") == channel.get("id"):
            c.report.add(("channels", index, "fallback"), "a channel cannot be its own fallback")


def _check_clock(report: _Report, clock: dict[str, Any], path: KeyPath, earlier: list[str]) -> None:
    start = clock.get("from")
    if isinstance(start, str) and start not in S.CLOCK_EVENTS and start not in earlier:
        choices = list(S.CLOCK_EVENTS) + earlier
        report.add((*path, "from"), f"unknown clock start '{start}'",
                   hint=f"use an event or an earlier stage; {report.suggestions.known('clock start', choices, start)}")


def _business_days(due: Any) -> bool:
    """True for a duration counted in business days or hours, however it is spelled ("3 working days")."""
    return _unit(due) in ("business days", "business hours")


def _unit(due: Any) -> str | None:
    try:
        return parse_duration(due).unit if isinstance(due, str) else None
    except ValueError:
        return None  # the shape check reports it


def _regimes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The catalogue by id, loaded only when a regulator names a regime."""
    if not any("regime" in regulator for _, regulator in _entries(data, "regulators")):
        return {}
    from .regimes import catalogue_data

    return {entry["id"]: entry for entry in catalogue_data()}


@meaning
def regime_is_known_or_regulator_complete(c: _Checked) -> None:
    """A named regime exists; a regulator without one gives what a regime would supply."""
    regimes = _regimes(c.data)
    for r_index, regulator in _entries(c.data, "regulators"):
        path: KeyPath = ("regulators", r_index)
        wrong = regulator.get("regime")
        if isinstance(wrong, str) and wrong not in regimes:
            c.report.add((*path, "regime"), f"unknown regime '{wrong}'",
                         hint=c.report.suggestions.known("regime", regimes, wrong, limit=25))
        if "regime" not in regulator:
            for key in S.REGULATOR_WITHOUT_REGIME:
                if key not in regulator:
                    c.report.add(path, f"missing required key '{key}' (or name a catalogue 'regime' that supplies it)")


@meaning
def stages_are_unique_and_start_from_something(c: _Checked) -> None:
    """Stage ids are unique in a regulator; each clock starts from an event or an earlier stage."""
    for r_index, regulator in _entries(c.data, "regulators"):
        earlier: list[str] = []
        for s_index, stage in _entries(regulator, "stages"):
            stage_path = ("regulators", r_index, "stages", s_index)
            _check_clock(c.report, stage, stage_path, earlier)
            limit = stage.get("no_later_than")
            if isinstance(limit, dict):
                _check_clock(c.report, limit, (*stage_path, "no_later_than"), earlier)
            ident = stage.get("id")
            if isinstance(ident, str):
                if ident in earlier:
                    c.report.add((*stage_path, "id"), f"duplicate stage id '{ident}' in this regulator")
                earlier.append(ident)


@meaning
def stages_are_not_named_like_events(c: _Checked) -> None:
    """Stages and clock events are separate namespaces: 'from: assessment' must mean one thing."""
    for r_index, regulator in _entries(c.data, "regulators"):
        for s_index, stage in _entries(regulator, "stages"):
            ident = stage.get("id")
            if isinstance(ident, str) and ident in S.CLOCK_EVENTS:
                c.report.add(("regulators", r_index, "stages", s_index, "id"),
                             f"stage id '{ident}' is also the name of a clock event",
                             hint=f"stages and events are separate; rename the stage (e.g. '{ident}-report')")


@meaning
def business_days_have_a_calendar(c: _Checked) -> None:
    """Business-day deadlines need a holiday calendar (the regulator's or its regime's) that exists."""
    regimes = _regimes(c.data)
    calendars: list[tuple[KeyPath, str]] = []
    for r_index, regulator in _entries(c.data, "regulators"):
        path: KeyPath = ("regulators", r_index)
        named = regulator.get("regime")
        regime = regimes.get(named) if isinstance(named, str) else None
        clocks = [clock for _, stage in _entries(regulator, "stages")
                  for clock in (stage, stage.get("no_later_than")) if isinstance(clock, dict)]
        calendar = regulator.get("calendar")
        if isinstance(calendar, dict) and isinstance(calendar.get("country"), str):
            calendars.append(((*path, "calendar", "country"), calendar["country"]))
        elif any(_business_days(clock.get("due")) for clock in clocks) and (regime or {}).get("calendar") is None:
            c.report.add(path, "business-day deadlines need a holiday calendar; add 'calendar: {country: XX}'")
        chosen = calendar if isinstance(calendar, dict) else (regime or {}).get("calendar") or {}
        if any(_unit(clock.get("due")) == "business hours" for clock in clocks) and chosen and "hours" not in chosen:
            c.report.add(path, "business-hour deadlines need a service window; add 'hours: 08:00-17:00' (say) to "
                               "the regulator's calendar")
    if calendars:
        import holidays  # only when a calendar is named: the library takes a while to import

        supported = holidays.list_supported_countries()
        for path, country in calendars:
            if re.fullmatch(COUNTRY, country) and country not in supported:  # other forms: see shape check
                c.report.add(path, f"no public-holiday calendar for country '{country}'")


def _blank_problems(report: _Report, path: KeyPath, text: str, values: set[str], facts: set[str]) -> None:
    """Every ``{{ value }}`` and ``[[ fact ]]`` in ``text`` must be declared."""
    def at(offset: int) -> tuple[int, int]:
        position = report.source.text_position(path, offset)
        return position.line, position.column

    for match in re.finditer(r"\{%|\{#", text):
        report.add(path, f"'{match.group()}' is not allowed in message text; only {{{{ name }}}} and "
                         "[[ name ]] blanks are", at=at(match.start()))
    for match in VALUE_BLANK.finditer(text):
        name = match.group(1).strip()
        if not IDENTIFIER.match(name):
            report.add(path, f"'{match.group()}' is not a blank; write {{{{ name }}}} with a declared value name",
                       at=at(match.start()))
        elif name not in values:
            report.add(path, f"unknown value '{{{{ {name} }}}}'", at=at(match.start()),
                       hint=f"declare it under 'values'; {report.suggestions.known('value', values, name)}")
    for match in INCIDENT_BLANK.finditer(text):
        name = match.group(1).strip()
        if not IDENTIFIER.match(name):
            report.add(path, f"'{match.group()}' is not a blank; write [[ name ]] with a declared incident fact",
                       at=at(match.start()))
        elif name not in facts:
            report.add(path, f"unknown incident fact '[[ {name} ]]'", at=at(match.start()),
                       hint=f"declare it under 'incident_facts'; {report.suggestions.known('fact', facts, name)}")
    unclosed = re.search(r"\{\{(?![^{}\n]*\}\})|\[\[(?![^\[\]\n]*\]\])", text)
    if unclosed:
        report.add(path, f"'{unclosed.group()}' is never closed", at=at(unclosed.start()))


def _normalised(text: str) -> str:
    return " ".join(text.split())


@meaning
def builtin_values_are_not_redeclared(c: _Checked) -> None:
    declared = c.data.get("values")
    for builtin in BUILTIN_VALUES:
        if isinstance(declared, dict) and builtin in declared:
            c.report.add(("values", builtin), f"'{builtin}' is filled from document.organisation; remove it here")


@meaning
def blanks_are_declared(c: _Checked) -> None:
    """Every ``{{ value }}`` and ``[[ fact ]]`` in message text is declared; nothing else looks like one."""
    declared = c.data.get("values")
    values = set(BUILTIN_VALUES) | {k for k in (declared if isinstance(declared, dict) else ()) if isinstance(k, str)}
    facts = set(c.ids["incident_facts"])
    if isinstance(declared, dict):  # a value is pasted into message text, so its blanks are checked too
        for key, value in declared.items():
            if isinstance(key, str) and isinstance(value, str):
                _blank_problems(c.report, ("values", key), value, values, facts)
    for index, template in _entries(c.data, "templates"):
        path = ("templates", index)
        for key in ("subject", "body"):
            if isinstance(template.get(key), str):
                _blank_problems(c.report, (*path, key), template[key], values, facts)
        for key in ("outline", "optional_lines", "required_clauses"):
            for l_index, line in _texts(template, key):
                _blank_problems(c.report, (*path, key, l_index), line, values, facts)


@meaning
def required_clauses_are_in_the_body(c: _Checked) -> None:
    """Each required clause appears in the body as written (line breaks and spacing aside)."""
    for index, template in _entries(c.data, "templates"):
        body = template.get("body")
        if not isinstance(body, str):
            continue
        spaced = _normalised(body)  # once per body, not once per clause
        for c_index, clause in _texts(template, "required_clauses"):
            if _normalised(clause) not in spaced:
                c.report.add(("templates", index, "required_clauses", c_index),
                             "required clause does not appear in the body; put it back as written")


@meaning
def approval_can_be_reached(c: _Checked) -> None:
    """Approvers are listed once each; the quorum is not more than the approvers."""
    for index, template in _entries(c.data, "templates"):
        approval = template.get("approval")
        if not isinstance(approval, dict):
            continue
        path = ("templates", index, "approval")
        approvers = [a for _, a in _texts(approval, "approvers")]
        for a_index, approver in _texts(approval, "approvers"):
            if approvers.index(approver) != a_index:
                c.report.add((*path, "approvers", a_index), f"approver '{approver}' is listed twice")
        quorum = approval.get("quorum")
        if isinstance(quorum, int) and not isinstance(quorum, bool) and quorum > len(approvers):
            c.report.add((*path, "quorum"), f"quorum {quorum} is more than the {len(approvers)} approvers listed")
        for a_index, conditional in _entries(approval, "conditional"):
            if conditional.get("role") in approvers:
                c.report.add((*path, "conditional", a_index, "role"),
                             f"'{conditional['role']}' is an approver already; a conditional approver is one who "
                             "approves only in some situations")
        fallback = approval.get("fallback")
        if isinstance(fallback, dict):
            pool = [a for _, a in _texts(fallback, "of")] or approvers
            needed = fallback.get("quorum")
            if isinstance(needed, int) and not isinstance(needed, bool) and needed > len(pool):
                roles = f"{len(pool)} role{'' if len(pool) == 1 else 's'}"
                c.report.add((*path, "fallback", "quorum"),
                             f"fallback quorum {needed} is more than the {roles} it counts")


@meaning
def template_has_a_body_or_an_outline(c: _Checked) -> None:
    """A message template gives its text, or the outline the team writes it from; not both, not neither."""
    for index, template in _entries(c.data, "templates"):
        has = [key for key in ("body", "outline") if key in template]
        if not has:
            c.report.add(("templates", index), "missing required key 'body' (or 'outline', when the plan gives "
                                               "only the points the message must cover)")
        elif len(has) == 2:
            c.report.add(("templates", index, "outline"), "give either a body or an outline, not both",
                         hint="an outline is for a message the plan has no approved text for")


#: ``(( name ))``: a field filled in per recipient (mail merge).
MERGE_BLANK = re.compile(r"\(\(([^()\n]*)\)\)")


@meaning
def templates_say_where_and_when_once(c: _Checked) -> None:
    """A message names its medium or media, and its phase or phases: one of each pair."""
    for index, template in _entries(c.data, "templates"):
        for one, several in (("medium", "media"), ("phase", "phases")):
            given = [key for key in (one, several) if key in template]
            if not given:
                c.report.add(("templates", index), f"missing required key '{one}' (or '{several}' for several)")
            elif len(given) == 2:
                c.report.add(("templates", index, several), f"give either '{one}' or '{several}', not both")


@meaning
def companions_go_out_together(c: _Checked) -> None:
    """A companion is another message that can go out with this one: used in one of its phases."""
    phases = {t["id"]: set(_phase_ids(t)) for _, t in _entries(c.data, "templates") if isinstance(t.get("id"), str)}
    for index, template in _entries(c.data, "templates"):
        for m_index, companion in _texts(template, "companions"):
            path = ("templates", index, "companions", m_index)
            if companion == template.get("id"):
                c.report.add(path, "a message cannot be its own companion")
            elif companion in phases and not phases[companion] & set(_phase_ids(template)):
                c.report.add(path, f"companion '{companion}' is used in none of this message's phases, so they "
                                   "cannot go out together")


def _phase_ids(template: dict[str, Any]) -> list[str]:
    given = template.get("phases") if "phases" in template else [template.get("phase")]
    return [p for p in given if isinstance(p, str)] if isinstance(given, list) else []


@meaning
def merge_fields_are_declared_and_used(c: _Checked) -> None:
    """Every (( field )) in a message's text is one of its merge fields, and every merge field is used."""
    for index, template in _entries(c.data, "templates"):
        declared = {str(f.get("id")) for _, f in _entries(template, "merge_fields")}
        texts: list[tuple[KeyPath, Any]] = [((key,), template.get(key)) for key in ("subject", "body")]
        texts += [((key, i), line) for key in ("outline", "optional_lines", "required_clauses")
                  for i, line in _texts(template, key)]
        used: set[str] = set()
        for key, text in texts:
            for match in MERGE_BLANK.finditer(text if isinstance(text, str) else ""):
                name = match.group(1).strip()
                used.add(name)
                if name not in declared:
                    c.report.add(("templates", index, *key), f"'(( {name} ))' is not a merge field of this message",
                                 hint="declare it under 'merge_fields'")
        for f_index, merge in _entries(template, "merge_fields"):
            if merge.get("id") not in used and isinstance(merge.get("id"), str):
                c.report.add(("templates", index, "merge_fields", f_index),
                             f"merge field '{merge['id']}' is not used in the message's text")


#: A plain text followed on its line by `` #word``: YAML read the rest as a comment and dropped it.
_CUT_BY_COMMENT = re.compile(r"\s+(#\S.*)$")


@meaning
def texts_are_not_cut_by_a_comment(c: _Checked) -> None:
    """A plain (unquoted) text on one line, followed by `` #nimbus …``: YAML dropped everything from the
    `` #`` on as a comment, so the text ends early. A warning: a real comment may start that way."""
    source = c.report.source
    for path, start in source.value_positions.items():
        if not 0 < start.line <= len(source.lines) or source.styles.get(path):
            continue
        written = source.lines[start.line - 1][start.column - 1:]
        if "#" not in written:  # no comment after the value: most values, and no need to look the value up
            continue
        value = value_at(c.data, path)
        if not isinstance(value, str) or written[:1] in ("'", '"'):
            continue
        if written.startswith(value) and (cut := _CUT_BY_COMMENT.match(written[len(value):])):
            c.report.add(path, f"the text ends where ' #' starts a YAML comment: '{_excerpt(cut.group(1))}' was "
                               "dropped", "warning", hint="put the whole text in quotes if it belongs to it")


def _excerpt(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@meaning
def exceptions_name_readiness_rules(c: _Checked) -> None:
    """A readiness exception names a readiness rule, once."""
    names = [rule_name(check) for check in READINESS_RULES]
    seen: set[str] = set()
    for index, exception in _entries(c.data, "exceptions"):
        rule = exception.get("rule")
        if not isinstance(rule, str):
            continue
        if rule not in names:
            c.report.add(("exceptions", index, "rule"), f"unknown readiness rule '{rule}'",
                         hint=c.report.suggestions.known("readiness rule", names, rule, limit=20))
        elif rule in seen:
            c.report.add(("exceptions", index, "rule"), f"readiness rule '{rule}' already has an exception; "
                                                         "list every entry it covers under one 'about'")
        seen.add(rule)


@meaning
def item_clocks_start_from_something(c: _Checked) -> None:
    """A checklist item's deadline counts from an event, a phase's start or a milestone another item marks;
    milestones are named once and not like an event or a phase; items count no business days (they have
    no holiday calendar)."""
    milestones: dict[str, str] = {}
    items = [((p_index, i_index), item) for p_index, phase in _entries(c.data, "phases")
             for i_index, item in _entries(phase, "checklist")]
    for (p_index, i_index), item in items:
        mark = item.get("marks")
        if not isinstance(mark, str) or not SLUG.match(mark):
            continue
        mark_path: KeyPath = ("phases", p_index, "checklist", i_index, "marks")
        if mark in milestones:
            c.report.add(mark_path, f"milestone '{mark}' is already marked by checklist item '{milestones[mark]}'")
        elif mark in S.CLOCK_EVENTS or mark == S.PHASE_START or mark in c.ids["phases"]:
            c.report.add(mark_path, f"milestone '{mark}' is named like an event or a phase",
                         hint="name the milestone for what happened, like 'external-response-decided'")
        else:
            milestones[mark] = str(item.get("id"))
    starts = [*S.CLOCK_EVENTS, S.PHASE_START, *c.ids["phases"], *milestones]
    for (p_index, i_index), item in items:
        path = ("phases", p_index, "checklist", i_index)
        start = item.get("from")
        if isinstance(start, str) and SLUG.match(start) and start not in starts:
            c.report.add((*path, "from"), f"unknown clock start '{start}'",
                         hint=f"use an event, phase-start, a phase or a milestone an item marks; "
                              f"{c.report.suggestions.known('clock start', starts, start)}")
        elif isinstance(start, str) and start == item.get("marks"):
            c.report.add((*path, "from"), f"the item counts from the milestone '{start}' it marks itself")
        if "from" in item and "due" not in item and "every" not in item:
            c.report.add((*path, "from"), "needs 'due' or 'every' beside it",
                         hint="'from' says what the deadline or the repetition counts from")
        if _business_days(item.get("due")) or _business_days(item.get("every")):
            c.report.add((*path, "due" if _business_days(item.get("due")) else "every"),
                         "a checklist item's deadline cannot count business days or hours: it has no holiday "
                         "calendar",
                         hint="write it in hours or calendar days")


@meaning
def injects_point_at_items_and_moments(c: _Checked) -> None:
    """A scenario's own inject names checklist items that exist, counts from an event, a phase of its scenario or a
    milestone, and counts no business days (an exercise has no holiday calendar); its ids are unique in the
    scenario (the exercise log names injects by them)."""
    items = {str(item.get("id")) for section in ("phases", "procedures") for _, holder in _entries(c.data, section)
             for _, item in _entries(holder, "checklist")}
    milestones = [str(item["marks"]) for _, phase in _entries(c.data, "phases")
                  for _, item in _entries(phase, "checklist") if isinstance(item.get("marks"), str)]
    for s_index, scenario in _entries(c.data, "scenarios"):
        if scenario.get("id") == "index":
            c.report.add(("scenarios", s_index, "id"), "scenario id 'index' would take the place of the exercise "
                                                       "packs' index page (exercise/index.html)",
                         hint="choose another id")
        phases = [ident for _, ident in _texts(scenario, "phases")]
        starts = list(dict.fromkeys([*S.CLOCK_EVENTS, *phases, *milestones]))
        seen: set[str] = set()
        for i_index, inject in _entries(scenario, "injects"):
            path: KeyPath = ("scenarios", s_index, "injects", i_index)
            ident = inject.get("id")
            if isinstance(ident, str) and ident in seen:
                c.report.add((*path, "id"), f"duplicate inject id '{ident}' in scenario '{scenario.get('id')}'")
            seen.add(str(ident))
            start = inject.get("from")
            if isinstance(start, str) and SLUG.match(start) and start not in starts:
                c.report.add((*path, "from"), f"unknown clock start '{start}'",
                             hint=f"use an event, a phase of the scenario or a milestone an item marks; "
                                  f"{c.report.suggestions.known('clock start', starts, start)}")
            if _business_days(inject.get("at")):
                c.report.add((*path, "at"), "an inject's time cannot count business days or hours: an exercise "
                                            "has no holiday calendar", hint="write it in hours or calendar days")
            for n, item in _texts(inject, "items"):
                if item not in items:
                    c.report.add((*path, "items", n), f"unknown checklist item '{item}'",
                                 hint=c.report.suggestions.known("checklist item", sorted(items), item))


@meaning
def checklist_item_ids_are_unique(c: _Checked) -> None:
    """Checklist item ids are unique across all phases and procedures (ticks are stored under them)."""
    report = c.report
    seen: dict[str, KeyPath] = {}
    for section in ("phases", "procedures"):
        for p_index, holder in _entries(report.source.data, section):
            for i_index, item in _entries(holder, "checklist"):
                ident = item.get("id")
                if not isinstance(ident, str):
                    continue
                path = (section, p_index, "checklist", i_index, "id")
                if ident in seen:
                    first = report.source.position(seen[ident]).line
                    report.add(path, f"duplicate checklist item id '{ident}' (first used on line {first}); "
                                     "item ids are unique across all phases and procedures")
                else:
                    seen[ident] = path


@meaning
def glossary_terms_are_unique(c: _Checked) -> None:
    """A term is explained once, whatever its capitals."""
    report = c.report
    terms: dict[str, int] = {}
    for index, entry in _entries(report.source.data, "glossary"):
        term = entry.get("term")
        if isinstance(term, str):
            if term.lower() in terms:
                report.add(("glossary", index, "term"), f"term '{term}' is already explained "
                                                         f"(line {terms[term.lower()]})")
            else:
                terms[term.lower()] = report.source.position(("glossary", index)).line


# --- pass 3: readiness ---------------------------------------------------------------

@readiness
def review_date_not_passed(c: _Checked) -> None:
    document = c.data.get("document")
    if isinstance(document, dict) and isinstance(document.get("next_review"), dt.date):
        if document["next_review"] < c.today:
            c.warn(("document", "next_review"), f"the review date {document['next_review']} has passed; "
                                                       "review the playbook and set a new date")


@readiness
def contact_details_recently_verified(c: _Checked) -> None:
    for index, contact in _entries(c.data, "contacts"):
        verified = contact.get("verified_on")
        if isinstance(verified, dt.date) and c.today - verified > VERIFY_WITHIN:
            c.warn(("contacts", index, "verified_on"),
                          f"details of '{contact.get('id')}' were last verified on {verified}, more than a year "
                          "ago; call to check them and update the date")


def _filled_roles(c: _Checked) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(index, id, role) of every role the roles rule counted holders for."""
    for index, role in _entries(c.data, "roles"):
        ident = role.get("id")
        if isinstance(ident, str) and ident in c.holders:
            yield index, ident, role


@readiness
def role_has_a_deputy(c: _Checked) -> None:
    for index, ident, _ in _filled_roles(c):
        if c.holders[ident]["primary"] and not c.holders[ident]["deputy"]:
            c.warn(("roles", index), f"role '{ident}' has no deputy; name one so the role is covered "
                                            "when the primary cannot be reached")


@readiness
def key_role_reachable_out_of_band(c: _Checked) -> None:
    out_of_band = {str(contact.get("id")) for _, contact in _entries(c.data, "contacts")
                   if any(ch.get("out_of_band") is True for _, ch in _entries(contact, "channels"))}
    for index, ident, role in _filled_roles(c):
        everyone = c.holders[ident]["primary"] + c.holders[ident]["deputy"]
        if role.get("key") is True and everyone and not out_of_band.intersection(everyone):
            c.warn(("roles", index), f"key role '{ident}' cannot be reached out-of-band: none of its "
                                            "contacts has a channel with out_of_band: true")


def _before(today: dt.date, period: Any, default: str) -> dt.date:
    """The day ``period`` (a duration as written, else ``default``) before ``today``."""
    try:
        duration = parse_duration(period if isinstance(period, str) else default)
    except ValueError:
        duration = parse_duration(default)  # the shape check reports the bad one
    if duration.unit == "months":
        index = today.year * 12 + today.month - 1 - duration.amount
        year, month = divmod(index, 12)
        return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    days = {"weeks": 7, "days": 1, "business days": 1}.get(duration.unit)
    if days:
        return today - dt.timedelta(days=duration.amount * days)
    return today - dt.timedelta(minutes=duration.elapsed_minutes or 0)


def _document(c: _Checked) -> dict[str, Any]:
    document = c.data.get("document")
    return document if isinstance(document, dict) else {}


def _exercises(c: _Checked) -> list[tuple[int, dict[str, Any]]]:
    return [(i, e) for i, e in _entries(c.data, "exercises") if isinstance(e.get("date"), dt.date)]


@readiness
def plan_exercised_recently(c: _Checked) -> None:
    """Once exercises are recorded, the last is recent (document.exercise_within, default 12 months)."""
    exercises = _exercises(c)
    if not exercises:
        return  # a plan that records no exercises is not judged on them
    document = _document(c)
    since = _before(c.today, document.get("exercise_within"), "12 months")
    index, last = max(exercises, key=lambda pair: pair[1]["date"])
    if last["date"] < since:
        c.warn(("exercises", index, "date"), f"the last exercise was on {last['date']}, before {since}; "
                                             "exercise the plan again")


@readiness
def call_tree_tested_recently(c: _Checked) -> None:
    """Once exercises are recorded, a call-tree test is among them and recent (default 6 months)."""
    exercises = _exercises(c)
    if not exercises:
        return
    document = _document(c)
    since = _before(c.today, document.get("call_tree_test_within"), "6 months")
    tests = [(i, e) for i, e in exercises if e.get("kind") == "call-tree-test"]
    if not tests:
        c.warn(("exercises",), "no call-tree test is recorded; call everyone on the call tree and record it")
    elif (last := max(tests, key=lambda pair: pair[1]["date"]))[1]["date"] < since:
        c.warn(("exercises", last[0], "date"), f"the last call-tree test was on {last[1]['date']}, before {since}; "
                                               "test the call tree again")


@readiness
def key_role_exercised(c: _Checked) -> None:
    """Once exercises are recorded, every key role has taken part in one."""
    exercises = _exercises(c)
    if not exercises:
        return
    taken_part = {role for _, e in exercises for _, role in _texts(e, "participants")}
    for index, ident, role in _filled_roles(c):
        if role.get("key") is True and ident not in taken_part:
            c.warn(("roles", index), f"key role '{ident}' has taken part in no recorded exercise")


@readiness
def findings_done_by_their_date(c: _Checked) -> None:
    """An open finding of an exercise is not past its due date."""
    for e_index, exercise in _entries(c.data, "exercises"):
        for f_index, finding in _entries(exercise, "findings"):
            due = finding.get("due")
            if finding.get("status") == "open" and isinstance(due, dt.date) and due < c.today:
                c.warn(("exercises", e_index, "findings", f_index),
                       f"an open finding of exercise '{exercise.get('id')}' was due on {due}")


def _served(c: _Checked, key: str) -> set[str]:
    """Ids the message templates list under ``key`` (audiences, regulators)."""
    return {ident for _, template in _entries(c.data, "templates") for _, ident in _texts(template, key)}


@readiness
def audience_has_a_template(c: _Checked) -> None:
    served = _served(c, "audiences")
    for index, audience in _entries(c.data, "audiences"):
        if isinstance(audience.get("id"), str) and audience["id"] not in served:
            c.warn(("audiences", index), f"no message template serves audience '{audience['id']}'")


@readiness
def regulator_has_a_template(c: _Checked) -> None:
    notified = _served(c, "regulators")
    for index, regulator in _entries(c.data, "regulators"):
        if isinstance(regulator.get("id"), str) and regulator["id"] not in notified:
            c.warn(("regulators", index), f"regulator '{regulator['id']}' has no notification template; "
                                                 f"list '{regulator['id']}' under a template's 'regulators'")


@readiness
def checklist_item_has_an_owner(c: _Checked) -> None:
    for p_index, phase in _entries(c.data, "phases"):
        for i_index, item in _entries(phase, "checklist"):
            if item.get("owner") is None and phase.get("owner") is None:
                c.warn(("phases", p_index, "checklist", i_index),
                              f"checklist item '{item.get('id')}' has no owner, and phase "
                              f"'{phase.get('id')}' has no owner to inherit")


@readiness
def covert_phase_uses_out_of_band_channels(c: _Checked) -> None:
    team_channels = {ch["id"]: ch for _, ch in _entries(c.data, "channels") if isinstance(ch.get("id"), str)}
    for p_index, phase in _entries(c.data, "phases"):
        if phase.get("covert") is not True:
            continue
        for i_index, item in _entries(phase, "checklist"):
            for c_index, channel in _texts(item, "channels"):
                if team_channels.get(channel, {}).get("out_of_band") is False:
                    c.warn(("phases", p_index, "checklist", i_index, "channels", c_index),
                                  f"phase '{phase.get('id')}' is covert, but channel '{channel}' is not "
                                  "out-of-band; the attacker may read it")


def _exceptions_are_current_and_used(c: _Checked) -> None:
    """An exception older than a year is reviewed again; one that accepts no warning is removed."""
    for index, exception in _entries(c.data, "exceptions"):
        rule, reviewed = exception.get("rule"), exception.get("reviewed_on")
        if not isinstance(rule, str) or rule not in {rule_name(check) for check in READINESS_RULES} \
                or not isinstance(reviewed, dt.date):
            continue  # an unknown rule is an error already
        if not _current(c, exception):
            c.report.add(("exceptions", index, "reviewed_on"), f"the exception for '{rule}' was reviewed on "
                                                                f"{reviewed}, more than a year ago; review it again "
                                                                "and update the date", "warning")
            continue
        used = {subject for i, subject in c.accepted if i == index}
        about = _texts(exception, "about")
        if not about and not used:
            c.report.add(("exceptions", index), f"the exception for '{rule}' accepts no warning; remove it",
                         "warning")
        for a_index, ident in about:
            if ident not in used:
                c.report.add(("exceptions", index, "about", a_index),
                             f"the exception for '{rule}' accepts no warning about '{ident}'; remove it", "warning")


def shape_problems(source: Source, root: S.Schema) -> list[Problem]:
    """Only the shape check, against any schema of :mod:`generator.schema` (the catalogue's, say)."""
    report = _Report(source)
    _check_shape(report, root)
    return sorted(report.problems, key=lambda p: (p.line, p.column, p.path, p.message))


def _older_format(report: _Report) -> bool:
    """Whether the playbook is of an older format than this tool's (reported, with what to do): its
    other problems would be the differences between the formats, so they are not listed."""
    version = S.format_of(report.source.data)
    if version is None or version == S.FORMAT_VERSION:
        return False  # the shape check says what is wrong with a format that is no number
    where = ("format",) if "format" in report.source.data else ()
    if version > S.FORMAT_VERSION:
        report.add(where, f"this playbook is in format {version}, newer than this tool reads (format "
                          f"{S.FORMAT_VERSION})", hint="upgrade crisis-playbook")
    else:
        report.add(where, f"this playbook is in format {version}; this tool reads format {S.FORMAT_VERSION}",
                   hint=f"run `playbook migrate {report.source.file}` to rewrite it (comments are kept)")
    return True


def validate(source: Source, *, today: dt.date) -> list[Problem]:
    """Every problem in ``source``: errors and readiness warnings, sorted by position."""
    report = _Report(source)
    if _older_format(report):
        return report.problems
    _check_shape(report)
    checked = _Checked(report, today, _collect_ids(report))
    for check in MEANING_RULES:
        check(checked)
    for check in READINESS_RULES:
        checked.rule = rule_name(check)
        check(checked)
    _exceptions_are_current_and_used(checked)
    return sorted(report.problems, key=lambda p: (p.line, p.column, p.path, p.message))
