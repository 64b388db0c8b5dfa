"""The JSON Schema of playbook.yml, derived from the cerberus schema (never written by hand).

Editors with a YAML language server use it to complete and check playbook.yml as it is typed.
The cross-reference and readiness checks need the whole file and stay with `playbook validate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import schema as S
from .durations import DURATION_PATTERN
from .schema import IDENTIFIER, LANGUAGE, SLUG

SCHEMA_ID = "https://crisis-playbook.example/playbook.schema.json"

_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "list": "array", "dict": "object"}
_DURATION = rf"^\s*(?:{DURATION_PATTERN})\s*$"
#: A deadline: a duration, or the words of a rule with no fixed period.
_DEADLINE = rf"^\s*(?:{DURATION_PATTERN}|{'|'.join(S.PROMPTLY)})\s*$"
_CHECKS: dict[str, dict[str, Any]] = {
    "slug": {"pattern": SLUG.pattern},
    "identifier": {"pattern": IDENTIFIER.pattern},
    "duration": {"pattern": _DURATION},
    "language": {"pattern": LANGUAGE.pattern},
    "timezone": {"minLength": 1},  # the list of zones depends on the machine: `playbook validate` checks it
    "deadline": {"pattern": _DEADLINE},
    "approval": {"enum": [S.NO_APPROVAL]},  # the text form; the mapping form has its own properties
    "all_or_ids": {"enum": [S.ALL_ENTRIES]},  # the text form; the list form is ids
}


#: What a prose field's description adds (editors show it on hover).
PROSE_NOTE = "Inline Markdown: `code`, *emphasis*, **strong**, [links](https://…) to https:, tel: and mailto:."


def convert(rules: S.Schema) -> dict[str, Any]:
    """One cerberus rule set as JSON Schema."""
    out: dict[str, Any] = {}
    meta = rules.get("meta", {})
    if "description" in meta:
        out["description"] = meta["description"]
    if meta.get("prose"):
        out["description"] = f"{out.get('description', '')} {PROSE_NOTE}".strip()
    if meta.get("example") is not None:
        example = meta["example"]
        out["examples"] = [example]
    kind = rules.get("type")
    if isinstance(kind, list):  # one of several forms (an approval: a mapping, or "none")
        out["anyOf"] = [convert({**{k: v for k, v in rules.items() if k != "meta"}, "type": one}) for one in kind]
        return out
    if kind == "date":
        out.update({"type": "string", "format": "date"})  # YAML dates, written YYYY-MM-DD
    elif kind in _TYPES:
        out["type"] = _TYPES[kind]
    if rules.get("empty") is False and kind == "string":
        out["minLength"] = 1
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "regex" in rules:
        out["pattern"] = f"^(?:{rules['regex']})$"
    if kind == "string":
        out.update(_CHECKS.get(rules.get("check_with", ""), {}))
    if "minlength" in rules:
        out["minItems"] = rules["minlength"]
    if "min" in rules:
        out["minimum"] = rules["min"]
    inner = rules.get("schema")
    if kind == "list" and inner is not None:
        out["items"] = convert(inner)
    if kind == "dict":
        if inner is not None:
            out["properties"] = {name: convert(field) for name, field in inner.items()}
            out["required"] = [name for name, field in inner.items() if field.get("required")]
            out["additionalProperties"] = False
            if not out["required"]:
                del out["required"]
        if "valuesrules" in rules:
            out["additionalProperties"] = convert(rules["valuesrules"])
        if "keysrules" in rules:
            out["propertyNames"] = convert(rules["keysrules"])
    return out


def json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Crisis-communication playbook (playbook.yml)",
        "description": "Derived from generator/schema.py by `playbook schema`. References between entries, "
                       "blanks in message text and readiness are checked by `playbook validate`.",
        **convert({"type": "dict", "schema": S.PLAYBOOK}),
    }


TRANSLATION_SCHEMA_ID = "https://crisis-playbook.example/playbook.translation.schema.json"


def translation_json_schema() -> dict[str, Any]:
    """The JSON Schema of a translation file (``playbook.<language>.yml``), from the same cerberus schema."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TRANSLATION_SCHEMA_ID,
        "title": "Translation of a crisis-communication playbook (playbook.<language>.yml)",
        "description": "Derived from generator/schema.py by `playbook schema --translation`. Ids, blanks and "
                       "required clauses are checked against playbook.yml by `playbook validate`.",
        **convert({"type": "dict", "schema": S.TRANSLATION}),
    }


@dataclass(frozen=True)
class Field:
    """One field of the format, for the reference page."""

    path: str
    kind: str
    required: bool
    description: str
    example: Any


_KINDS = {"string": "text", "integer": "whole number", "boolean": "true/false", "list": "list",
          "dict": "mapping", "date": "date (YYYY-MM-DD)"}
_CHECK_KINDS = {"slug": "id", "identifier": "name", "duration": "duration", "timezone": "IANA time zone",
                "language": "language tag", "deadline": f"duration, or one of: {', '.join(S.PROMPTLY)}",
                "approval": f"mapping, or {S.NO_APPROVAL}",
                "all_or_ids": f"{S.ALL_ENTRIES}, or list of ids"}


def _types(rules: S.Schema) -> list[str]:
    kind = rules.get("type", [])
    return kind if isinstance(kind, list) else [kind]


def reference(rules: S.Schema | None = None, prefix: str = "") -> list[Field]:
    """Every field of the format in order, with its type, whether required, description and example."""
    rules = rules or {"type": "dict", "schema": S.PLAYBOOK}
    fields: list[Field] = []
    inner = rules.get("schema")
    if rules.get("type") == "list" and inner is not None:
        return reference(inner, f"{prefix}[]")
    if "dict" not in _types(rules) or inner is None:
        return fields
    for name, field in inner.items():
        path = f"{prefix}.{name}" if prefix else name
        meta = field.get("meta", {})
        kind = _CHECK_KINDS.get(field.get("check_with", ""), " or ".join(_KINDS.get(t, "any") for t in _types(field)))
        if meta.get("ref"):
            kind = f"id of {meta['ref']}"
        if meta.get("prose"):
            kind = "text with inline Markdown"
        if "allowed" in field:
            kind = "one of: " + ", ".join(str(choice) for choice in field["allowed"])
        if field.get("type") == "list" and isinstance(field.get("schema"), dict):
            item = field["schema"]
            item_kind = "ids of " + item["meta"]["ref"] if item.get("meta", {}).get("ref") else \
                _KINDS.get(item.get("type", ""), "any")
            kind = f"list of {'mappings' if item.get('type') == 'dict' else item_kind}"
        fields.append(Field(path, kind, bool(field.get("required")), meta.get("description", ""), meta.get("example")))
        fields += reference(field, path)
    return fields
