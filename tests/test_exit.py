"""`playbook build` as its own process tunes Python's garbage collector: it collects less often, and not the
modules it imported. Called inside another program's process (tests, tools), it leaves that process's collector
as it was. (What every command does at exit: tests/test_cli.py.)"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import BUILD_COLLECTION
from tests.conftest import invoke

#: The collector as the build finds it, once the command has started it (the build itself is not the point).
AT_BUILD = """
import gc, sys
import generator.build as stage

def build(*args, **kwargs):
    print("at the build:", gc.get_threshold(), gc.get_freeze_count() > 0)
    sys.exit(0)

stage.build = build
sys.argv = ["playbook", "build"]
from generator.cli import main
main()
"""


def _run(program: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False,
                          cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def test_a_build_in_its_own_process_collects_less_often_and_not_what_it_imported(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert _run(AT_BUILD, tmp_path) == f"at the build: {BUILD_COLLECTION} True"


def test_a_build_called_inside_another_process_leaves_its_collector_alone(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    seen: list[Any] = []

    def build(*args: Any, **kwargs: Any) -> None:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        raise SystemExit(0)

    before = gc.get_threshold(), gc.get_freeze_count()
    monkeypatch.setattr("generator.build.build", build)
    assert invoke("build", cwd=tmp_path)[0] == 0
    assert seen == [before]
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
