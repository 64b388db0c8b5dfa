"""`playbook build`, plain `mkdocs build`, the plugin's rules and template overrides."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildError, build, slugify
from tests.conftest import copy_example, edit, invoke

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke_build(project: Path, *args: str) -> tuple[int, str]:
    return invoke("build", *args, cwd=project)


def test_build_writes_the_site_the_bundle_and_its_checksum(tmp_path: Path) -> None:
    copy_example(tmp_path)
    code, output = invoke_build(tmp_path)
    assert code == 0, output
    bundle = tmp_path / "dist" / "danubia-pay-ag-3-1-offline" / "danubia-pay-ag-3-1-offline.zip"
    assert output.splitlines() == [
        f"Site:   {tmp_path / 'site'}",
        f"Bundle: {bundle}",
        f"Open:   {(tmp_path / 'site' / 'index.html').as_uri()}",
    ]
    checksum = bundle.with_name(bundle.name + ".sha256").read_text()
    assert sorted(p.name for p in bundle.parent.iterdir()) == [bundle.name, bundle.name + ".sha256"]
    assert checksum == f"{hashlib.sha256(bundle.read_bytes()).hexdigest()}  {bundle.name}\n"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert "danubia-pay-ag-3-1-offline/index.html" in names
    assert "danubia-pay-ag-3-1-offline/search/search_index.js" in names
    assert "danubia-pay-ag-3-1-offline/assets/vendor/iframe-worker/shim.js" in names
    assert names == sorted(names)
    assert not any(name.endswith(".map") for name in names)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_failed_build_leaves_the_last_good_site_and_bundle_untouched(tmp_path: Path, engine: str) -> None:
    copy_example(tmp_path)
    assert invoke_build(tmp_path, "--engine", engine)[0] == 0
    site_before, dist_before = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', "version: 3.1     "))
    code, output = invoke_build(tmp_path, "--engine", engine)
    assert code == 1
    assert output == (
        "playbook.yml:24:3: document.version: expected text, got the number 3.1; put it in quotes\n"
        "Build failed; site/ and dist/ are unchanged.\n"
    )
    assert snapshot(tmp_path / "site") == site_before
    assert snapshot(tmp_path / "dist") == dist_before
    kept = [".playbook-work"] if engine == "zensical" else []  # Zensical's kept work folder (engines.work_folder)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == kept


def test_plain_mkdocs_build_works_with_the_plugin(tmp_path: Path) -> None:
    copy_example(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "phases" / "covert-preparation.html").is_file()
    assert (tmp_path / "site" / "working-out-of-band.html").is_file()


@pytest.mark.parametrize(("setting", "old", "new", "message"), [
    ("instant", "    - navigation.indexes\n", "    - navigation.instant\n    - navigation.indexes\n",
     "theme feature 'navigation.instant' breaks copy buttons under file://; remove it"),
    ("font", "  font: false              # no Google Fonts\n", "",
     "theme.font must be false: web fonts are loaded from Google's servers"),
    ("privacy", "  - offline ", "  - privacy\n  - offline ",
     "plugin 'privacy' needs the network at build or view time; remove it"),
    ("no-offline", "  - offline                # inlines the search index for file://\n", "",
     "plugin 'offline' is missing: without it search does not work from file://"),
    ("repo_url", "site_dir: site\n", "site_dir: site\nrepo_url: https://github.com/example/playbook\n",
     "repo_url makes Material fetch the repository's facts from its host on every page; remove it"),
    ("favicon", "  font: false              # no Google Fonts\n",
     "  font: false              # no Google Fonts\n  favicon: https://example.org/favicon.png\n",
     "theme.favicon is loaded from outside the site; copy it into content/ instead"),
])
def test_settings_that_break_offline_use_are_refused(tmp_path: Path, setting: str, old: str, new: str,
                                                     message: str) -> None:
    config = copy_example(tmp_path)
    config.write_text(edit(config.read_text(), old, new))
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert output.splitlines()[:2] == ["this site must work offline:", f"  {message}"]


def test_content_page_may_not_replace_a_generated_page(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "content" / "contacts.md").write_text("# Mine\n")
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert output.splitlines()[0] == "content/contacts.md would replace a generated page; rename it"


def test_user_template_overrides_and_extends_the_default(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "templates" / "glossary.md.j2").write_text(
        '{% extends "default/glossary.md.j2" %}\n', encoding="utf-8")
    (tmp_path / "templates" / "offices.md.j2").write_text(
        "# Offices and time zones\n\nOur own page for {{ doc.organisation }}.\n", encoding="utf-8")
    assert invoke_build(tmp_path)[0] == 0
    offices = (tmp_path / "site" / "offices.html").read_text()
    assert "Our own page for Danubia Pay AG." in offices
    assert "Out-of-band" in (tmp_path / "site" / "glossary.html").read_text()


def test_template_error_names_the_template_line_and_item(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "templates" / "phase.md.j2").write_text("# {{ phase.name }}\n\n{{ phase.nmae }}\n")
    with pytest.raises(BuildError) as caught:
        build(tmp_path / "mkdocs.yml")
    assert str(caught.value) == (
        f"{tmp_path / 'templates' / 'phase.md.j2'}:3: UndefinedError: "
        "'generator.model.Phase object' has no attribute 'nmae' (while rendering phase 'assessment')"
    )


def test_broken_template_syntax_names_the_template(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "templates" / "glossary.md.j2").write_text("# Glossary\n{% for x in %}\n")
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert "glossary.md.j2:2: template syntax error:" in output
    assert "(while rendering page 'glossary.md')" in output


def test_bundle_names_are_slugs() -> None:
    assert slugify("Danubia Pay AG") == "danubia-pay-ag"
    assert slugify("Zavod za zdravstvenu zaštitu Čačak") == "zavod-za-zdravstvenu-zastitu-cacak"
    assert slugify("3.1") == "3-1"
    assert slugify("a " * 200) == "-".join("a" * 40)  # a file name stays short enough for any file system


def test_serve_watches_the_playbook_its_translations_and_the_templates(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    config = load_config(str(copy_example(tmp_path)))

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    config.plugins["playbook"].on_serve(server, config=config, builder=None)
    assert server.watched == [str(tmp_path / "playbook.yml"), str(tmp_path / "templates"),
                              str(tmp_path / "playbook.de.yml"), str(tmp_path / "playbook.sr-Latn.yml")]


def test_broken_mkdocs_configuration_says_what_is_wrong(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    config.write_text(edit(config.read_text(), "use_directory_urls: false", "use_directory_urls: sometimes"))
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert "use_directory_urls" in output.splitlines()[0]
    assert output.endswith("Build failed; site/ and dist/ are unchanged.\n")


def test_same_input_and_source_date_epoch_give_a_byte_identical_site_and_bundle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")  # 2026-03-20
    copy_example(tmp_path)
    assert invoke_build(tmp_path)[0] == 0
    site, dist = snapshot(tmp_path / "site"), snapshot(tmp_path / "dist")
    assert invoke_build(tmp_path)[0] == 0
    assert snapshot(tmp_path / "site") == site
    assert snapshot(tmp_path / "dist") == dist
    bundle = tmp_path / "dist" / "danubia-pay-ag-3-1-offline" / "danubia-pay-ag-3-1-offline.zip"
    with zipfile.ZipFile(bundle) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 20, 9, 46, 40)}


def test_every_page_shows_document_control_and_the_build_stamp(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    copy_example(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "playbook"], cwd=tmp_path, check=True)
    commit = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=tmp_path, capture_output=True,
                            text=True, check=True).stdout.strip()
    assert invoke_build(tmp_path)[0] == 0
    line = ('<p class="pb-doc">Version 3.1 · approved by Lukas Berger on 2026-11-02 · review by 2027-05-15 · '
            "TLP:AMBER+STRICT</p>")
    for page in ("contacts.html", "phases/assessment.html", "messages/holding-statement.html",
                 "working-out-of-band.html"):
        html = (tmp_path / "site" / page).read_text()
        assert line in html, page
        assert ('Danubia Pay AG crisis playbook, version 3.1. Built <span class="pb-built" data-built="2026-03-20">'
                f"2026-03-20</span> from commit {commit}.") in html


def test_strict_in_mkdocs_yml_holds_unless_the_command_line_says_otherwise(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    config.write_text("strict: true\n" + config.read_text())
    (tmp_path / "content" / "broken.md").write_text("# Broken\n\nSee [the missing page](missing.md).\n")
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert "Build failed; site/ and dist/ are unchanged." in output
    assert not (tmp_path / "site").exists()
    code, output = invoke_build(tmp_path, "--no-strict")
    assert code == 0, output
    assert "warning: Doc file 'broken.md' contains a link 'missing.md'" in output


def test_site_gets_the_permissions_of_the_umask_as_mkdocs_gives_them(tmp_path: Path) -> None:
    """Not mkdtemp's 0700: a web server or a colleague's account must be able to read site/."""
    copy_example(tmp_path)
    old = os.umask(0o022)
    try:
        for umask, directory_mode, file_mode in [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)]:
            os.umask(umask)
            assert invoke_build(tmp_path)[0] == 0
            site = tmp_path / "site"
            assert site.stat().st_mode & 0o777 == directory_mode
            assert (site / "assets").stat().st_mode & 0o777 == directory_mode
            assert (site / "index.html").stat().st_mode & 0o777 == file_mode
    finally:
        os.umask(old)


def _tiny_site(tmp_path: Path, text: str) -> Path:
    site = tmp_path / f"site-{text}"
    site.mkdir()
    (site / "index.html").write_text(text)
    return site


def _kill_at(monkeypatch: pytest.MonkeyPatch, kill_at: int, exchange: bool) -> None:
    """Make the renames (and the exchange, if ``exchange``, else make it unavailable) raise
    KeyboardInterrupt, as a kill would, instead of running step number ``kill_at``."""
    from generator import build as stage

    steps = iter(range(kill_at + 1))
    real_exchange, real_rename, real_replace = stage._exchange, Path.rename, Path.replace

    def step(real: Any, *args: Any) -> Any:
        if next(steps) == kill_at:
            raise KeyboardInterrupt
        return real(*args)
    monkeypatch.setattr(stage, "_exchange", (lambda a, b: step(real_exchange, a, b)) if exchange else
                        (lambda a, b: False))
    monkeypatch.setattr(Path, "rename", lambda self, target: step(real_rename, self, target))
    monkeypatch.setattr(Path, "replace", lambda self, target: step(real_replace, self, target))


def test_the_staged_checksum_is_of_the_zip_as_written(tmp_path: Path) -> None:
    from generator import build as stage

    bundle = stage.bundle_path(tmp_path / "dist", "x-offline")
    staged = stage.write_bundle_pair(_tiny_site(tmp_path, "x"), "x-offline", bundle)
    written = (staged / bundle.name).read_bytes()
    assert (staged / f"{bundle.name}.sha256").read_text() == f"{hashlib.sha256(written).hexdigest()}  {bundle.name}\n"
    with zipfile.ZipFile(staged / bundle.name) as archive:
        assert [(info.filename, archive.read(info)) for info in archive.infolist()] == [("x-offline/index.html", b"x")]


def test_a_bundle_that_changed_before_it_was_in_place_is_refused(tmp_path: Path) -> None:
    """The pair is checked as dist/ holds it, once installed: a zip changed after it was hashed is caught there."""
    from generator import build as stage

    bundle = stage.bundle_path(tmp_path / "dist", "x-offline")
    staged = stage.write_bundle_pair(_tiny_site(tmp_path, "x"), "x-offline", bundle)
    with (staged / bundle.name).open("ab") as tampered:
        tampered.write(b"\0")
    with pytest.raises(BuildError) as refused:
        stage.install_bundle_pair(staged, bundle)
    assert str(refused.value) == (f"{bundle}: does not match {bundle.name}.sha256; was another build running? "
                                  "Build again")


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_bundle_install_killed_at_any_step_never_leaves_a_mixed_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      exchange: bool) -> None:
    from generator import build as stage

    dist = tmp_path / "dist"
    bundle = stage.bundle_path(dist, "x-offline")
    checksum = bundle.with_name(bundle.name + ".sha256")
    stage.install_bundle_pair(stage.write_bundle_pair(_tiny_site(tmp_path, "old"), "x-offline", bundle), bundle)
    pairs = {(bundle.read_bytes(), checksum.read_text())}
    new_site = _tiny_site(tmp_path, "new")
    if exchange and not stage._exchange(dist / "x-offline", dist / "x-offline"):
        pytest.skip("renameat2 RENAME_EXCHANGE is not available here")
    kill_at, killed = 0, True
    while killed:
        staged = stage.write_bundle_pair(new_site, "x-offline", bundle)
        _kill_at(monkeypatch, kill_at, exchange)
        try:
            stage.install_bundle_pair(staged, bundle)
            killed = False
        except KeyboardInterrupt:
            pass
        monkeypatch.undo()
        if bundle.exists() or exchange:  # with two renames, the folder is missing between them
            assert stage.bundle_matches(bundle, checksum), f"killed at step {kill_at}: a mixed pair"
            pairs.add((bundle.read_bytes(), checksum.read_text()))
        stage.remove_staged(dist)  # what the next run does first
        assert [p.name for p in dist.iterdir()] == (["x-offline"] if bundle.exists() else [])
        kill_at += 1
    assert kill_at > 1  # at least one step was killed
    assert len(pairs) == 2  # the old pair and the new one, nothing else
