"""The model is the schema: every dataclass field is filled from the schema keys of its mapping."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest

from generator import schema as S
from generator.escape import Prose
from generator.model import Playbook, Regime, Stage, schema_keys


def _dataclass_in(hint: Any) -> Any:
    """The dataclass a field's type holds (``X``, ``X | None``, ``tuple[X, ...]``), or None."""
    if get_origin(hint) in (Union, types.UnionType, tuple):
        return next((found for arg in get_args(hint) if (found := _dataclass_in(arg)) is not None), None)
    return hint if dataclasses.is_dataclass(hint) else None


def _mappings(cls: Any, rules: S.Schema, where: str) -> Iterator[tuple[str, Any, S.Schema]]:
    """(where, dataclass, schema of its mapping) for ``cls`` and every dataclass inside it."""
    yield where, cls, rules
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        inner = _dataclass_in(hints[f.name])
        keys = schema_keys(f)
        if inner is None or keys[0] not in rules:
            continue
        if len(keys) > 1:  # computed from several keys of this same mapping (a stage's clock)
            yield from _mappings(inner, {k: rules[k] for k in keys if k in rules}, f"{where}.{f.name}")
            continue
        field_rules = rules[keys[0]]
        if field_rules.get("type") == "list":
            field_rules = field_rules["schema"]
        if isinstance(field_rules.get("schema"), dict):
            yield from _mappings(inner, field_rules["schema"], f"{where}.{keys[0]}")


MAPPINGS = [*_mappings(Playbook, S.PLAYBOOK, "playbook"), *_mappings(Regime, S.REGIME, "catalogue regime")]


@pytest.mark.parametrize(("where", "cls", "rules"), MAPPINGS, ids=[m[0] for m in MAPPINGS])
def test_model_fields_are_the_schema_keys(where: str, cls: Any, rules: S.Schema) -> None:
    consumed = [key for f in dataclasses.fields(cls) for key in schema_keys(f) if key in rules]
    assert sorted(set(consumed)) == sorted(rules), f"{cls.__name__} ({where})"
    unfilled = [f.name for f in dataclasses.fields(cls) if not set(schema_keys(f)) & set(rules)
                and not (cls is Stage and f.name == "rule")  # the catalogue's rule in words; playbook.yml has notes
                and not f.metadata.get("beside")]  # read from the files beside playbook.yml (translations)
    assert unfilled == [], f"{cls.__name__} ({where}) has fields no schema key fills"


@pytest.mark.parametrize(("where", "cls", "rules"), MAPPINGS, ids=[m[0] for m in MAPPINGS])
def test_prose_fields_of_the_schema_are_prose_in_the_model(where: str, cls: Any, rules: S.Schema) -> None:
    """A field the schema marks ``prose`` keeps its inline Markdown on the site only if the model
    types it :class:`Prose`; a field typed Prose that the schema does not mark would surprise users."""
    hints = get_type_hints(cls)
    typed = {schema_keys(f)[0] for f in dataclasses.fields(cls) if Prose in (hints[f.name], *get_args(hints[f.name]))}
    marked = {name for name, field in rules.items() if field.get("meta", {}).get("prose")}
    if cls is Stage:  # the stage's note is Prose when it comes from the playbook, the catalogue's rule is text
        typed |= {"note"} if "note" in rules else set()
    assert typed == marked, f"{cls.__name__} ({where})"


def test_every_dataclass_of_the_model_is_checked() -> None:
    checked = {cls.__name__ for _, cls, _ in MAPPINGS}
    assert checked == {
        "Playbook", "Document", "Change", "IncidentFact", "Role", "Contact", "Fill", "ContactChannel", "TeamChannel",
        "Audience", "Office", "Regulator", "Calendar", "Counting", "Stage", "Clock", "Template", "Approval", "Phase",
        "ChecklistItem", "Severity", "Cadence", "Scenario", "Term", "Regime",
        "ReadinessException", "Procedure", "ProcedureStep", "Status",
        "Escalation", "ConditionalApprover", "Fallback", "Recipients", "MergeField", "WriterNote",
        "SeverityScale", "Exercise", "Finding", "Inject",
    }


def test_every_entity_has_its_section_and_fields_in_the_format() -> None:
    for entity in S.ENTITIES:
        rules = S.PLAYBOOK[entity.path[0]]["schema"]["schema"]
        if entity.within:
            rules = rules[entity.section]["schema"]["schema"]
        assert rules is entity.fields, entity.kind
        assert entity.id_field in entity.fields and entity.title_field in entity.fields, entity.kind
    referenced = {section for _, section in S.reference_fields()}
    assert referenced <= set(S.ID_SECTIONS)


def _typed_wrongly(hint: Any, value: Any, where: str) -> Iterator[str]:
    """Where ``value`` (and every value inside it) is not of the type ``hint`` its field is typed with."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is not None:
            (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
            yield from _typed_wrongly(inner, value, where)
    elif origin is tuple:
        if type(value) is not tuple:
            yield f"{where}: {type(value).__name__}, not a tuple"
            return
        for index, item in enumerate(value):
            yield from _typed_wrongly(get_args(hint)[0], item, f"{where}[{index}]")
    elif origin is dict:
        if type(value) is not dict:
            yield f"{where}: {type(value).__name__}, not a dict"
    elif dataclasses.is_dataclass(hint):
        if type(value) is not hint:
            yield f"{where}: {type(value).__name__}, not {hint.__name__}"  # type: ignore[union-attr]
            return
        hints = get_type_hints(hint)
        for f in dataclasses.fields(hint):
            yield from _typed_wrongly(hints[f.name], getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(hint, type) and hint is not Any:
        # Prose is a str: exactly the class asked, so that a Prose field never holds plain text (or the reverse)
        if not (type(value) is hint or (hint in (int, float) and type(value) is int)
                or (hint is not Prose and isinstance(value, hint) and not isinstance(value, Prose))):
            yield f"{where}: {type(value).__name__}, not {hint.__name__}"


@pytest.mark.parametrize("playbook", ["playbook.yml", "tests/fixtures/full/playbook.yml",
                                      "tests/fixtures/minimal/playbook.yml"])
def test_the_model_holds_the_types_its_fields_are_typed_with(playbook: str) -> None:
    """Every value of the model, down to each item, is of its field's type: Prose where typed Prose, a Duration
    where typed Duration, a tuple for a list, a dict for a mapping, an instance of its dataclass for an entry."""
    from generator import open_playbook
    from tests.conftest import ROOT, TODAY

    opened = open_playbook(ROOT / playbook, today=TODAY).playbook
    assert list(_typed_wrongly(Playbook, opened, "playbook")) == []
