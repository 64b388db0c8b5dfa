"""Shared helpers: the small fixture playbook and one-line ways to validate edits of it."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from generator.load import load_text
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal" / "playbook.yml"
EXAMPLE = ROOT / "playbook.yml"
#: Compiled templates are kept in the user's cache folder (render.cache_folder). Tests, and each run of
#: tools/mutants.py, start from an empty one of their own: a template compiled by another checkout, or before a
#: mutant changed how templates compile, is never what a test runs.
TEMPLATE_CACHE = tempfile.mkdtemp(prefix="playbook-tests-cache-")
os.environ["XDG_CACHE_HOME"] = TEMPLATE_CACHE
atexit.register(shutil.rmtree, TEMPLATE_CACHE, ignore_errors=True)
#: The day the fixtures are checked on; the fixture's review date and contacts are current then.
TODAY = dt.date(2026, 6, 1)


#: A git author and committer for tests that commit (the machine may have none configured).
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}


def copy_example(project: Path) -> Path:
    """Copy the example project (playbook, its translation files, mkdocs.yml, content/, templates/) into
    ``project``; returns the path of its mkdocs.yml."""
    project.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "playbook.yml", *example_translations(), ROOT / "mkdocs.yml"):
        shutil.copy(path, project / path.name)
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    return project / "mkdocs.yml"


def example_translations() -> list[Path]:
    """The example's translation files (playbook.de.yml…), which go wherever its playbook.yml goes."""
    return sorted(ROOT.glob("playbook.*.yml"))


def invoke(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `playbook ARGS` in ``cwd`` (default: here); its exit code and output."""
    from click.testing import CliRunner

    from generator.cli import cli

    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner(env=env).invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace ``old`` (which must occur exactly ``count`` times) with ``new``."""
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times, expected {count}"
    return text.replace(old, new)


def problems(text: str, today: dt.date = TODAY) -> list[str]:
    """Every problem of a playbook given as text, as the CLI prints them."""
    return [str(p) for p in validate(load_text(text, "playbook.yml"), today=today)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/ from the current output instead of comparing with it.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def minimal() -> str:
    return MINIMAL.read_text(encoding="utf-8")


@pytest.fixture
def ran_alone(request: pytest.FixtureRequest) -> bool:
    """Whether the test was run, and passed, in a process of its own. The workers of `playbook build` are forked
    only where no other thread runs (ahead.start, conversions.in_two): in the whole suite the browser tests leave
    Playwright's threads running, so a test of a worker runs itself again in a fresh pytest, and the test here then
    only checks that it passed."""
    if threading.active_count() == 1:
        return False
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
                            cwd=request.config.rootpath, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return True
