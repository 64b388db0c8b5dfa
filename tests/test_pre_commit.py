"""The pre-commit hook, run by the real pre-commit against a repository `playbook new` created: the
published hook (.pre-commit-hooks.yaml, from a git repository of it at a commit) and the local hook the
scaffold configures. Offline: the hook runs the `playbook` of this environment (see README, pre-commit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.new import new_playbook
from tests.conftest import GIT_IDENTITY as IDENTITY
from tests.conftest import ROOT, edit

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300)


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = _run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, **IDENTITY, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "PRE_COMMIT_COLOR": "never",
            "NO_MKDOCS_2_WARNING": "1", "GIT_CONFIG_GLOBAL": os.devnull}  # no machine-wide hooks path


def _hook_repository(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A git repository holding this project's .pre-commit-hooks.yaml, and its commit."""
    hooks = tmp_path / "hook-repo"
    hooks.mkdir()
    (hooks / ".pre-commit-hooks.yaml").write_text((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    _git(hooks, env, "init", "-q")
    _git(hooks, env, "add", ".")
    _git(hooks, env, "commit", "-q", "-m", "hooks")
    return hooks, _git(hooks, env, "rev-parse", "HEAD")


def _new_repository(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = tmp_path / "org"
    new_playbook(repo, organisation="Example Org", timezone="Europe/Vienna")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", ".")
    _git(repo, env, "commit", "-q", "-m", "new playbook")
    return repo


def _published_hook_config(repo: Path, hooks: Path, rev: str) -> None:
    # language: unsupported runs the playbook of this environment instead of pip-installing the tool
    # (and its dependencies) into pre-commit's own environment, which needs the network.
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_uri()}\n    rev: {rev}\n    hooks:\n"
        "      - id: playbook-validate\n        language: unsupported\n", encoding="utf-8")


@pytest.mark.parametrize("config", ["published", "scaffold"])
def test_hook_passes_fails_and_skips_in_a_new_repository(tmp_path: Path, env: dict[str, str], config: str) -> None:
    repo = _new_repository(tmp_path, env)
    if config == "published":
        _published_hook_config(repo, *_hook_repository(tmp_path, env))
        _git(repo, env, "commit", "-q", "-am", "use the published hook")
    pre_commit = str(BIN / "pre-commit")

    valid = _run([pre_commit, "run", "--all-files"], repo, env)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "Validate the crisis-communication playbook" in valid.stdout and "Passed" in valid.stdout

    playbook = repo / "playbook.yml"
    good = playbook.read_text(encoding="utf-8")
    playbook.write_text(edit(good, '  timezone: "Europe/Vienna"', '  timezone: "Europe/Viena"'), encoding="utf-8")
    invalid = _run([pre_commit, "run", "--all-files"], repo, env)
    assert invalid.returncode == 1
    assert "playbook.yml:" in invalid.stdout and "unknown time zone 'Europe/Viena'" in invalid.stdout
    assert "playbook.yml: invalid (1 error, 0 warnings)" in invalid.stdout
    assert "workflows" not in invalid.stdout  # the workflow is not validated as a playbook
    playbook.write_text(good, encoding="utf-8")

    assert _run([pre_commit, "install"], repo, env).returncode == 0
    workflow = repo / ".github" / "workflows" / "playbook.yml"
    workflow.write_text(workflow.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    _git(repo, env, "add", str(workflow))
    commit = _run(["git", "commit", "-m", "touch the workflow only"], repo, env)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "(no files to check)Skipped" in commit.stdout + commit.stderr
