"""Names from a user or a repository never reach git as options, and what git hands back is bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.git import commit_of, file_at_revision, is_safe_name, recent_tags
from generator.load import MAX_FILE_BYTES
from tests.conftest import MINIMAL, invoke
from tests.test_publish import git, git_project


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "playbook.yml").write_text(MINIMAL.read_text())
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "v1")
    return project


def test_diff_takes_an_option_shaped_revision_for_an_unknown_one(repository: Path, tmp_path: Path) -> None:
    written = tmp_path / "written"
    code, output = invoke("diff", "--", f"--output={written}", "HEAD", cwd=repository)
    assert (code, output) == (1, f"--output={written}: neither a file nor a git revision with a playbook.yml\n")
    assert not written.exists()


def test_a_tag_named_like_an_option_writes_nothing_on_build(tmp_path: Path) -> None:
    project = git_project(tmp_path)
    written = tmp_path / "written"
    # git refuses such a name through `git tag`, but a cloned repository can carry one.
    git(project, "update-ref", f"refs/tags/--output={written}", "HEAD")
    assert recent_tags(project, 20) == []
    code, output = invoke("build", cwd=project)
    assert code == 0, output
    assert not written.exists()


def test_revisions_are_resolved_to_commit_ids_before_any_file_is_read(repository: Path, tmp_path: Path) -> None:
    assert commit_of(repository, "HEAD") is not None
    for name in ("--output=x", "-p", "", "HEAD --output=x", "HEAD\n"):
        assert not is_safe_name(name) or commit_of(repository, name) is None
        assert file_at_revision(name, repository / "playbook.yml") is None
    assert not (repository / "x").exists()
    assert file_at_revision("HEAD", repository / "playbook.yml") == MINIMAL.read_bytes()
    assert file_at_revision("HEAD", repository / "missing.yml") is None


def test_a_playbook_read_from_git_is_bounded(repository: Path) -> None:
    (repository / "playbook.yml").write_text("a: " + "x" * (MAX_FILE_BYTES + 10) + "\n")
    git(repository, "commit", "-qam", "huge")
    git(repository, "tag", "v2")
    assert len(file_at_revision("v2", repository / "playbook.yml", limit=100) or b"") == 101
    code, output = invoke("diff", "v2", "HEAD", cwd=repository)
    assert (code, output) == (1, "v2:playbook.yml: the file is more than 2,097,152 bytes; the limit is "
                                 "2,097,152 bytes\n")
