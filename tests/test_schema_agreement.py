"""Editors and `playbook validate` agree: every fixture, and variants of it with the values YAML 1.1 and
YAML 1.2 read differently, fed to both the validator and check-jsonschema (the JSON Schema client that,
like editors, reads YAML 1.2) against the committed playbook.schema.json."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import check
from generator.commands.new import new_playbook
from tests.conftest import ROOT, edit

MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "playbook.yml"
TODAY = dt.date(2026, 3, 1)

#: (name, old text in the minimal fixture, new text): values the two YAML versions read differently.
VARIANTS = [
    ("yes", "out_of_band: true}", "out_of_band: yes}"),
    ("no", "key: true", "key: no"),
    ("on", "    out_of_band: true\n", "    out_of_band: on\n"),
    ("off", "    out_of_band: true\n", "    out_of_band: Off\n"),
    ("y", "key: true", "key: y"),
    ("quoted-true", "key: true", 'key: "true"'),
    ("capital-true", "key: true", "key: True"),
    ("NO-as-text", "jurisdiction: Austria", "jurisdiction: NO"),
    ("yes-as-text", "    use_for: Everything during an incident.", "    use_for: yes"),
    ("number-as-text", 'version: "1.0"', "version: 1.0"),
    ("unknown-key", "    key: true\n", "    key: true\n    colour: red\n"),
    ("compound-duration", "escalate_after: 15m", "escalate_after: 1h 30m"),
    ("ranged-deadline", "due: 72h", "due: about 48-72h"),
    ("deadline-in-words", "due: 72h", "due: without undue delay"),
    ("deadline-in-other-words", "due: 72h", "due: soon"),
    ("no-approval-step", "approval: {approvers: [comms-lead]}", "approval: none"),
    ("approval-in-words", "approval: {approvers: [comms-lead]}", "approval: later"),
]


def _fixtures(folder: Path) -> list[Path]:
    # Playbooks only: a translation file beside one (playbook.de.yml) has its own schema.
    files = [ROOT / "playbook.yml", *sorted(path for path in (ROOT / "tests" / "fixtures").rglob("*.yml")
                                            if path.name.count(".") == 1)]
    new_playbook(folder / "new", organisation="New Org", timezone="Europe/Vienna", today=TODAY)
    files.append(folder / "new" / "playbook.yml")
    for name, old, new in VARIANTS:
        variant = folder / f"{name}.yml"
        variant.write_text(edit(MINIMAL.read_text(encoding="utf-8"), old, new), encoding="utf-8")
        files.append(variant)
    return files


def _editor_errors(files: list[Path]) -> dict[str, set[str]]:
    """check-jsonschema's error paths per file (``contacts[0].channels[1].out_of_band``)."""
    done = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile",
                           str(ROOT / "playbook.schema.json"), "-o", "json", *map(str, files)],
                          capture_output=True, text=True, check=False, timeout=120)
    report = json.loads(done.stdout)
    assert not report["parse_errors"], report["parse_errors"]
    errors: dict[str, set[str]] = {str(f): set() for f in files}
    for error in report["errors"]:
        errors[error["filename"]].add(error["path"].removeprefix("$").removeprefix("."))
    return errors


def test_validator_and_json_schema_agree_on_every_fixture(tmp_path: Path) -> None:
    files = _fixtures(tmp_path)
    editor = _editor_errors(files)
    verdicts = {}
    for file in files:
        tool = {p.path for p in check(file, today=TODAY) if p.severity == "error"}
        # Everything the editor flags, the tool flags at that key or inside it; a file the editor
        # accepts has no error the editor could have seen (the tool's extra checks are cross-references).
        for path in editor[str(file)]:
            assert any(t == path or t.startswith(path + ".") for t in tool), (file.name, path, tool)
        verdicts[file.name] = (bool(editor[str(file)]), bool(tool))
    assert verdicts == {name: (bad, bad) for name, (bad, _) in verdicts.items()}
    expected_bad = {"yes", "no", "on", "off", "y", "quoted-true", "number-as-text", "unknown-key",
                    "deadline-in-other-words", "approval-in-words"}
    assert {name for name, (bad, _) in verdicts.items() if bad} == {f"{n}.yml" for n in expected_bad}


@pytest.mark.parametrize(("word", "fix"), [("yes", "true"), ("No", "false"), ("on", "true"), ("OFF", "false")])
def test_yaml_1_1_booleans_are_refused_with_what_to_write(tmp_path: Path, word: str, fix: str) -> None:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(MINIMAL.read_text(encoding="utf-8"), "key: true", f"key: {word}"), encoding="utf-8")
    [problem] = [str(p) for p in check(playbook, today=TODAY) if p.severity == "error"]
    assert problem == (f"{playbook}:24:5: roles[0].key: expected true or false, got the text '{word}'; write {fix}; "
                       "yes, no, on and off are text in YAML 1.2, as editors read it")


def test_editors_accept_every_translation_file_and_refuse_an_unknown_key(tmp_path: Path) -> None:
    """Translation files (playbook.de.yml) against their own committed JSON Schema, as an editor reads them."""
    files = sorted([*ROOT.glob("playbook.*.yml"), *(ROOT / "tests" / "fixtures").rglob("playbook.*.yml")])
    assert len(files) >= 4  # the example's two and the full fixture's two
    broken = tmp_path / "playbook.de.yml"
    text = (ROOT / "playbook.de.yml").read_text(encoding="utf-8")
    broken.write_text(edit(text, "\ntemplates:\n", "\ntemplates:\n  - id: staff-memo\n    colour: red\n"),
                      encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile",
                           str(ROOT / "playbook.translation.schema.json"), "-o", "json", *map(str, [*files, broken])],
                          capture_output=True, text=True, check=False, timeout=120)
    report = json.loads(done.stdout)
    assert not report["parse_errors"], report["parse_errors"]
    assert {error["filename"] for error in report["errors"]} == {str(broken)}
