"""`playbook build` generates the pages in a second process while MkDocs starts (generator/ahead.py): the same
site, the same messages, and the work done in process whenever the worker guessed otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator import ahead
from generator.ahead import IN_PROCESS_VARIABLE, Request, settings
from tests.conftest import copy_example, edit, invoke

pytestmark = pytest.mark.slow


@pytest.fixture
def ran_alone(request: pytest.FixtureRequest) -> bool:
    """Whether the test was run, and passed, in a process of its own. The worker is forked only where no other
    thread runs (ahead.start): in the whole suite the browser tests leave Playwright's threads running, so a
    test of the worker runs itself again in a fresh pytest, and the test here then only checks that it passed."""
    if threading.active_count() == 1:
        return False
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
                            cwd=request.config.rootpath, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return True


def test_the_worker_reads_the_plugins_settings_from_mkdocs_yml_as_written(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: !ENV [SITE, x]\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                      "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                      "plugins:\n  - search\n  - playbook:\n      edition: public\n      templates: own\n",
                      encoding="utf-8")
    assert settings(config) == {"playbook": "playbook.yml", "templates": "own", "private": "contacts.private.yml",
                                "strict": False, "edition": "public", "language": None}
    config.write_text("site_name: x\nplugins:\n  - search\n", encoding="utf-8")
    assert settings(config) is None


def test_a_build_takes_the_pages_the_worker_generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      ran_alone: bool) -> None:
    """Rendering in this process is made to fail: the build passes only with the worker's pages; and the site is
    the one rendered in process, byte for byte."""
    import generator.plugin

    if ran_alone:
        return

    copy_example(tmp_path / "ahead")
    copy_example(tmp_path / "here")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    assert invoke("build", cwd=tmp_path / "here", env={IN_PROCESS_VARIABLE: "1"})[0] == 0

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered in the build's own process")

    monkeypatch.setattr(generator.plugin, "render_pages", refused)
    code, output = invoke("build", cwd=tmp_path / "ahead")
    assert code == 0, output
    assert invoke("build", cwd=tmp_path / "here", env={IN_PROCESS_VARIABLE: "1"})[0] != 0  # the fence holds
    built = {p.relative_to(tmp_path / "ahead" / "site"): p.read_bytes()
             for p in sorted((tmp_path / "ahead" / "site").rglob("*")) if p.is_file()}
    assert built == {p.relative_to(tmp_path / "here" / "site"): p.read_bytes()
                     for p in sorted((tmp_path / "here" / "site").rglob("*")) if p.is_file()}
    bundles = [next((tmp_path / name / "dist").glob("*/*.zip")).read_bytes() for name in ("ahead", "here")]
    assert bundles[0] == bundles[1]


def test_an_invalid_playbook_fails_with_the_same_message_from_the_worker(tmp_path: Path, ran_alone: bool) -> None:
    if ran_alone:
        return
    copy_example(tmp_path)
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', "version: 3.1     "))
    expected = ("playbook.yml:24:3: document.version: expected text, got the number 3.1; put it in quotes\n"
                "Build failed; site/ and dist/ are unchanged.\n")
    assert invoke("build", cwd=tmp_path) == (1, expected)
    assert invoke("build", cwd=tmp_path, env={IN_PROCESS_VARIABLE: "1"}) == (1, expected)


def test_what_the_worker_was_not_asked_is_not_taken(tmp_path: Path, ran_alone: bool) -> None:
    if ran_alone:
        return
    config = copy_example(tmp_path)
    ahead.start(config, edition=None, language=None)
    assert ahead._worker is not None
    pid = ahead._worker[0]
    found = settings(config)
    assert found is not None
    asked = ahead.request_for(config, found, None, None)
    assert asked.public is False
    assert ahead.take(Request(**{**asked.__dict__, "public": True})) is None
    with pytest.raises(ChildProcessError):  # the worker was ended and reaped
        os.waitpid(pid, os.WNOHANG)
    ahead.start(config, edition=None, language=None)
    taken = ahead.take(asked)
    assert taken is not None and taken.tag == "en" and taken.pages
    assert taken.pages == ahead.generate(asked).pages


def test_the_workers_defaults_are_the_plugins() -> None:
    """A default the worker guessed otherwise would only cost the overlap (nothing taken); pinned, so it never does."""
    from generator.plugin import PlaybookConfig

    assert {name: getattr(PlaybookConfig, name).default for name in ahead._DEFAULTS} == ahead._DEFAULTS


def test_pages_rendered_in_two_are_the_pages_and_the_first_error_of_rendering_in_one(tmp_path: Path) -> None:
    from generator import open_playbook
    from generator.errors import RenderError
    from generator.render import render_pages
    from tests.conftest import MINIMAL, TODAY

    playbook = open_playbook(MINIMAL, today=TODAY).playbook
    assert ahead.render_in_two(playbook, tmp_path, None) == render_pages(playbook, tmp_path)
    # index.md is the first page (the first half), incident.md the second (the other half).
    (tmp_path / "incident.md.j2").write_text("{{ missing_in_incident }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as in_one:
        render_pages(playbook, tmp_path)
    with pytest.raises(RenderError) as in_two:
        ahead.render_in_two(playbook, tmp_path, None)
    assert "missing_in_incident" in str(in_two.value)
    assert str(in_two.value) == str(in_one.value)
    (tmp_path / "home.md.j2").write_text("{{ missing_at_home }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as in_two:
        ahead.render_in_two(playbook, tmp_path, None)
    assert "missing_at_home" in str(in_two.value)
    with pytest.raises(RenderError) as in_one:
        render_pages(playbook, tmp_path)
    assert str(in_two.value) == str(in_one.value)
