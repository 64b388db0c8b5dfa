"""Format versions: a format-1 playbook is told what to do, and `playbook migrate` rewrites it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.commands.migrate import migrate_text
from generator.load import load_text
from tests.conftest import EXAMPLE, MINIMAL, invoke, problems

#: The minimal fixture as it was written in format 1: without its first line.
FORMAT_1 = MINIMAL.read_text().removeprefix("format: 2\n")


@pytest.mark.parametrize(("first_line", "expected"), [
    ("", "playbook.yml:1:1: this playbook is in format 1; this tool reads format 2; run `playbook migrate "
         "playbook.yml` to rewrite it (comments are kept)"),
    ("format: 1\n", "playbook.yml:1:1: format: this playbook is in format 1; this tool reads format 2; run "
                    "`playbook migrate playbook.yml` to rewrite it (comments are kept)"),
    ("format: 3\n", "playbook.yml:1:1: format: this playbook is in format 3, newer than this tool reads "
                    "(format 2); upgrade crisis-playbook"),
    ("format: two\n", "playbook.yml:1:1: format: expected a whole number, got the text 'two'"),
    ("format: 0\n", "playbook.yml:1:1: format: '0' is not allowed; known: 2"),
])
def test_a_playbook_of_another_format_gets_one_message_saying_what_to_do(first_line: str, expected: str) -> None:
    assert problems(first_line + FORMAT_1) == [expected]


def test_migrating_adds_the_format_line_above_the_first_key_and_its_comments() -> None:
    text = ("# yaml-language-server: $schema=playbook.schema.json\n# Our plan.\n\n# --- Document ---\n"
            "document:\n  a: 1\n")
    assert migrate_text(text) == (
        "# yaml-language-server: $schema=playbook.schema.json\n# Our plan.\n\n"
        "format: 2      # the layout of this file; `playbook migrate` upgrades older ones\n\n"
        "# --- Document ---\ndocument:\n  a: 1\n")
    assert migrate_text("format: 1   # ours\ndocument: {}\n") == "format: 2  # ours\ndocument: {}\n"
    assert migrate_text("%YAML 1.1\n---\ndocument: {}\n").startswith("%YAML 1.1\n---\nformat: 2 ")


def test_migrate_rewrites_a_format_1_file_keeping_every_other_line(tmp_path: Path) -> None:
    playbook = tmp_path / "playbook.yml"
    old = "\n".join(line for line in EXAMPLE.read_text().splitlines() if not line.startswith("format:")) + "\n"
    playbook.write_text(old)
    playbook.chmod(0o640)
    translations = sorted(EXAMPLE.parent.glob("playbook.*.yml"))  # the example's translation files, as they are
    for path in translations:
        shutil.copy(path, tmp_path / path.name)
    assert invoke("migrate", "--check", cwd=tmp_path) == (
        1, "playbook.yml: format 1; `playbook migrate playbook.yml` rewrites it as format 2\n")
    assert playbook.read_text() == old  # --check writes nothing
    assert invoke("migrate", cwd=tmp_path) == (
        0, "playbook.yml: rewritten from format 1 to format 2; comments kept. Check it with `playbook validate "
           "playbook.yml` and `git diff`.\n")
    new = playbook.read_text()
    assert [line for line in new.splitlines() if line not in old.splitlines()] == [
        "format: 2      # the layout of this file; `playbook migrate` upgrades older ones"]
    assert len(new.splitlines()) == len(old.splitlines()) + 2  # the line, and a blank one before the next comment
    assert load_text(new).data == {**load_text(old).data, "format": 2}
    assert playbook.stat().st_mode & 0o777 == 0o640
    assert invoke("validate", cwd=tmp_path)[0] == 0
    assert invoke("migrate", cwd=tmp_path) == (0, "playbook.yml: already format 2; nothing to do\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(  # no temporary file left
        ["playbook.yml", *(path.name for path in translations)])


def test_migrate_refuses_a_format_it_does_not_know_and_writes_nothing(tmp_path: Path) -> None:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text("format: 7\n" + FORMAT_1)
    assert invoke("migrate", cwd=tmp_path) == (
        1, "playbook.yml:1:1: format: format 7 is not one this tool knows; it reads formats 1 to 2\n")
    assert playbook.read_text() == "format: 7\n" + FORMAT_1


def test_diff_compares_a_format_1_revision_as_if_it_were_migrated(tmp_path: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    (tmp_path / "playbook.yml").write_text(FORMAT_1)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "format 1"], cwd=tmp_path, check=True)
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    assert invoke("diff", "HEAD", "playbook.yml", cwd=tmp_path) == (
        0, "No changes between HEAD:playbook.yml and playbook.yml.\n")
