"""A build reads only from inside the project and writes only into outputs that are its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_example, edit, invoke
from tests.test_build import snapshot
from tests.test_private import _forms

pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy_example(tmp_path / "project")
    return tmp_path / "project"


def set_in_mkdocs(project: Path, old: str, new: str) -> None:
    config = project / "mkdocs.yml"
    config.write_text(edit(config.read_text(), old, new))


def outside_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "victim"
    folder.mkdir()
    (folder / "precious.md").write_text("# Not yours\n")
    (folder / ".keep.zip.new").write_text("a file a build would clean up in its own dist\n")
    return folder


@pytest.mark.parametrize("docs_dir", ["../victim", "ABSOLUTE"])
def test_docs_dir_outside_the_project_is_refused(project: Path, tmp_path: Path, docs_dir: str) -> None:
    victim = outside_folder(tmp_path)
    written = str(victim) if docs_dir == "ABSOLUTE" else docs_dir
    set_in_mkdocs(project, "docs_dir: content", f"docs_dir: {written}")
    code, output = invoke("build", cwd=project)
    assert code == 1
    assert output.splitlines()[:2] == [
        "files must stay inside the project:",
        f"  {project / 'mkdocs.yml'}:5: docs_dir '../victim' is outside the project ({victim})",
    ]
    assert not (project / "site").exists() and not (project / "dist").exists()


def test_a_content_folder_that_links_out_is_refused(project: Path, tmp_path: Path) -> None:
    victim = outside_folder(tmp_path)
    (project / "content").rename(project / "content-real")
    (project / "content").symlink_to(victim)
    code, output = invoke("build", cwd=project)
    assert code == 1
    assert f"  {project / 'mkdocs.yml'}:5: docs_dir 'content' is a link to {victim}, outside the project" in output
    assert not (project / "site").exists()


def test_a_dist_link_is_refused_and_nothing_is_written_or_removed_through_it(project: Path, tmp_path: Path) -> None:
    victim = outside_folder(tmp_path)
    (project / "dist").symlink_to(victim)
    before = snapshot(victim)
    code, output = invoke("build", cwd=project)
    assert (code, output) == (1, f"dist: bundle folder '{project / 'dist'}' is a link to {victim}, outside the "
                                 "project; outputs stay inside the project\n"
                                 "Build failed; site/ and dist/ are unchanged.\n")
    assert snapshot(victim) == before
    (project / "dist").unlink()
    (project / "dist").symlink_to(project / "content")  # a link inside the project: still not an output folder
    assert invoke("build", cwd=project)[0] == 1


def test_site_dir_outside_the_project_is_refused_and_left_alone(project: Path, tmp_path: Path) -> None:
    victim = outside_folder(tmp_path)
    set_in_mkdocs(project, "site_dir: site", "site_dir: ../victim")
    before = snapshot(victim)
    code, output = invoke("build", cwd=project)
    assert code == 1
    assert output.splitlines()[0] == (f"mkdocs.yml:6: site_dir '{victim}' is outside the project "
                                      f"({victim}); outputs stay inside the project")
    assert snapshot(victim) == before


def test_a_site_folder_this_tool_did_not_make_is_not_replaced(project: Path) -> None:
    set_in_mkdocs(project, "site_dir: site", "site_dir: templates")
    before = snapshot(project / "templates")
    code, output = invoke("build", cwd=project)
    assert code == 1
    assert output.splitlines()[0] == (
        f"mkdocs.yml:6: site_dir '{project / 'templates'}' holds files that `playbook build` did not "
        "make, and a build replaces the whole folder; move them away or name another folder")
    assert snapshot(project / "templates") == before


def test_the_site_carries_the_marker_and_is_replaced_on_the_next_build(project: Path) -> None:
    (project / "site").mkdir()  # an empty folder is fine
    assert invoke("build", cwd=project)[0] == 0
    assert (project / "site" / ".playbook-site").is_file()
    assert invoke("build", cwd=project)[0] == 0
    assert not any(".playbook-site" in name for name in snapshot(project / "dist"))


def test_pdf_output_outside_the_project_or_over_another_file_is_refused(project: Path, tmp_path: Path) -> None:
    code, output = invoke("pdf", "-o", str(tmp_path / "elsewhere.pdf"), cwd=project)
    assert (code, output) == (1, f"--output: '{tmp_path / 'elsewhere.pdf'}' is outside the project "
                                 f"({tmp_path / 'elsewhere.pdf'}); outputs stay inside the project\n")
    before = (project / "playbook.yml").read_bytes()
    code, output = invoke("pdf", "-o", "playbook.yml", cwd=project)
    assert (code, output) == (1, "--output: 'playbook.yml' exists and was not written by this tool; "
                                 "outputs stay inside the project\n")
    assert (project / "playbook.yml").read_bytes() == before


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_the_private_file_never_reaches_the_site_through_content(project: Path, edition: str) -> None:
    (project / "contacts.private.yml").write_text(
        "contacts:\n  lukas-berger:\n    channels:\n      - {type: satphone, value: +881 631 555 999}\n")
    (project / "content" / "numbers.yml").symlink_to(project / "contacts.private.yml")
    (project / "content" / "copy.yml").hardlink_to(project / "contacts.private.yml")
    code, output = invoke("build", "--edition", edition, cwd=project)
    assert code == 0, output
    assert "warning: content/copy.yml is the private contacts file (contacts.private.yml) or a link to it; " \
           "left out of the site" in output
    assert "warning: content/numbers.yml is the private contacts file" in output
    assert not (project / "site" / "numbers.yml").exists() and not (project / "site" / "copy.yml").exists()
    site = "".join(path.read_text(errors="replace") for path in (project / "site").rglob("*") if path.is_file())
    shown = any(form in site for form in _forms("+881 631 555 999"))
    assert shown == (edition == "internal")  # shown on the internal edition's pages, as the plan says


def test_content_file_names_are_text_in_the_nav(project: Path) -> None:
    (project / "content" / "<img src=x onerror=alert(1)>.md").write_text("No heading.\n")
    assert invoke("build", cwd=project)[0] == 0
    index = (project / "site" / "index.html").read_text()
    assert "<img src=x" not in index
    assert "&lt;img src=x onerror=alert(1)&gt;" in index
