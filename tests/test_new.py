"""`playbook new`: a new playbook repository that validates and builds at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import check
from generator.build import build
from generator.cli import cli


def run_new(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["new", *args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_new_playbook_validates_strictly_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "zavod"
    code, output = run_new(str(target), "--organisation", "Zavod Čačak", "--tz", "Europe/Belgrade")
    assert code == 0, output
    assert output == f"Created {target} with 9 files. Next:\n  cd {target} && playbook validate && playbook build\n"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        ".github/workflows/playbook.yml", ".gitignore", ".gitlab-ci.yml", ".pre-commit-config.yaml",
        "content/about.md", "mkdocs.yml", "playbook.schema.json", "playbook.yml", "templates/README.md",
    ]
    assert check(target / "playbook.yml") == []  # no errors and no readiness warnings
    assert "*.private.yml" in (target / ".gitignore").read_text()
    old = Path.cwd()
    os.chdir(target)
    try:
        built = build(target / "mkdocs.yml", strict=True)
    finally:
        os.chdir(old)
    assert built.bundle.name == "zavod-cacak-0-1-offline.zip"
    assert "Zavod Čačak" in (built.site / "index.html").read_text()


def test_new_refuses_a_folder_with_something_in_it(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert run_new(str(tmp_path)) == (1, f"{tmp_path}: already exists and is not empty; choose a new folder\n")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_new_checks_the_time_zone(tmp_path: Path) -> None:
    code, output = run_new(str(tmp_path / "x"), "--tz", "Mars/Olympus")
    assert code == 2
    assert "unknown time zone 'Mars/Olympus'" in output
    assert not (tmp_path / "x").exists()
