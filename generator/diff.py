"""What changed between two versions of a playbook, entry by entry and field by field."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import schema as S
from .errors import LoadError, Problem
from .git import file_at_revision, recent_tags
from .load import MAX_FILE_BYTES, Source, load, load_bytes
from .model import Playbook, build_model, public_edition
from .validate import validate

#: Sections that are one mapping, not a list of entries: how a change to them is named.
WHOLE_SECTIONS = {"format": "format version", "document": "document control", "values": "organisation values"}


#: What happened to an entry between two versions.
ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: str
    label: str
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field path, old value, new value)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, (list, tuple)):
        flat = {}
        for index, inner in enumerate(value):
            flat.update(_flatten(inner, f"{prefix}[{index}]"))
        return flat or {prefix: ()}
    return {prefix: value}


def _entries(playbook: Playbook, entity: S.Entity) -> dict[str, tuple[str, dict[str, Any]]]:
    """key → (label, flattened fields) for every entry of an entity, read through the registry.

    Entries held inside others (checklist items in phases) are compared on their own, by their
    stable ids, and left out of the entries that hold them.
    """
    if entity.within is not None:
        parent = S.SECTION[entity.within]
        return {getattr(item, entity.id_field): (f"{getattr(item, entity.title_field)} "
                                                 f"({getattr(holder, parent.title_field)})", _flatten(item))
                for holder in getattr(playbook, entity.within) for item in getattr(holder, entity.section)}
    nested = [e.section for e in S.ENTITIES if e.within == entity.section]
    entries = {}
    for entry in getattr(playbook, entity.section):
        fields = {k: v for k, v in _flatten(entry).items()
                  if not any(k == n or k.startswith(f"{n}[") for n in nested)}
        entries[getattr(entry, entity.id_field)] = (getattr(entry, entity.title_field), fields)
    return entries


def _differing(before: dict[str, Any], after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    names = sorted(set(before) | set(after))
    return tuple((f, before.get(f), after.get(f)) for f in names if before.get(f) != after.get(f))


def compare(old: Playbook, new: Playbook) -> dict[str, list[Change]]:
    """Changes per section heading, in the order of the format; only sections that changed.

    Every top-level section of the format is compared (the registry of :mod:`generator.schema`
    lists them), every field of every entry: nothing is left out by a hand-written list.
    """
    result: dict[str, list[Change]] = {}
    sections: list[tuple[str, Any]] = []
    for section in S.PLAYBOOK:
        sections.append((section, S.SECTION.get(section)))
        sections += [(e.section, e) for e in S.ENTITIES if e.within == section]  # checklist items of phases
    for section, entity in sections:
        changes: list[Change] = []
        if entity is None:
            differing = _differing(_flatten(getattr(old, section)), _flatten(getattr(new, section)))
            if differing:
                changes.append(Change("changed", section, WHOLE_SECTIONS[section], differing))
        else:
            before, after = _entries(old, entity), _entries(new, entity)
            changes += [Change("removed", k, before[k][0]) for k in before if k not in after]
            changes += [Change("added", k, after[k][0]) for k in after if k not in before]
            for key in (k for k in after if k in before):
                differing = _differing(before[key][1], after[key][1])
                if differing:
                    changes.append(Change("changed", key, after[key][0], differing))
        if changes:
            result[entity.label if entity is not None else S.SECTION_LABELS[section]] = changes
    result.update(_compare_translations(old, new))
    return result


def _translation_entries(playbook: Playbook, language: str) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(section, id) → (label, flattened texts) of every entry a language translates, its document and values."""
    from .translations import translation_of

    try:
        translation = translation_of(playbook, language)
    except KeyError:
        return {}
    entries: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    if translation.document:
        entries[("document", "document")] = (WHOLE_SECTIONS["document"], _flatten(translation.document))
    if translation.values:
        entries[("values", "values")] = (WHOLE_SECTIONS["values"], _flatten(translation.values))
    for (section, ident), texts in translation.texts.items():
        entity = S.SECTION.get(section, S.ENTITY["checklist_item"])  # items and steps are kept as "checklist"
        title = texts.get(entity.title_field)
        entries[(section, ident)] = (str(title) if title else f"{entity.singular} '{ident}'", _flatten(texts))
    return entries


def _compare_translations(old: Playbook, new: Playbook) -> dict[str, list[Change]]:
    """Changes of each language's translated texts, under "Translation: German (de)": a text changed,
    an entry translated or no longer translated, a language added or dropped."""
    from .translations import language_name

    result: dict[str, list[Change]] = {}
    languages = [t.language for t in old.translations]
    languages += [t.language for t in new.translations if t.language not in languages]
    for language in languages:
        before, after = _translation_entries(old, language), _translation_entries(new, language)
        changes = [Change("removed", k[1], before[k][0]) for k in before if k not in after]
        changes += [Change("added", k[1], after[k][0]) for k in after if k not in before]
        for key in (k for k in after if k in before):
            differing = _differing(before[key][1], after[key][1])
            if differing:
                changes.append(Change("changed", key[1], after[key][0], differing))
        if changes:
            result[f"Translation: {language_name(language)} ({language})"] = changes
    return result


class _Private:
    """Stands for a private value in a list of changes."""

    def __repr__(self) -> str:
        return "(private)"


PRIVATE = _Private()


def private_values(*playbooks: Playbook) -> set[str]:
    """Every text that is in a playbook but not in its public edition: private numbers, notes…"""
    hidden: set[str] = set()
    for playbook in playbooks:
        shown = {v for v in _flatten(public_edition(playbook)).values() if isinstance(v, str)}
        hidden |= {v for v in _flatten(playbook).values() if isinstance(v, str) and v not in shown}
    return hidden


def without_private(changes: dict[str, list[Change]], hidden: set[str]) -> dict[str, list[Change]]:
    """``changes`` with every old or new value that is private (in ``hidden``) shown as (private)."""
    def mask(value: Any) -> Any:
        return PRIVATE if isinstance(value, str) and value in hidden else value

    return {heading: [dataclasses.replace(change, fields=tuple((f, mask(old), mask(new))
                                                               for f, old, new in change.fields))
                      for change in entries]
            for heading, entries in changes.items()}


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if value is PRIVATE:
        return repr(value)
    return repr(value) if isinstance(value, str) else str(value)


def as_text(changes: dict[str, list[Change]], old_name: str, new_name: str) -> str:
    if not changes:
        return f"No changes between {old_name} and {new_name}."
    lines = [f"Changes from {old_name} to {new_name}:"]
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for heading, entries in changes.items():
        lines += ["", heading]
        for change in entries:
            lines.append(f"  {marks[change.kind]} {change.key} ({change.label})" if change.key not in WHOLE_SECTIONS
                         else f"  ~ {change.label}")
            lines += [f"      {field}: {_shown(old)} -> {_shown(new)}" for field, old, new in change.fields]
    return "\n".join(lines)


def as_markdown(changes: dict[str, list[Change]], old_name: str, new_name: str) -> str:
    from .escape import markdown_text as escape  # Markdown output: values are escaped like every generated page

    if not changes:
        return f"No changes between {escape(old_name)} and {escape(new_name)}.\n"
    lines = [f"Changes from **{escape(old_name)}** to **{escape(new_name)}**."]
    for heading, entries in changes.items():
        lines += ["", f"## {heading}", ""]
        for change in entries:
            if change.kind == "changed":
                lines.append(f"- **{escape(change.label)}** (`{change.key}`) changed:")
                lines += [f"    - {escape(field)}: {escape(_shown(old))} → {escape(_shown(new))}"
                          for field, old, new in change.fields]
            else:
                lines.append(f"- {change.kind.capitalize()}: **{escape(change.label)}** (`{change.key}`)")
    return "\n".join(lines) + "\n"


def _valid(source: Source, read: Callable[[str], Source | None] = lambda _: None) -> Playbook:
    """The model of ``source``, with the translation files ``read`` finds for its languages (one it
    does not find is left out: `playbook validate` reports it).

    Raises:
        LoadError: the playbook or a translation file has errors.
    """
    from .translations import check_translation, declared_languages, read_translation

    if S.format_of(source.data) == 1:  # an older version of the file: compared as if migrated
        source.data["format"] = S.FORMAT_VERSION
    errors = [p for p in validate(source, today=dt.date.today()) if p.severity == "error"]
    translations = []
    for _, language in declared_languages(source.data):
        translation = read(language)
        if translation is not None:
            errors += [p for p in check_translation(source, translation, language) if p.severity == "error"]
            translations.append(read_translation(source, translation, language))
    if errors:
        raise LoadError(errors)
    return dataclasses.replace(build_model(source.data), translations=tuple(translations))


def at_revision(revision: str, file: Path) -> tuple[Playbook, str]:
    """The playbook ``file`` as it was at a git ``revision``.

    Raises:
        LoadError: git does not know the revision or the file in it, or it is not valid.
    """
    from .translations import translation_file

    def read(language: str) -> Source | None:
        beside = translation_file(file, language)
        found = file_at_revision(revision, beside, limit=MAX_FILE_BYTES)
        return None if found is None else load_bytes(found, f"{revision}:{beside.name}")

    name = f"{revision}:{file.name}"
    shown = file_at_revision(revision, file, limit=MAX_FILE_BYTES)
    if shown is None:
        raise LoadError([Problem(name, 0, 0, "", "neither a file nor a git revision with a playbook.yml")])
    return _valid(load_bytes(shown, name), read), name


def read_side(spec: str, cwd: Path) -> tuple[Playbook, str]:
    """A playbook from a file path, or from a git revision (``v3.0`` or ``v3.0:path/playbook.yml``).

    Raises:
        LoadError: neither a readable file nor a revision git knows, or not valid.
    """
    if (cwd / spec).is_file():
        from .translations import translation_file

        def read(language: str) -> Source | None:
            beside = translation_file(cwd / spec, language)
            return load(beside, str(translation_file(spec, language))) if beside.is_file() else None

        return _valid(load(cwd / spec, spec), read), spec
    revision, _, inside = spec.partition(":")
    try:
        return at_revision(revision, cwd / (inside or "playbook.yml"))
    except LoadError as error:
        if any(p.message.startswith("neither a file") for p in error.problems):
            raise LoadError([Problem(spec, 0, 0, "", "neither a file nor a git revision with a playbook.yml")]) \
                from None
        raise


#: How many recent tags are searched for the previous version.
TAGS_SEARCHED = 20


def previous_version(playbook: Playbook, file: Path) -> tuple[Playbook, str] | None:
    """The playbook at the most recent git tag whose version differs from ``playbook``'s, if any."""
    for tag in recent_tags(file.parent, TAGS_SEARCHED):
        try:
            older, _ = at_revision(tag, file)
        except LoadError:
            continue  # a tag from before the playbook existed, or an invalid one
        if older.document.version != playbook.document.version:
            return older, tag
    return None
