"""The CI templates shipped for playbook repositories are valid YAML and call commands that exist."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from generator import __version__
from generator.cli import cli
from tests.conftest import GIT_IDENTITY as IDENTITY
from tests.conftest import ROOT

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
    assert any("dist/*-offline/*-offline.zip.*" in str(step.get("with", {})) for step in steps)  # .sha256, .sig…
    assert any("dist/*.pdf" in str(step.get("with", {})) for step in steps)
    verify = [step.get("run", "") for step in steps if "sha256sum" in step.get("run", "")]
    assert verify and "sha256sum --check --strict" in verify[0]  # each pair is checked before it is attached
    assert "playbook validate --strict --format github" in str(workflow["jobs"]["validate"])


def test_releases_are_signed_when_the_secret_is_set() -> None:
    github = TEMPLATES[0].read_text()
    assert "${{ secrets.PLAYBOOK_SIGNING_KEY }}" in github and "$GITHUB_ENV" in github
    for path in TEMPLATES:
        text = path.read_text()
        assert 'playbook verify "$zip"' in text
        assert "--edition internal" not in text  # publish refuses it


def test_actions_are_pinned_to_commits_and_only_the_release_job_writes() -> None:
    workflow = yaml.safe_load(TEMPLATES[0].read_text())
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use) for use in uses), uses
    assert workflow["permissions"] == {"contents": "read"}
    assert {name: job.get("permissions") for name, job in workflow["jobs"].items()} == {
        "validate": None, "release": {"contents": "write"}}
    checkout = workflow["jobs"]["release"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_templates_pin_the_tool_to_this_release(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    settings = data.get("env") or data["variables"]
    assert settings["PLAYBOOK_TOOL_TAG"] == f"v{__version__}"
    text = path.read_text()
    assert 'pip install "git+$PLAYBOOK_TOOL_REPOSITORY@$PLAYBOOK_TOOL_COMMIT"' in text
    assert "pip install crisis-playbook\n" not in text  # never by name from an index


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


# --- The templates, run: each one's shell steps in order, as the CI service would run them, in a scratch
# repository made by `playbook new`, with a clean virtual environment standing in for the runner's Python
# and a local git repository of this project standing in for the tool's pinned source.

TOOL_FILES = ("pyproject.toml", "README.md", "LICENSE", "generator")


def _sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``script`` as both services run a step: bash, stopping at the first failing command."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=900)


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **IDENTITY}, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass(frozen=True)
class Runner:
    env: dict[str, str]  # the runner's environment: the clean venv first on PATH
    pin: dict[str, str]  # where the tool comes from: its repository, release tag and that tag's commit


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """A clean venv, and a git repository of this project's files tagged v<version> (annotated)."""
    base = tmp_path_factory.mktemp("ci")
    tool = base / "tool"
    tool.mkdir()
    for name in TOOL_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tool / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tool / name)
    _git(tool, "init", "-q")
    _git(tool, "add", ".")
    _git(tool, "commit", "-q", "-m", "release")
    _git(tool, "tag", "-a", f"v{__version__}", "-m", "release")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {**IDENTITY, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", "NO_MKDOCS_2_WARNING": "1"}
    pin = {"PLAYBOOK_TOOL_REPOSITORY": tool.as_uri(), "PLAYBOOK_TOOL_TAG": f"v{__version__}",
           "PLAYBOOK_TOOL_COMMIT": _git(tool, "rev-parse", "HEAD")}
    return Runner(env, pin)


def _install_step(workflow: dict[str, Any]) -> str:
    [step] = [s for s in workflow["jobs"]["release"]["steps"] if "pip install" in s.get("run", "")]
    return str(step["run"])


def _organisation(base: Path, runner: Runner, ci_file: str) -> tuple[Path, dict[str, Any]]:
    """Install the tool as the template does, create a playbook repository with it, tag v1.0, and give it
    an empty bare repository as origin. The repository, and its CI file as `playbook new` filled it in."""
    github = yaml.safe_load(TEMPLATES[0].read_text(encoding="utf-8"))
    installed = _sh(_install_step(github), base, {**runner.env, **runner.pin})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    repo = base / "org"
    made = _sh(f"playbook new {repo} --organisation 'Example Org'", base, runner.env)
    assert made.returncode == 0, made.stdout + made.stderr
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "playbook 1.0")
    _git(repo, "tag", "v1.0")
    _git(base, "init", "-q", "--bare", "origin.git")
    _git(repo, "remote", "add", "origin", str(base / "origin.git"))
    _git(repo, "push", "-q", "origin", "main", "v1.0")
    return repo, yaml.safe_load((repo / ci_file).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_github_workflow_runs_in_order_and_publishes_to_gh_pages(tmp_path: Path, runner: Runner) -> None:
    repo, workflow = _organisation(tmp_path, runner, ".github/workflows/playbook.yml")
    assert {k: workflow["env"][k] for k in runner.pin} == runner.pin  # `playbook new` pinned what it came from
    env = {**runner.env, **{k: str(v) for k, v in workflow["env"].items()},
           "GITHUB_REF": "refs/tags/v1.0", "GITHUB_REF_NAME": "v1.0", "GITHUB_EVENT_NAME": "push"}
    for job in ("validate", "release"):
        for step in workflow["jobs"][job]["steps"]:
            if "run" in step:
                done = _sh(step["run"], repo, env)
                assert done.returncode == 0, f"{job}: {step['run']}\n{done.stdout}{done.stderr}"
            elif step["uses"].startswith("softprops/action-gh-release@"):
                for pattern in step["with"]["files"].split():
                    assert list(repo.glob(pattern)), f"nothing to attach for {pattern}"
    versions = json.loads(_git(tmp_path / "origin.git", "show", "gh-pages:versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("1.0", ["latest"])]
    assert "Example Org" in _git(tmp_path / "origin.git", "show", "gh-pages:1.0/index.html")
    assert sorted(p.name for p in (repo / "dist").glob("*.pdf")) == [
        "example-org-0-1-playbook-cards.pdf", "example-org-0-1-playbook.pdf"]


@pytest.mark.slow
def test_gitlab_pipeline_runs_in_order_and_publishes_to_gh_pages(tmp_path: Path, runner: Runner) -> None:
    repo, pipeline = _organisation(tmp_path, runner, ".gitlab-ci.yml")
    assert {k: pipeline["variables"][k] for k in runner.pin} == runner.pin
    env = {**runner.env, "CI_COMMIT_TAG": "v1.0", "CI_SERVER_HOST": "gitlab.example", "CI_PROJECT_PATH": "org/playbook",
           "CI_PROJECT_DIR": str(repo), "CI_PIPELINE_SOURCE": "push"}
    env |= {k: str(v).replace("$CI_PROJECT_DIR", str(repo)) for k, v in pipeline["variables"].items()}
    for job in ("validate", "pages"):
        lines = _flatten(pipeline[job]["script"])
        done = _sh("\n".join(lines), repo, env)
        assert done.returncode == 0, f"{job}\n{done.stdout}{done.stderr}"
    versions = json.loads((repo / "public" / "versions.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("1.0", ["latest"])]
    assert "1.0" in _git(repo, "show", "gh-pages:versions.json")
    assert len(list((repo / "dist").glob("*.pdf"))) == 2


def _flatten(lines: list[Any]) -> list[str]:
    return [str(line) for item in lines for line in (_flatten(item) if isinstance(item, list) else [item])]
