"""`playbook publish`: versions with mike on a local branch, pushed to a local bare repository."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import copy_example, edit, invoke

pytestmark = pytest.mark.slow
IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, **IDENTITY}).stdout


def publish(project: Path, *args: str) -> tuple[int, str]:
    return invoke("publish", *args, cwd=project, env=IDENTITY)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    copy_example(project)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "playbook 3.1")
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(project, "remote", "add", "origin", str(tmp_path / "remote.git"))
    return project


def test_publish_deploys_a_version_with_a_copied_alias_and_pushes(project: Path) -> None:
    code, output = publish(project, "3.1", "--alias", "latest", "--push")
    assert code == 0, output
    assert output.splitlines() == [
        "Published 3.1 as latest on branch gh-pages and pushed to origin; default: latest.",
        f"Offline archive of every version: {project / 'dist' / 'danubia-pay-ag-all-versions-offline.zip'}",
    ]
    tree = {line.split("\t")[1]: line.split()[0] for line in git(project, "ls-tree", "gh-pages").splitlines()}
    assert tree["3.1"] == tree["latest"] == "040000"  # the alias is a copy, not a symlink (120000)
    versions = json.loads(git(project, "show", "gh-pages:versions.json"))
    assert versions == [{"version": "3.1", "title": "3.1", "aliases": ["latest"]}]
    remote = project.parent / "remote.git"
    assert git(remote, "rev-parse", "gh-pages") == git(project, "rev-parse", "gh-pages")


def test_archive_of_every_version_links_each_index_page(project: Path) -> None:
    assert publish(project, "3.0")[0] == 0
    playbook = project / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', 'version: "3.2"   '))
    git(project, "commit", "-qam", "3.2")
    assert publish(project, "3.2", "--alias", "latest")[0] == 0
    archive = project / "dist" / "danubia-pay-ag-all-versions-offline.zip"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        index = bundle.read("danubia-pay-ag-all-versions-offline/index.html").decode()
    assert {"danubia-pay-ag-all-versions-offline/3.0/index.html", "danubia-pay-ag-all-versions-offline/3.2/index.html",
            "danubia-pay-ag-all-versions-offline/latest/index.html"} <= set(names)
    assert '<li><a href="3.2/index.html">Version 3.2</a> · <a href="latest/index.html">latest</a></li>' in index
    assert '<li><a href="3.0/index.html">Version 3.0</a></li>' in index
    assert "http" not in index  # the page loads nothing


def test_publish_outside_a_git_checkout_says_why(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = publish(tmp_path, "3.1")
    assert code == 1
    assert "not a git checkout" in output
