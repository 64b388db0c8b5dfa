"""Zensical's kept work folder (engines.work_folder): `<project>/.playbook-work/zensical/<edition>-<key>/`, kept
between builds so that pages that did not change are not written again and Zensical's own cache stays warm;
locked, emptied by `--clean` and by a new Zensical or converter version; a temporary folder with
$PLAYBOOK_NO_CACHE. And what a build says when Zensical stops on its search index limit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from generator import engines
from tests.conftest import ROOT, copy_example, invoke
from tests.test_build import snapshot

#: Long ago: a docs file that still has this time after a build was not written again.
OLD = 1_000_000_000


def work_of(project: Path) -> Path:
    """The one kept work folder of ``project``."""
    (folder,) = [path for path in (project / engines.WORK_FOLDER / "zensical").iterdir() if path.is_dir()]
    return folder


def aged(docs: Path) -> dict[str, int]:
    """Set every file under ``docs`` to OLD; their relative paths and times."""
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))
    return times(docs)


def times(docs: Path) -> dict[str, int]:
    return {path.relative_to(docs).as_posix(): int(path.stat().st_mtime) for path in docs.rglob("*") if path.is_file()}


def build(project: Path, *args: str) -> None:
    code, output = invoke("build", "--engine", "zensical", *args, cwd=project)
    assert code == 0, output


@pytest.fixture(autouse=True)
def _kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAYBOOK_NO_CACHE", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")


@pytest.mark.slow
def test_a_second_build_reuses_the_folder_rewrites_only_changed_pages_and_makes_the_same_site(tmp_path: Path) -> None:
    copy_example(tmp_path)
    build(tmp_path)
    site, dist = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    work = work_of(tmp_path)
    assert any((work / ".cache").iterdir())  # Zensical's own cache, kept with the pages
    before = aged(work / "docs")
    assert "speaking-to-the-media.md" in before and "contacts.md" in before and "assets/playbook/playbook.css" in before
    build(tmp_path)
    assert work_of(tmp_path) == work
    assert snapshot(tmp_path / "site") == site  # byte for byte
    assert snapshot(tmp_path / "dist") == dist
    assert times(work / "docs") == before  # nothing was written again
    clean = json.loads((work / engines.CHECKED).read_text(encoding="utf-8"))["clean"]
    assert sorted(clean) == sorted(name for name in site if name.endswith(".html"))  # the text check's record

    page = tmp_path / "content" / "speaking-to-the-media.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added since.\n", encoding="utf-8")
    build(tmp_path)
    after = times(work / "docs")
    assert after["speaking-to-the-media.md"] != OLD  # the changed page was written
    assert {name: when for name, when in after.items() if name != "speaking-to-the-media.md"} == {
        name: when for name, when in before.items() if name != "speaking-to-the-media.md"}
    warm = snapshot(tmp_path / "site")
    assert "A sentence added since." in warm["speaking-to-the-media.html"].decode("utf-8")
    build(tmp_path, "--clean")  # the same sources from an empty folder: what Zensical's warm cache gave
    assert snapshot(tmp_path / "site") == warm


@pytest.mark.slow
def test_a_removed_content_page_leaves_the_site(tmp_path: Path) -> None:
    copy_example(tmp_path)
    build(tmp_path)
    assert (tmp_path / "site" / "working-out-of-band.html").is_file()
    (tmp_path / "content" / "working-out-of-band.md").unlink()
    build(tmp_path)
    assert not (tmp_path / "site" / "working-out-of-band.html").exists()
    assert not (work_of(tmp_path) / "docs" / "working-out-of-band.md").exists()
    assert "working-out-of-band" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    warm = snapshot(tmp_path / "site")
    build(tmp_path, "--clean")
    assert snapshot(tmp_path / "site") == warm


@pytest.mark.slow
def test_clean_empties_the_work_folder_first(tmp_path: Path) -> None:
    copy_example(tmp_path)
    build(tmp_path)
    work = work_of(tmp_path)
    (work / ".cache" / "left-by-an-old-build").write_text("x")
    (work / "docs" / "stale.md").write_text("x")
    before = aged(work / "docs")
    build(tmp_path, "--clean")
    assert work_of(tmp_path) == work
    assert not (work / ".cache" / "left-by-an-old-build").exists()
    after = times(work / "docs")
    assert "stale.md" not in after
    assert all(after[name] != OLD for name in after)  # every page written anew
    assert set(after) == set(before) - {"stale.md"}


def test_clean_without_a_work_folder_is_fine(tmp_path: Path) -> None:
    engines.clean_work(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_another_zensical_version_empties_the_work_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zensical

    copy_example(tmp_path)
    build(tmp_path)
    work = work_of(tmp_path)
    (work / ".cache" / "left-by-an-old-build").write_text("x")
    assert (work / ".versions").read_text() == f"zensical {zensical.version()}\nconverter {engines.CONVERTER_VERSION}\n"
    monkeypatch.setattr(zensical, "version", lambda: "0.0.99")
    build(tmp_path)
    assert not (work / ".cache" / "left-by-an-old-build").exists()
    assert (work / ".versions").read_text() == f"zensical 0.0.99\nconverter {engines.CONVERTER_VERSION}\n"
    (work / ".cache" / "left-by-an-old-build").write_text("x")
    monkeypatch.setattr(engines, "CONVERTER_VERSION", "converted differently")
    build(tmp_path)
    assert not (work / ".cache" / "left-by-an-old-build").exists()


def test_two_sites_editions_and_languages_get_their_own_folder_made_with_the_sites_mode(tmp_path: Path) -> None:
    made = set()
    umask = os.umask(0o027)
    try:
        for site, edition, language in [("site", "internal", "en"), ("site", "public", "en"),
                                        ("site", "internal", "de"), ("other-site", "internal", "en")]:
            with engines.work_folder(tmp_path, tmp_path / site, edition, language) as work:
                made.add(work)
                assert work.parent == tmp_path / ".playbook-work" / "zensical"
                assert work.name.startswith(f"{edition}-")
                for folder in (work, work.parent, work.parent.parent):
                    assert oct(folder.stat().st_mode & 0o777) == "0o750"  # as site/ under this umask
    finally:
        os.umask(umask)
    assert len(made) == 4
    with engines.work_folder(tmp_path, tmp_path / "site", "internal", "en") as again:
        assert again in made


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entered = threading.Event()
    used: list[Path] = []

    def second() -> None:
        with engines.work_folder(tmp_path, tmp_path / "site", "internal", "en") as work:
            used.append(work)
            entered.set()

    with engines.work_folder(tmp_path, tmp_path / "site", "internal", "en") as first:
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not entered.wait(1.0)  # the second build waits while the first holds the folder
        assert f"Waiting for another build that uses {first} to end..." in capsys.readouterr().err
    waiting.join(10)
    assert entered.is_set() and used == [first]


def git_ignores(folder: Path, path: str) -> bool:
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return subprocess.run(["git", "-C", str(folder), "check-ignore", "-q", path], check=False).returncode == 0


def test_the_work_folder_is_ignored_by_git_in_this_project_and_in_a_new_one(tmp_path: Path) -> None:
    inside = ".playbook-work/zensical/internal-0123456789ab/docs/contacts.md"
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    assert git_ignores(tmp_path, inside)
    code, output = invoke("new", str(tmp_path / "new"))
    assert code == 0, output
    assert git_ignores(tmp_path / "new", inside)
    assert not git_ignores(tmp_path / "new", "content/about.md")  # the check can say no


@pytest.mark.slow
def test_no_cache_builds_in_a_temporary_folder_and_leaves_nothing(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_NO_CACHE", "1")
    copy_example(tmp_path)
    crashed = tmp_path / ".site-zensical-k1ll3d"  # what a killed build with PLAYBOOK_NO_CACHE left
    (crashed / "docs").mkdir(parents=True)
    (crashed / "docs" / "contacts.md").write_text("private")
    folders = []
    real = engines.zensical_build

    def seen(prepared: engines.Prepared, *, strict: bool) -> Path:
        if prepared.config_file.parent.name != "probe":
            folders.append(prepared.config_file.parent)
        return real(prepared, strict=strict)

    monkeypatch.setattr(engines, "zensical_build", seen)
    build(tmp_path)
    (folder,) = folders
    assert folder.parent == tmp_path and folder.name.startswith(".site-zensical-")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # neither is left
    assert (tmp_path / "site" / "contacts.html").is_file()


SEARCH_LIMIT = ("Search field 'text' at '{}' exceeds the search index limit (34672 token positions; maximum 32768 "
                "for 24138 items). Shorten this field, split the page into smaller sections, or exclude it from "
                "search.")


def prepared_in(tmp_path: Path) -> engines.Prepared:
    content = tmp_path / "content"
    content.mkdir()
    (content / "big-notes.md").write_text("# Notes\n")
    return engines.Prepared(tmp_path / "work" / "mkdocs.yml", tmp_path / "work" / "docs", None,
                            generated=frozenset({"call-tree.md", "phases/assessment.md"}), content=content)


def test_the_search_index_limit_names_the_page_and_what_to_do(tmp_path: Path) -> None:
    prepared = prepared_in(tmp_path)
    said = "Build started\n" + SEARCH_LIMIT.format("call-tree.html") + "\nNo issues found\n"
    assert engines.search_limit_message(said, prepared) == (
        "--engine zensical: the page call-tree.html is too big for Zensical's search index (34672 token positions; "
        "maximum 32768 for 24138 items; Zensical's own limit, which no setting changes). The page is generated "
        "from the playbook, so its size follows the playbook's: build with --engine mkdocs, whose search has no "
        "such limit.")
    assert engines.search_limit_message(SEARCH_LIMIT.format("big-notes.html"), prepared) == (
        "--engine zensical: the page big-notes.html is too big for Zensical's search index (34672 token positions; "
        "maximum 32768 for 24138 items; Zensical's own limit, which no setting changes). It is the content page "
        "content/big-notes.md: split it into smaller pages, or build with --engine mkdocs.")
    assert engines.search_limit_message(SEARCH_LIMIT.format("elsewhere.html"), prepared) == (
        "--engine zensical: the page elsewhere.html is too big for Zensical's search index (34672 token positions; "
        "maximum 32768 for 24138 items; Zensical's own limit, which no setting changes). Split that page into "
        "smaller pages, or build with --engine mkdocs.")
    assert engines.search_limit_message("Error: something else\nNo issues found\n", prepared) is None


@pytest.mark.slow
def test_a_build_stopped_by_the_search_index_limit_says_which_page(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import zensical

    def too_big(config_file: str, options: dict[str, object]) -> None:
        os.write(1, b"Build started\nNo issues found\n")  # what 0.0.73 prints before it raises
        raise RuntimeError(SEARCH_LIMIT.format("call-tree.html"))

    copy_example(tmp_path)
    monkeypatch.setattr(zensical, "build", too_big)
    code, output = invoke("build", "--engine", "zensical", cwd=tmp_path)
    assert code == 1
    assert output.splitlines()[0].startswith("--engine zensical: the page call-tree.html is too big for Zensical's "
                                             "search index (34672 token positions")
    assert "generated from the playbook" in output and "--engine mkdocs" in output
    assert output.endswith("Build failed; site/ and dist/ are unchanged.\n")
    assert not (tmp_path / "site").exists()



@pytest.mark.slow
def test_after_a_build_that_did_not_end_well_the_next_starts_from_an_empty_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_example(tmp_path)
    build(tmp_path)
    work = work_of(tmp_path)
    assert not (work / ".building").exists()  # a build that ended well leaves the folder as usable
    (work / ".cache" / "left-by-an-old-build").write_text("x")
    build(tmp_path)
    assert (work / ".cache" / "left-by-an-old-build").exists()  # kept: the last build ended well
    real = engines.zensical_build

    def interrupted(prepared: engines.Prepared, *, strict: bool) -> Path:
        real(prepared, strict=strict)
        raise engines.BuildError("interrupted while Zensical wrote its cache")  # as a kill or a panic would

    monkeypatch.setattr(engines, "zensical_build", interrupted)
    assert invoke("build", "--engine", "zensical", cwd=tmp_path)[0] == 1
    assert (work / ".building").exists()
    monkeypatch.setattr(engines, "zensical_build", real)
    build(tmp_path)
    assert not (work / ".cache" / "left-by-an-old-build").exists()  # emptied, then built cold
    assert not (work / ".building").exists()
