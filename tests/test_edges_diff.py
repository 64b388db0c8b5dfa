"""Edges of generator/diff.py that the mutation run found unpinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diff import at_revision
from generator.errors import LoadError, Problem
from tests.conftest import MINIMAL, edit, invoke


def test_a_changed_date_is_shown_as_written_in_the_playbook(tmp_path: Path) -> None:
    (tmp_path / "old.yml").write_text(MINIMAL.read_text())
    (tmp_path / "new.yml").write_text(edit(MINIMAL.read_text(), "next_review: 2026-12-31", "next_review: 2027-01-31"))
    code, output = invoke("diff", "old.yml", "new.yml", cwd=tmp_path)
    assert (code, output) == (0, "Changes from old.yml to new.yml:\n"
                                 "\n"
                                 "Document\n"
                                 "  ~ document control\n"
                                 "      next_review: 2026-12-31 -> 2027-01-31\n")


def test_a_revision_git_does_not_know_is_a_problem_of_the_whole_file(tmp_path: Path) -> None:
    # Outside any repository: no revision exists. Line and column 0 mean "the whole file" (errors.Problem).
    with pytest.raises(LoadError) as refused:
        at_revision("v9.9", tmp_path / "playbook.yml")
    assert refused.value.problems == [
        Problem("v9.9:playbook.yml", 0, 0, "", "neither a file nor a git revision with a playbook.yml")]
