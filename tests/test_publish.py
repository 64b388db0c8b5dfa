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
#: The folder (and zip) name of the example's archive of every version.
ARCHIVE = "danubia-pay-ag-all-versions-offline"
IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, **IDENTITY}).stdout


def publish(project: Path, *args: str) -> tuple[int, str]:
    return invoke("publish", *args, cwd=project, env=IDENTITY)


def git_project(folder: Path) -> Path:
    """The example project in ``folder``/project, committed, with a bare ``remote.git`` as origin."""
    project = folder / "project"
    copy_example(project)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "playbook 3.1")
    git(folder, "init", "-q", "--bare", "remote.git")
    git(project, "remote", "add", "origin", str(folder / "remote.git"))
    return project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return git_project(tmp_path)


def test_publish_deploys_a_version_with_a_copied_alias_and_pushes(project: Path) -> None:
    code, output = publish(project, "3.1", "--alias", "latest", "--push")
    assert code == 0, output
    assert output.splitlines() == [
        "Published 3.1 as latest on branch gh-pages and pushed to origin; default: latest.",
        f"Offline archive of every version: {project / 'dist' / ARCHIVE / f'{ARCHIVE}.zip'}",
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
    archive = project / "dist" / ARCHIVE / f"{ARCHIVE}.zip"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        index = bundle.read("danubia-pay-ag-all-versions-offline/index.html").decode()
    assert {"danubia-pay-ag-all-versions-offline/3.0/index.html", "danubia-pay-ag-all-versions-offline/3.2/index.html",
            "danubia-pay-ag-all-versions-offline/latest/index.html"} <= set(names)
    assert '<li><a href="3.2/index.html">Version 3.2</a> · <a href="latest/index.html">latest</a></li>' in index
    assert '<li><a href="3.0/index.html">Version 3.0</a></li>' in index
    assert "http:" not in index and "https:" not in index  # the page loads nothing


def test_publish_outside_a_git_checkout_says_why(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = publish(tmp_path, "3.1")
    assert code == 1
    assert "not a git checkout" in output


@pytest.mark.parametrize(("args", "message"), [
    (("--", "--branch=master"), "version '--branch=master' is refused"),
    (("3" * 300,), f"version '{'3' * 50}…' is refused"),
    (("3.1", "--alias", "../up"), "alias '../up' is refused"),
    (("3.1", "--alias", "versions.json"), "alias 'versions.json' is refused"),
    (("3.1", "--alias", "3.1"), "version '3.1' and its aliases must all differ"),
    (("3.1", "--branch", "--output=x"), "--branch '--output=x' is not a valid git branch name"),
    (("3.1", "--branch", "a..b"), "--branch 'a..b' is not a valid git branch name"),
    (("3.1", "--push", "--remote", "--receive-pack=touch x"), "--remote '--receive-pack=touch x' is not"),
])
def test_versions_aliases_branches_and_remotes_are_checked_before_mike_runs(project: Path, args: tuple[str, ...],
                                                                           message: str) -> None:
    branches = git(project, "branch", "--list")
    code, output = publish(project, *args)
    assert code == 1
    assert output.startswith(message), output
    assert git(project, "branch", "--list") == branches  # nothing was deployed anywhere
    assert not (project / "x").exists()


def test_a_killed_publish_leaves_nothing_behind_after_the_next_run(project: Path) -> None:
    leftover_config = project / "mike-mkdocsk3j_x9ab.yml"
    leftover_config.write_text("site_name: left by a killed mike\n")
    keep = project / "mike-mkdocs-notes.yml"  # not a name mike's temporary files have
    keep.write_text("mine\n")
    (project / "dist").mkdir()
    partial = project / "dist" / ".danubia-pay-ag-all-versions-offline-new-k3j_x9ab"
    partial.mkdir()
    (partial / "danubia-pay-ag-all-versions-offline.zip.partial").write_bytes(b"PK\x03\x04")
    assert publish(project, "3.1")[0] == 0
    assert not leftover_config.exists()
    assert not partial.exists()
    assert keep.exists()


def test_a_publish_killed_while_installing_the_archive_leaves_a_matching_pair(project: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import build as stage
    from generator.commands.publish import publish as publish_site

    assert publish(project, "3.0")[0] == 0
    archive = project / "dist" / ARCHIVE / f"{ARCHIVE}.zip"
    checksum = archive.with_name(archive.name + ".sha256")
    old = archive.read_bytes()
    git(project, "commit", "-q", "--allow-empty", "-m", "3.1")

    def killed(first: Path, second: Path) -> bool:
        raise KeyboardInterrupt  # as if killed just before the folders are exchanged

    monkeypatch.setattr(stage, "_exchange", killed)
    with pytest.raises(KeyboardInterrupt):
        publish_site(project / "mkdocs.yml", "3.1", [])
    monkeypatch.undo()
    assert stage.bundle_matches(archive, checksum)  # the old pair, whole
    assert archive.read_bytes() == old
    assert [p.name for p in archive.parent.parent.iterdir() if p.name.startswith(".")]  # the staged folder
    assert publish(project, "3.1")[0] == 0
    assert stage.bundle_matches(archive, checksum)
    assert archive.read_bytes() != old
    assert not [p.name for p in archive.parent.parent.iterdir() if p.name.startswith(".")]
    assert sorted(p.name for p in archive.parent.iterdir()) == [archive.name, checksum.name]


# --- issue 15: the internal edition is never published; signed playbooks publish signed versions


def test_the_internal_edition_is_never_published(project: Path) -> None:
    code, output = publish(project, "3.1", "--edition", "internal")
    assert code == 1
    assert output == (
        "publishing the internal edition is refused: it carries private contact details, and a published branch is "
        "served to whoever can reach the Pages site. Publish the public edition (the default), and hand out the "
        "internal edition as the signed offline bundle (playbook build --sign KEY)\n")
    assert git(project, "branch", "--list", "gh-pages") == ""  # nothing was deployed


def signed_project(project: Path) -> Path:
    """Commit an Ed25519 public key to ``project``; its private half (outside the project)."""
    from tests.test_sign import make_key

    key = make_key(project.parent / "keys", "release")
    (project / "signing.pub").write_bytes(key.with_suffix(".pub").read_bytes())
    git(project, "add", "signing.pub")
    git(project, "commit", "-qm", "signing key")
    return key


def test_a_signed_playbook_is_not_published_unsigned(project: Path) -> None:
    signed_project(project)
    code, output = publish(project, "3.1")
    assert (code, output) == (1, "signing.pub: releases of this playbook are signed (its pages name that key); give "
                                 "the private key with --sign KEY or $PLAYBOOK_SIGNING_KEY\n")
    assert git(project, "branch", "--list", "gh-pages") == ""


def test_every_published_version_and_the_archive_carry_their_signatures(project: Path, tmp_path: Path) -> None:
    from generator.sign import MANIFEST, verify

    key = signed_project(project)
    assert publish(project, "3.0", "--sign", str(key))[0] == 0
    git(project, "commit", "-q", "--allow-empty", "-m", "3.1")
    code, output = publish(project, "3.1", "--alias", "latest", "--sign", str(key))
    assert code == 0, output
    assert output.splitlines()[-1].startswith("Signed with SHA256:")
    public = project / "signing.pub"
    archive = project / "dist" / ARCHIVE / f"{ARCHIVE}.zip"
    verify(archive, public)
    assert archive.with_name(f"{ARCHIVE}.zip.sig").is_file()
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(unzipped)
    for version in ("3.0", "3.1", "latest"):  # each version's own signature, over its pages as the archive has them
        assert (unzipped / ARCHIVE / version / MANIFEST).is_file()
        verify(unzipped / ARCHIVE / version, public)
    verify(unzipped / ARCHIVE, public)  # the index page and every version, in the archive's own manifest
    branch = tmp_path / "branch"
    branch.mkdir()
    subprocess.run(f"git -C {project} archive gh-pages | tar -x -C {branch}", shell=True, check=True)
    verify(branch / "3.1", public)  # as the web server serves it


def test_a_version_changed_on_the_branch_after_signing_is_not_signed_over(project: Path) -> None:
    key = signed_project(project)
    assert publish(project, "3.0", "--sign", str(key))[0] == 0
    git(project, "checkout", "-q", "gh-pages")
    contacts = project / "3.0" / "contacts.html"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("+43", "+44", 1), encoding="utf-8")
    git(project, "commit", "-qam", "a changed number")
    git(project, "checkout", "-q", "-")
    code, output = publish(project, "3.1", "--sign", str(key))
    assert code == 1
    assert output.startswith("branch gh-pages: version 3.0 is not as it was signed")
    assert "3.0/contacts.html: changed after signing" in output
