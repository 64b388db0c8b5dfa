"""Stage 1c: the plan's texts in other languages, one translation file per language beside playbook.yml.

``document.translations: [de, sr-Latn]`` in playbook.yml names the languages; ``playbook.de.yml`` and
``playbook.sr-Latn.yml`` beside it mirror playbook.yml's ids and hold only the translated texts (which
texts may be translated: :data:`generator.schema.TRANSLATABLE`). What a file deliberately leaves in the
plan's language it says under ``not_translated``: those texts are listed as notices; any other text
without a translation is a warning (``--strict`` fails on it, as on every readiness warning).

A translated text keeps the original's blanks, and a translated message keeps its required clauses
in its body: the same checks playbook.yml's own texts pass (:mod:`generator.validate`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import schema as S
from .errors import LoadError, Problem
from .language_names import ENGLISH
from .load import KeyPath, Source, load
from .schema import BUILTIN_VALUES, INCIDENT_BLANK, LANGUAGE, VALUE_BLANK
from .validate import MERGE_BLANK, _blank_problems, _entries, _normalised, _Report, _texts, shape_problems

#: What a translation file is, said where one is empty or holds only comments.
TRANSLATION_STARTS = ("a translation file is a YAML mapping of the plan's texts in its language, by the ids of "
                      "playbook.yml (document:, templates:, …); write them, or remove the language from "
                      "document.translations")

if TYPE_CHECKING:  # the model is needed only once the playbook is valid, not on the `playbook validate` path
    from .model import Playbook, Translation

#: Where an entry's texts are kept in :attr:`Translation.texts`: its section, or ``checklist`` for the
#: entries inside phases and procedures (their ids are unique across the playbook).
NESTED = "checklist"


@lru_cache(maxsize=64)
def language_name(tag: str, *, native: bool = False, shown_in: str = "en") -> str:
    """The language of a BCP 47 tag in words, from CLDR (Babel): "German" (``shown_in`` another language:
    "Deutsch" with "de"), or with ``native`` in its own words ("srpski (latinica)")."""
    if shown_in == "en" and not native and tag in ENGLISH:  # as Babel says it, without Babel (language_names.py)
        return ENGLISH[tag]
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale if native else Locale.parse(shown_in, sep="-"))
    except (ValueError, UnknownLocaleError):
        return tag
    return name or tag


def translation_file(playbook: str | Path, language: str) -> Path:
    """The translation file of ``language`` beside ``playbook``: ``playbook.de.yml``."""
    path = Path(playbook)
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def _document(data: dict[str, Any]) -> dict[str, Any]:
    document = data.get("document")
    return document if isinstance(document, dict) else {}


def declared_languages(data: dict[str, Any]) -> list[tuple[int, str]]:
    """The well-formed tags of ``document.translations``, with their index (validation reports the others)."""
    tags = _document(data).get("translations")
    if not isinstance(tags, list):
        return []
    return [(i, tag) for i, tag in enumerate(tags) if isinstance(tag, str) and LANGUAGE.match(tag)]


def load_translations(path: str | Path, source: Source) -> tuple[list[tuple[str, Source]], list[Problem]]:
    """The translation file of every language ``source`` (loaded from ``path``) declares, and the problems
    of finding them: a declared language without its file, the plan's own language or one declared twice,
    and a translation file beside the playbook that is not declared (it would silently be left out)."""
    report = _Report(source)
    found: list[tuple[str, Source]] = []
    own = _document(source.data).get("language")
    seen: set[str] = set()
    for index, language in declared_languages(source.data):
        where = ("document", "translations", index)
        file = translation_file(path, language)
        shown = str(translation_file(source.file, language))
        if language == own:
            report.add(where, f"'{language}' is the plan's own language (document.language); remove it here")
        elif language in seen:
            report.add(where, f"'{language}' is declared twice; remove one")
        elif not file.is_file():
            report.add(where, f"language '{language}' has no translation file {shown}",
                       hint=f"write it beside {Path(source.file).name}, or remove '{language}' here")
        else:
            try:
                found.append((language, load(file, shown, starts=TRANSLATION_STARTS)))
            except LoadError as error:
                report.problems += error.problems
        seen.add(language)
    report.problems += _undeclared_files(Path(path), source.file, seen)
    return found, report.problems


def _undeclared_files(path: Path, file: str, declared: set[str]) -> list[Problem]:
    problems = []
    for beside in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
        language = beside.name[len(path.stem) + 1:-len(path.suffix) or None]
        if LANGUAGE.match(language) and language not in declared:
            problems.append(Problem(str(translation_file(file, language)), 0, 0, "",
                                    f"not declared in document.translations of {Path(file).name}, so it is not used",
                                    "warning", f"add '{language}' to document.translations, or remove the file"))
    return problems


# --- checking one translation file --------------------------------------------------------

def _blanks(text: Any) -> set[str]:
    """The blanks of a text or a list of texts, as written in the format: ``{{ brand }}``, ``[[ fact ]]``."""
    texts = text if isinstance(text, list) else [text]
    found: set[str] = set()
    for one in texts:
        if isinstance(one, str):
            found |= {f"{{{{ {m.group(1).strip()} }}}}" for m in VALUE_BLANK.finditer(one)}
            found |= {f"[[ {m.group(1).strip()} ]]" for m in INCIDENT_BLANK.finditer(one)}
            found |= {f"(( {m.group(1).strip()} ))" for m in MERGE_BLANK.finditer(one)}
    return found


@dataclasses.dataclass
class _Check:
    """One translation file checked against playbook.yml."""

    report: _Report
    original: Source
    language: str
    values: set[str]
    facts: set[str]
    #: (section, id) → the translated entry, for every entry the file translates (``checklist`` for nested ones).
    translated: dict[tuple[str, str], dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: (section, id, schema key) of every original text left untranslated.
    untranslated: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        return language_name(self.language)

    def texts(self, kind: str, ident: str, original: dict[str, Any], entry: dict[str, Any], path: KeyPath) -> None:
        """The translated texts of one entry: each has an original, keeps its blanks; a message keeps its
        required clauses; what it leaves untranslated is recorded."""
        entity = S.ENTITY[kind]
        for key in S.TRANSLATABLE[kind]:
            if key not in entry:
                if original.get(key):
                    self.untranslated.append((entity.section if entity.within is None else NESTED, ident, key))
                continue
            if not original.get(key):
                self.report.add((*path, key), f"the {entity.singular} '{ident}' has no {key} in "
                                              f"{self.original.file} to translate; remove it here")
                continue
            self._blanks_kept((*path, key), original[key], entry[key])
        if kind == "template":
            self._clauses_kept(original, entry, path)

    def _blanks_kept(self, path: KeyPath, original: Any, translated: Any) -> None:
        for i, text in enumerate(translated if isinstance(translated, list) else [translated]):
            if isinstance(text, str):
                _blank_problems(self.report, (*path, i) if isinstance(translated, list) else path, text,
                                self.values, self.facts)
        before, after = _blanks(original), _blanks(translated)
        missing = sorted(before - after)
        extra = sorted(b for b in after - before if b.startswith("((") or b[2:-2].strip() in self.values | self.facts)
        if missing or extra:  # an undeclared blank is reported as such just above
            said = ([f"missing {', '.join(missing)}"] if missing else []) + \
                   ([f"not in the original: {', '.join(extra)}"] if extra else [])
            self.report.add(path, f"the blanks differ from the original's: {'; '.join(said)}",
                            hint="a translation keeps every blank of the original, as written")

    def _clauses_kept(self, original: dict[str, Any], entry: dict[str, Any], path: KeyPath) -> None:
        """The check of :func:`generator.validate.required_clauses_are_in_the_body`, in this language."""
        clauses, before = _texts(entry, "required_clauses"), _texts(original, "required_clauses")
        body = entry.get("body")
        if "required_clauses" not in entry:
            if isinstance(body, str) and before:
                self.report.add((*path, "body"), f"the original has {len(before)} required "
                                                 f"clause{'s' if len(before) != 1 else ''}, which must stay in "
                                                 "this body; translate them under required_clauses")
            return
        if len(clauses) != len(before):
            self.report.add((*path, "required_clauses"), f"{len(clauses)} required clause"
                                                         f"{'s' if len(clauses) != 1 else ''}, the original has "
                                                         f"{len(before)}; translate each one")
        if not isinstance(body, str):
            self.report.add((*path, "required_clauses"), "required clauses are translated but the body is not; "
                                                         "translate the body too")
            return
        spaced = _normalised(body)
        for c_index, clause in clauses:
            if _normalised(clause) not in spaced:
                self.report.add((*path, "required_clauses", c_index),
                                "required clause does not appear in the translated body; put it back as written")


def _originals(data: dict[str, Any], section: str) -> dict[str, tuple[KeyPath, dict[str, Any]]]:
    """Every entry of ``section`` in playbook.yml by id, with its path."""
    id_field = S.SECTION[section].id_field
    return {entry[id_field]: ((section, i), entry) for i, entry in _entries(data, section)
            if isinstance(entry.get(id_field), str)}


def _inner_entity(section: str) -> S.Entity | None:
    return next((e for e in S.ENTITIES if e.within == section), None)


def _entries_of(data: dict[str, Any], key: str, at: KeyPath,
                check: _Check) -> Iterator[tuple[KeyPath, str, dict[str, Any]]]:
    """The translated entries of the list ``data[key]`` (at path ``at``) with their ids, each id once: a
    second translation of an id is an error."""
    seen: dict[str, KeyPath] = {}
    for index, entry in _entries(data, key):
        ident, path = entry.get("id"), (*at, index)
        if not isinstance(ident, str):
            continue  # the shape check reports it
        if ident in seen:
            check.report.add((*path, "id"), f"'{ident}' is translated twice (first on line "
                                            f"{check.report.source.position(seen[ident]).line}); keep one")
            continue
        seen[ident] = path
        yield path, ident, entry


def check_translation(original: Source, translation: Source, language: str) -> list[Problem]:
    """Every problem of one translation file against playbook.yml, sorted by position: its shape, ids that
    are not in playbook.yml, texts that lost or gained blanks, messages whose required clauses are not in
    their translated body, and the texts it does not translate (warnings, or notices where it says so)."""
    problems = shape_problems(translation, S.TRANSLATION)
    if problems:
        return problems
    check = _checker(original, translation, language)
    _check_entries(check)
    _check_values_and_document(check)
    _report_untranslated(check)
    return sorted(check.report.problems, key=lambda p: (p.line, p.column, p.path, p.message))


def _checker(original: Source, translation: Source, language: str) -> _Check:
    values = original.data.get("values")
    declared = set(BUILTIN_VALUES) | {k for k in (values if isinstance(values, dict) else ()) if isinstance(k, str)}
    facts = {f["id"] for _, f in _entries(original.data, "incident_facts") if isinstance(f.get("id"), str)}
    return _Check(_Report(translation), original, language, declared, facts)


def _check_entries(check: _Check) -> None:
    data, report = check.report.source.data, check.report
    for section in S.TRANSLATED_SECTIONS:
        entity, inner = S.SECTION[section], _inner_entity(section)
        originals = _originals(check.original.data, section)
        for path, ident, entry in _entries_of(data, section, (section,), check):
            if ident not in originals:
                report.add((*path, "id"), f"unknown {entity.singular} '{ident}'; it is not in {check.original.file}",
                           hint=report.suggestions.known(entity.singular, originals, ident))
                continue
            check.translated[(section, ident)] = entry
            original = originals[ident][1]
            if entity.kind in S.TRANSLATABLE:
                check.texts(entity.kind, ident, original, entry, path)
            if inner is None:
                continue
            items = {item["id"]: item for _, item in _entries(original, inner.section)
                     if isinstance(item.get("id"), str)}
            for i_path, item_id, item in _entries_of(entry, inner.section, (*path, inner.section), check):
                if item_id not in items:
                    report.add((*i_path, "id"), f"{section.rstrip('s')} '{ident}' has no {inner.singular} "
                                                f"'{item_id}' in {check.original.file}",
                               hint=report.suggestions.known(inner.singular, items, item_id))
                    continue
                check.translated[(NESTED, item_id)] = item
                check.texts(inner.kind, item_id, items[item_id], item, i_path)
            check.untranslated += [(NESTED, item_id, key) for item_id, item in items.items()
                                   if (NESTED, item_id) not in check.translated
                                   for key in S.TRANSLATABLE[inner.kind] if item.get(key)]
        for ident, (_, original) in originals.items():
            if (section, ident) in check.translated:
                continue
            check.untranslated += [(section, ident, key) for key in S.TRANSLATABLE.get(entity.kind, ())
                                   if original.get(key)]
            if inner is not None:
                check.untranslated += [(NESTED, item["id"], key) for _, item in _entries(original, inner.section)
                                       if isinstance(item.get("id"), str)
                                       for key in S.TRANSLATABLE[inner.kind] if item.get(key)]


def _check_values_and_document(check: _Check) -> None:
    data, report = check.report.source.data, check.report
    values = data.get("values") or {}
    originals = check.original.data.get("values") or {}
    for key, value in values.items():
        if key not in originals:
            report.add(("values", key), f"unknown value '{key}'; only values of {check.original.file} are "
                                        "translated", hint=report.suggestions.known("value", originals, key))
        else:
            _blank_problems(report, ("values", key), value, check.values, check.facts)
    document = data.get("document") or {}
    for key in S.TRANSLATABLE_DOCUMENT:
        if key not in document:
            check.untranslated.append(("document", "", key))


def _report_untranslated(check: _Check) -> None:
    """Untranslated texts: one notice for what ``not_translated`` covers, a warning per section (listing
    the entries) for the rest; an id listed there that the file translates, or that does not
    exist, is an error."""
    report, data = check.report, check.report.source.data
    declared = data.get("not_translated") or {}
    by_section: dict[str, dict[str, list[str]]] = {}  # section → id → untranslated keys
    owner = _owners(check.original.data)
    parents = _parents(check.original.data)
    for section, ident, key in check.untranslated:
        if section == NESTED:
            section = owner.get(ident, section)
            if (section, parents.get((section, ident))) not in check.translated:
                continue  # said with its phase or procedure
        by_section.setdefault(section, {}).setdefault(ident, []).append(key)
    declared_parts: list[str] = []
    for section in ("document", *S.TRANSLATED_SECTIONS):
        listed = declared.get(section)
        if isinstance(listed, list):
            _check_listed(check, section, listed, owner)
        missing = by_section.get(section, {})
        # 'all' covers the section; an id, its entry and the entries inside it
        covered = {i: keys for i, keys in missing.items() if listed == S.ALL_ENTRIES or (
            isinstance(listed, list) and (i in listed or parents.get((section, i)) in listed))}
        rest = {i: keys for i, keys in missing.items() if i not in covered}
        if covered:
            entries = set(_originals(check.original.data, section)) if section != "document" else set()
            whole = f"all {_counted(len(entries), section)}" if len(entries) > 1 else f"its {_counted(1, section)}"
            declared_parts.append(whole if entries and set(covered) == entries
                                  else _listed(covered, section, keys=False))
        if rest:
            where = (section,) if section in data else ()
            report.add(where, f"no {check.name} translation of {_listed(rest, section)}", "warning",
                       hint=f"translate them, or list them under not_translated.{section} with the reason",
                       at=None if where else (0, 0))
    if declared_parts:  # one notice for the file: what it leaves out is the plan's choice, not a problem
        own = language_name(str(_document(check.original.data).get("language", "")))
        report.add(("not_translated",), f"left in {own}, as declared: {'; '.join(declared_parts)}", "notice")


def _check_listed(check: _Check, section: str, listed: list[str], owner: dict[str, str]) -> None:
    """Each id ``not_translated`` lists for ``section`` is an entry of it (or inside one) the file does not
    translate."""
    known = set(_originals(check.original.data, section)) | {i for i, s in owner.items() if s == section}
    for index, ident in enumerate(listed):
        path = ("not_translated", section, index)
        if ident not in known:
            check.report.add(path, f"unknown {S.SECTION[section].singular} '{ident}'",
                             hint=check.report.suggestions.known("id", known, ident))
        elif (section, ident) in check.translated or (NESTED, ident) in check.translated:
            check.report.add(path, f"'{ident}' is translated in this file; remove it here or remove its translation")


def _owners(data: dict[str, Any]) -> dict[str, str]:
    """The section (phases, procedures) that holds each nested entry, by the entry's id."""
    return {item["id"]: section for section in S.TRANSLATED_SECTIONS if _inner_entity(section) is not None
            for _, holder in _entries(data, section) for _, item in _entries(holder, NESTED)
            if isinstance(item.get("id"), str)}


def _parents(data: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """(section, id of a nested entry) → the id of the first entry of the section that holds it. Made once
    per file: looking each one up in the whole section made the check quadratic in the playbook's size."""
    parents: dict[tuple[str, str], Any] = {}
    for section in S.TRANSLATED_SECTIONS:
        for _, holder in _entries(data, section):
            for _, item in _entries(holder, NESTED):
                if isinstance(item.get("id"), str):
                    parents.setdefault((section, item["id"]), holder.get("id"))
    return parents


#: A notice names at most this many entries, then how many more.
LISTED = 12


def _counted(count: int, section: str) -> str:
    """``2 message templates``, ``1 template``: the section's label, or its entity's name for one."""
    return f"{count} {S.SECTION[section].label.lower() if count != 1 else S.SECTION[section].singular}"


def _listed(entries: dict[str, list[str]], section: str, *, keys: bool = True) -> str:
    """``2 message templates: a (subject), b (body)``; with ``keys=False`` the ids only."""
    if section == "document":
        return f"the document ({', '.join(entries[''])})"
    names = [f"{ident} ({', '.join(fields)})" if keys else ident for ident, fields in entries.items()]
    more = f", and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return f"{_counted(len(entries), section)}: {', '.join(names[:LISTED])}{more}"


# --- the model in another language -----------------------------------------------------------

def read_translation(original: Source, translation: Source, language: str) -> Translation:
    """The texts of a translation file that passed :func:`check_translation`, for the model."""
    from .model import Translation

    check = _checker(original, translation, language)
    _check_entries(check)
    _check_values_and_document(check)
    texts = {key: {k: v for k, v in entry.items() if k not in ("id", NESTED)}
             for key, entry in check.translated.items()}
    return Translation(language=language, file=translation.file, texts=texts,
                       values=dict(translation.data.get("values") or {}),
                       document=dict(translation.data.get("document") or {}),
                       untranslated=tuple(check.untranslated))


def translation_of(playbook: Playbook, language: str) -> Translation:
    """The translation of ``playbook`` into ``language``.

    Raises:
        KeyError: the playbook is not translated into it.
    """
    found = next((t for t in playbook.translations if t.language == language), None)
    if found is None:
        raise KeyError(f"the playbook is not translated into '{language}'; its translations: "
                       f"{', '.join(t.language for t in playbook.translations) or 'none'}")
    return found


def _translated(entry: Any, texts: dict[str, Any]) -> Any:
    """``entry`` (a dataclass of the model) with the translated ``texts`` (schema key → text) in place."""
    from .model import _convert, _hints, schema_keys

    changes = {}
    hints = _hints(cast(Any, type(entry)))
    for f in dataclasses.fields(entry):
        key = schema_keys(f)[0]
        if key in texts:
            changes[f.name] = _convert(hints[f.name], texts[key])
    return dataclasses.replace(entry, **changes) if changes else entry


def _section_in(entries: tuple[Any, ...], section: str, translation: Translation) -> tuple[Any, ...]:
    inner = _inner_entity(section)
    result = []
    for entry in entries:
        entry = _translated(entry, translation.texts.get((section, entry.id), {}))
        if inner is not None:
            items = tuple(_translated(item, translation.texts.get((NESTED, item.id), {}))
                          for item in getattr(entry, inner.section))
            entry = dataclasses.replace(entry, **{inner.section: items})
        result.append(entry)
    return tuple(result)


def _texts_of(entry: Any, kind: str) -> dict[str, Any]:
    """The translatable texts of a model entry, as a translation file writes them (lists for tuples)."""
    from .model import schema_keys

    found = {}
    for f in dataclasses.fields(entry):
        key, value = schema_keys(f)[0], getattr(entry, f.name)
        if key in S.TRANSLATABLE[kind] and value:
            found[key] = [str(v) for v in value] if isinstance(value, tuple) else str(value)
    return found


def _as_translation(playbook: Playbook, values: Any) -> Translation:
    """The playbook's own texts as a translation into its language: kept by a playbook put into another
    language, so that it can be put back, and its pages still show the original beside the translation."""
    from .model import Translation

    texts: dict[tuple[str, str], dict[str, Any]] = {}
    for section in S.TRANSLATED_SECTIONS:
        entity, inner = S.SECTION[section], _inner_entity(section)
        for entry in getattr(playbook, section):
            if entity.kind in S.TRANSLATABLE:
                texts[(section, entry.id)] = _texts_of(entry, entity.kind)
            if inner is not None:
                texts.update({(NESTED, item.id): _texts_of(item, inner.kind) for item in getattr(entry, inner.section)})
    return Translation(language=playbook.document.language, file="", texts=texts,
                       values={k: playbook.values[k] for k in values if k in playbook.values},
                       document={k: str(getattr(playbook.document, k)) for k in S.TRANSLATABLE_DOCUMENT},
                       original=True)


def in_language(playbook: Playbook, language: str) -> Playbook:
    """The playbook with its texts in ``language``: every translated text in place of the original, the
    organisation values that read differently in it, and ``document.language`` set to it. A text the
    translation leaves out keeps the original (:attr:`Translation.untranslated` lists them); the plan's
    own language gives the playbook as it is. The result keeps the original texts as a translation
    (``original=True``), so it can be put back into the plan's language and its pages show both.

    Raises:
        KeyError: the playbook is not translated into ``language``.
    """
    if language == playbook.document.language:
        return playbook
    translation = translation_of(playbook, language)
    original = next((t for t in playbook.translations if t.original), None)
    if original is not None and not translation.original:  # from one translation to another: through the original
        return in_language(in_language(playbook, original.language), language)
    changes: dict[str, Any] = {section: _section_in(getattr(playbook, section), section, translation)
                               for section in S.TRANSLATED_SECTIONS}
    document = _translated(dataclasses.replace(playbook.document, language=language), translation.document)
    if translation.original:  # back to the plan's own texts
        others = tuple(t for t in playbook.translations if not t.original)
    else:
        kept = _as_translation(playbook, {k for t in playbook.translations for k in t.values})
        others = (kept, *playbook.translations)
    return dataclasses.replace(playbook, document=document, values={**playbook.values, **translation.values},
                               translations=others, **changes)


@dataclasses.dataclass(frozen=True)
class Wording:
    """A message in one of its languages, for its page: the message and the playbook in that language."""

    language: str
    playbook: Playbook
    message: Any  # the Template, in that language
    #: Added to the ids of its text on the page (``message-<id>--de``); empty for the plan's own language.
    suffix: str

    @property
    def name(self) -> str:
        """The language's own name for itself ("Deutsch"), as readers of that language look for it."""
        return language_name(self.language, native=True)


def _writes(translation: Translation, template_id: str) -> bool:
    """Whether a translation gives a message's own text (its subject, body or outline)."""
    return bool({"subject", "body", "outline"} & set(translation.texts.get(("templates", template_id), {})))


def lookup(tag: str, languages: list[str]) -> str | None:
    """The one of ``languages`` a reader of ``tag`` reads (BCP 47 lookup, RFC 4647: ``de-AT`` finds ``de``)."""
    wanted = tag.lower().split("-")
    while wanted:
        found = next((language for language in languages if language.lower() == "-".join(wanted)), None)
        if found is not None:
            return found
        wanted.pop()
    return None


def wordings(playbook: Playbook, template_id: str, site_language: str | None = None,
             translated: Callable[[str], Playbook] | None = None) -> list[Wording]:
    """The languages a message is written in, each with the message in it: the site's language first when the
    message is written in it (``site_language``, the tag the site is built in), else the playbook's language
    when the message is written in it, then the others in the order of document.translations (the plan's
    own language first). A playbook put into another language still shows the original beside it.
    ``translated`` gives the playbook in a language (default :func:`in_language`): a caller showing many
    messages passes one that makes each language's playbook once."""
    own = playbook.document.language
    translations = playbook.translations
    current = next((t for t in translations if t.language == own and not t.original), None)
    here = not any(t.original for t in translations) or (current is not None and _writes(current, template_id))
    languages = [own] if here else []
    languages += [t.language for t in translations if t.language != own and _writes(t, template_id)]
    site = lookup(site_language, languages) if site_language else None
    if site is not None:  # a site built in German whose plan is not put into it (de-AT): German first all the same
        languages = [site, *(language for language in languages if language != site)]
    found: list[Wording] = []
    for language in languages:
        shown = translated(language) if translated is not None else in_language(playbook, language)
        found.append(Wording(language, shown, shown.template(template_id), f"--{language}" if found else ""))
    return found


def site_language_problems(source: Source) -> list[Problem]:
    """``document.site_languages``: each the plan's language or one of its translations, each once."""
    report = _Report(source)
    document = source.data.get("document") if isinstance(source.data, dict) else None
    if not isinstance(document, dict) or not isinstance(document.get("site_languages"), list):
        return []  # absent, or not a list: the schema's check says so
    listed = document["site_languages"]
    own = document.get("language")
    translated = [tag for _, tag in declared_languages(source.data)]
    seen: set[str] = set()
    for index, tag in enumerate(listed):
        if not isinstance(tag, str) or not LANGUAGE.match(tag):
            continue  # the schema's check says so
        where = ("document", "site_languages", index)
        if tag in seen:
            report.add(where, f"'{tag}' is listed twice; remove one")
        elif tag != own and tag not in translated:
            report.add(where, f"'{tag}' is neither the plan's language ({own}) nor one of its translations "
                              f"({', '.join(translated) or 'none'})",
                       hint=f"translate the plan into it (document.translations), or remove '{tag}' here")
        seen.add(tag)
    return report.problems
