"""The JSON Schema for editors: derived from the cerberus schema, and in step with it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.schema_json import json_schema
from tests.conftest import EXAMPLE, MINIMAL, ROOT, edit, problems

COMMITTED = ROOT / "playbook.schema.json"


def jsonable(value: Any) -> Any:
    """YAML data as a YAML 1.2 editor sees it: dates are text."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def schema_errors(text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(jsonable(yaml.safe_load(text)))]


def test_playbook_schema_prints_the_committed_file() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(COMMITTED.read_text()), \
        "playbook.schema.json is stale: run `playbook schema > playbook.schema.json`"
    jsonschema.Draft202012Validator.check_schema(json.loads(result.output))


def test_the_example_and_the_fixture_validate_against_the_json_schema() -> None:
    assert schema_errors(EXAMPLE.read_text()) == []
    assert schema_errors(MINIMAL.read_text()) == []
    assert EXAMPLE.read_text().startswith("# yaml-language-server: $schema=playbook.schema.json\n")


BROKEN = [
    ("unknown key", "    reach: Press office.\n", "    reach: Press office.\n    ower: x\n"),
    ("missing required key", "    name: Communication lead\n", ""),
    ("wrong type", 'version: "1.0"', "version: 1.0"),
    ("value not allowed", "kind: messenger", "kind: pigeon"),
    ("id not slug-shaped", "  - id: media\n", "  - id: The Media\n"),
    ("not a duration", "escalate_after: 15m", "escalate_after: soon"),
    ("empty text", "title: Test playbook", 'title: ""'),
    ("not a language tag", "language: en", "language: English"),
    ("quorum below 1", "{approvers: [comms-lead]}", "{approvers: [comms-lead], quorum: 0}"),
    ("empty required list", "      - Drafts statements.\n", "      []\n"),
    ("fact name not an identifier", "  - id: next_update", "  - id: next-update"),
]


@pytest.mark.parametrize(("what", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_both_validators_reject_the_same_broken_playbooks(what: str, old: str, new: str) -> None:
    text = edit(MINIMAL.read_text(), old, new)
    assert any(": " in p and "warning:" not in p for p in problems(text)), f"playbook validate accepts: {what}"
    assert schema_errors(text), f"the JSON Schema accepts: {what}"
