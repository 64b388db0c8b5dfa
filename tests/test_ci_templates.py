"""The CI templates shipped for playbook repositories are valid YAML and call commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from generator.cli import cli

TEMPLATES = sorted((Path(__file__).parent.parent / "generator" / "ci").glob("*.yml"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def playbook_calls(path: Path) -> list[list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [line.strip() for text in _strings(data) for line in text.splitlines()]
    return [shlex.split(line)[1:] for line in lines if re.match(r"^playbook\s", line)]


def test_there_are_templates_for_github_and_gitlab() -> None:
    assert [p.name for p in TEMPLATES] == ["github-workflow.yml", "gitlab-ci.yml"]


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_template_calls_existing_commands_and_options(path: Path) -> None:
    calls = playbook_calls(path)
    assert calls, "the template runs no playbook command"
    for args in calls:
        command = cli.commands.get(args[0])
        assert isinstance(command, click.Command), f"unknown command: playbook {args[0]}"
        options = {name for param in command.params for name in getattr(param, "opts", [])}
        for arg in args[1:]:
            if arg.startswith("--"):
                assert arg in options, f"playbook {args[0]} has no option {arg}"


def test_github_release_publishes_and_attaches_the_bundle() -> None:
    workflow = yaml.safe_load(TEMPLATES[0].read_text())
    steps = workflow["jobs"]["release"]["steps"]
    assert any("playbook publish" in step.get("run", "") for step in steps)
    assert any("dist/*-offline.zip.sha256" in str(step.get("with", {})) for step in steps)
    assert "playbook validate --strict --format github" in str(workflow["jobs"]["validate"])


def test_pre_commit_hook_runs_an_existing_command() -> None:
    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    [hook] = hooks
    assert hook["id"] == "playbook-validate" and hook["language"] == "python"
    program, command = hook["entry"].split()
    assert program == "playbook" and command in cli.commands
    options = {name for param in cli.commands[command].params for name in getattr(param, "opts", [])}
    assert set(hook["args"]) <= options
    def checked(path: str) -> bool:  # pre-commit's rule: files matches and exclude does not
        return bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)

    assert checked("playbook.yml") and checked("org/playbook.yml")
    assert not checked("my-playbook.yml") and not checked(".github/workflows/playbook.yml")
