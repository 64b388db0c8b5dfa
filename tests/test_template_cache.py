"""Compiled templates kept between processes: in a private folder of the user's cache, apart for every way of
compiling, never required (render.cache_folder, render.compiled_templates)."""

from __future__ import annotations

import stat
from pathlib import Path

import jinja2
import pytest

from generator import open_playbook, render
from generator.render import NO_CACHE_VARIABLE, cache_folder, compiling_key, page_environment, render_pages
from tests.conftest import MINIMAL, TODAY


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache, and a process that has compiled nothing yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(NO_CACHE_VARIABLE, raising=False)
    monkeypatch.setattr(render, "_COMPILED", {})
    return tmp_path / "cache"


def compiled_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the templates Jinja compiles from now on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object,
                 **kwargs: object) -> object:
        names.append(str(name))
        return original(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_second_process_loads_the_page_templates_compiled_by_the_first(cache: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    playbook = open_playbook(MINIMAL, today=TODAY).playbook
    first = render_pages(playbook)
    folders = list((cache / "crisis-playbook").iterdir())
    assert [folder.name for folder in folders] == [f"templates-{compiling_key(page_environment(None))}"]
    assert stat.S_IMODE(folders[0].stat().st_mode) == 0o700
    assert stat.S_IMODE((cache / "crisis-playbook").stat().st_mode) == 0o700
    assert len(list(folders[0].glob("*.cache"))) > 10
    monkeypatch.setattr(render, "_COMPILED", {})  # as in a new process: only the folder is left
    compiled = compiled_count(monkeypatch)
    assert render_pages(playbook) == first
    assert compiled == []


def test_no_cache_variable_keeps_nothing_on_disk(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_CACHE_VARIABLE, "1")
    render_pages(open_playbook(MINIMAL, today=TODAY).playbook)
    assert not cache.exists()
    monkeypatch.setattr(render, "_COMPILED", {})
    compiled = compiled_count(monkeypatch)
    render_pages(open_playbook(MINIMAL, today=TODAY).playbook)
    assert "home.md.j2" in compiled


def test_a_cache_folder_that_cannot_be_made_or_is_not_private_is_no_cache_and_no_error(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.write_text("a file where the cache folder would be", encoding="utf-8")
    assert cache_folder("0123456789abcdef") is None
    playbook = open_playbook(MINIMAL, today=TODAY).playbook
    assert render_pages(playbook)
    cache.unlink()
    shared = cache / "crisis-playbook"
    shared.mkdir(parents=True)
    shared.chmod(0o777)  # others could put code there that the build would run
    assert cache_folder("0123456789abcdef") is None


def test_every_way_of_compiling_has_its_own_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja keys a compiled template by name and source only: a template compiled with trim_blocks on must
    never be served to an environment with it off (the mutation run found exactly that), nor one compiled by
    another version of Jinja, MkDocs or Material."""
    options = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True, "autoescape": False}
    key = compiling_key(jinja2.Environment(**options))
    assert compiling_key(jinja2.Environment(**options)) == key
    assert compiling_key(jinja2.Environment(**{**options, "trim_blocks": False})) != key
    assert compiling_key(jinja2.Environment(**options, finalize=str)) != key
    assert compiling_key(jinja2.Environment(**options, extensions=["jinja2.ext.i18n"])) != key
    import mkdocs

    monkeypatch.setattr(mkdocs, "__version__", "0.0.1")
    assert compiling_key(jinja2.Environment(**options)) != key
