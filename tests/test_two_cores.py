"""`playbook build` converts its pages on two cores (conversions.in_two): a process forked from the build's own
converts pages from the last one backwards while the build's own process goes on from the first. The site and the
zip are the in-process build's, byte for byte, the messages are the same, and whatever the other process fails at,
or a death of it, leaves the pages to the build's own process.

The other process is forked only where no other thread runs, so the tests that build run themselves again in a
fresh pytest (the ``ran_alone`` fixture) when the session has threads (the browser tests' Playwright)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import conversions
from generator.ahead import IN_PROCESS_VARIABLE
from tests.conftest import copy_example, invoke
from tests.test_build import snapshot

pytestmark = pytest.mark.slow

#: A link to no page, added at the end of the packaged cards page (cards.md, the last page MkDocs converts): MkDocs'
#: conversion says so, in whichever process converts it.
_MISSING = "\n\nSee [the old cards](old-cards.md).\n"


def _project(folder: Path) -> Path:
    """The example, with a page template override that links to a page that is not there."""
    copy_example(folder)
    packaged = Path(conversions.__file__).parent / "templates" / "cards.md.j2"
    (folder / "templates" / "cards.md.j2").write_text(packaged.read_text(encoding="utf-8") + _MISSING,
                                                      encoding="utf-8")
    return folder


def _built_in_two(monkeypatch: pytest.MonkeyPatch, project: Path, *args: str) -> tuple[int, str, list[int], list[Any]]:
    """`playbook build ARGS` in ``project``: its exit code and output, how many pages the other process converted in
    each MkDocs build, and what was logged for the build's own process from the other's conversions."""
    used: list[int] = []
    said: list[Any] = []
    end, log_said = conversions._Halves.end, conversions.log_said

    def ended(halves: conversions._Halves) -> None:
        used.append(halves.used)
        end(halves)

    def logged(records: list[tuple[str, int, str]]) -> None:
        said.extend(records)
        log_said(records)

    monkeypatch.setattr(conversions._Halves, "end", ended)
    monkeypatch.setattr(conversions, "log_said", logged)
    code, output = invoke("build", *args, cwd=project)
    return code, output, used, said


def _in_process(project: Path, *args: str) -> tuple[int, str]:
    return invoke("build", *args, cwd=project, env={IN_PROCESS_VARIABLE: "1"})


def _same_output(two: str, here: str, projects: tuple[Path, Path]) -> None:
    assert two.replace(str(projects[0]), "P") == here.replace(str(projects[1]), "P")


def test_the_site_and_the_zip_are_the_in_process_builds_and_so_are_the_messages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ran_alone: bool) -> None:
    if ran_alone:
        return
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    projects = _project(tmp_path / "two"), _project(tmp_path / "here")
    code, output, used, said = _built_in_two(monkeypatch, projects[0])
    assert code == 0, output
    assert used and all(count >= 1 for count in used), used  # every language's build shared its pages
    assert any("old-cards.md" in message for _, _, message in said), said  # cards.md was converted there
    here = _in_process(projects[1])
    assert here[0] == 0, here[1]
    assert "old-cards.md" in output
    _same_output(output, here[1], projects)
    assert snapshot(projects[0] / "site") == snapshot(projects[1] / "site")
    bundles = [next((project / "dist").glob("*/*.zip")).read_bytes() for project in projects]
    assert bundles[0] == bundles[1]


def test_a_strict_build_fails_on_a_warning_from_the_other_process_as_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ran_alone: bool) -> None:
    if ran_alone:
        return
    projects = _project(tmp_path / "two"), _project(tmp_path / "here")
    code, output, _, said = _built_in_two(monkeypatch, projects[0], "--strict", "--language", "en")
    assert any("old-cards.md" in message for _, _, message in said), said
    here = _in_process(projects[1], "--strict", "--language", "en")
    assert (code, here[0]) == (1, 1), output
    _same_output(output, here[1], projects)
    assert not (projects[0] / "site").exists()


def _failing(monkeypatch: pytest.MonkeyPatch, fails: Callable[[int, Any], None]) -> None:
    """The other process's conversions go through ``fails(n, page)`` first (n: its nth page)."""
    conversion = conversions.conversion
    count = [0]

    def failing(page: Any) -> tuple[Any, ...]:
        count[0] += 1
        fails(count[0], page)
        return conversion(page)

    monkeypatch.setattr(conversions, "conversion", failing)


def _dies_holding_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other process dies holding the lock of the shares, at its second page: the build's own process waits for
    the lock a short while (LOCK_WAIT), then ends it and converts every page itself."""
    back = conversions._Shares.back
    count = [0]

    def dying(shares: conversions._Shares) -> int | None:
        count[0] += 1
        if count[0] == 2:
            shares.lock.acquire()
            os._exit(3)
        return back(shares)

    monkeypatch.setattr(conversions._Shares, "back", dying)
    monkeypatch.setattr(conversions, "LOCK_WAIT", 0.5)


@pytest.mark.parametrize("failure", ["a page it fails at", "its death", "its death holding the lock"])
def test_what_the_other_process_does_not_convert_the_build_converts_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ran_alone: bool, failure: str) -> None:
    if ran_alone:
        return
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")

    def fails(count: int, page: Any) -> None:
        if failure == "its death" and count == 2:
            os._exit(3)
        if failure == "a page it fails at" and page.file.src_uri == "cards.md":
            raise RuntimeError("a conversion that fails there only")

    _failing(monkeypatch, fails)
    if failure == "its death holding the lock":
        _dies_holding_the_lock(monkeypatch)
    projects = _project(tmp_path / "two"), _project(tmp_path / "here")
    code, output, used, said = _built_in_two(monkeypatch, projects[0], "--language", "en")
    assert code == 0, output
    if failure == "its death":
        assert used == [1], used  # its first page came; what it took after was converted here
    elif failure == "its death holding the lock":
        assert used and set(used) == {0}, used  # ended at the lock: every page converted here
    else:
        assert used[0] >= 1, used  # it went on after the page it failed at
        assert not any("old-cards.md" in message for _, _, message in said), said  # said here, not there
    here = _in_process(projects[1], "--language", "en")
    _same_output(output, here[1], projects)
    assert snapshot(projects[0] / "site") == snapshot(projects[1] / "site")


def test_the_two_processes_never_take_the_same_page() -> None:
    shares = conversions._Shares(5)
    assert shares.front(0)
    assert shares.back() == 4
    assert shares.back() == 3
    assert not shares.front(3)  # the other process's: its conversion is waited for
    assert shares.front(2)
    assert shares.back() is None  # the two met: nothing left for it
    assert not shares.front(4)
    shares.memory.close()


def test_nothing_is_forked_where_it_is_not_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.structure.pages import Page

    convert = Page.render
    with conversions.in_two():  # not `playbook build`
        assert Page.render is convert
    monkeypatch.setattr(conversions, "in_two_allowed", True)
    monkeypatch.setenv(IN_PROCESS_VARIABLE, "1")
    with conversions.in_two():
        assert Page.render is convert
    monkeypatch.delenv(IN_PROCESS_VARIABLE)
    halves = conversions._Halves(convert)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        halves._start(None, None, first="index.md")  # a thread runs: forking is unsafe, so nothing is forked
    finally:
        stop.set()
        thread.join()
    assert (halves.started, halves.pid, halves.jobs) == (True, 0, {})
