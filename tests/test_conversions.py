"""`playbook serve` converts the last of a rebuild's changed pages on the second core (conversions.py): the site is
still byte for byte a fresh build's, what a conversion there logs is logged by the server, and a worker that is gone
or cannot be started leaves every page to the server.

The worker is forked only where no other thread runs, and a test session has threads of its own (the browser
tests' Playwright), so each scenario runs in an interpreter of its own (multiprocessing's *spawn*: a new Python,
not a fork) and hands back what it saw."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import conversions
from generator.conversions import ConversionWorker
from tests.conftest import copy_example, edit
from tests.test_build import snapshot

pytestmark = pytest.mark.slow


def _in_a_new_interpreter(scenario: Callable[..., Any], *args: Any) -> Any:
    """``scenario(*args)`` run in a new Python process with no other thread; what it returns (or raises)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(scenario, args)


class _Serving:
    """The example built as `playbook serve` builds it (RenderedPages, with a worker), then edited and built again."""

    def __init__(self, folder: str, share: float | None = None) -> None:
        from generator.build import build_into
        from generator.commands.serve import RenderedPages

        os.environ["SOURCE_DATE_EPOCH"] = "1774000000"
        if share is not None:
            conversions.WORKER_SHARE = share
        self.folder = Path(folder)
        self.worker = ConversionWorker.start()
        assert self.worker is not None, threading.enumerate()
        self.config = copy_example(self.folder / "project")
        self.rendered = RenderedPages(self.worker)
        with self.rendered.installed():
            build_into(self.config, self.folder / "site0")
        self.number = 0

    def edited(self, file: str, old: str, new: str) -> dict[str, Any]:
        """``old`` replaced by ``new`` in ``file`` and built again: the pages converted here and there, and the
        names of the files that differ from a fresh build's (an empty list: none)."""
        from mkdocs.structure.pages import Page

        from generator.build import build_into

        assert self.worker is not None
        self.number += 1
        edited = self.config.parent / file
        edited.write_text(edit(edited.read_text(encoding="utf-8"), old, new), encoding="utf-8")
        convert, here, before = Page.render, [], self.worker.used

        def counting(page: Page, *args: object) -> None:
            here.append(page.file.src_uri)
            convert(page, *args)  # type: ignore[arg-type]

        Page.render = counting  # type: ignore[method-assign]
        try:
            with self.rendered.installed():
                build_into(self.config, self.folder / f"site{self.number}")
        finally:
            Page.render = convert  # type: ignore[method-assign]
        build_into(self.config, self.folder / f"fresh{self.number}")
        kept, fresh = snapshot(self.folder / f"site{self.number}"), snapshot(self.folder / f"fresh{self.number}")
        differ = sorted(set(kept) ^ set(fresh)) + [name for name in fresh if name in kept and kept[name] != fresh[name]]
        return {"here": here, "there": self.worker.used - before, "differ": differ, "alive": self.worker.alive}

    def stop(self) -> None:
        assert self.worker is not None
        self.worker.stop()


def _checklist_edits(folder: str) -> list[dict[str, Any]]:
    serving = _Serving(folder)
    try:
        return [serving.edited(*step) for step in [
            ("playbook.yml", "Raise the alarm", "Sound the alarm"),
            ("playbook.yml", "Sound the alarm", "Raise the alarm"),  # undone: only the last build's conversions kept
            ("playbook.yml", "lands in three hours.", "lands in four hours."),  # an inject: one exercise pack
            ("content/speaking-to-the-media.md", "Before any interview", "Before any interview at all")]]
    finally:
        serving.stop()


def test_the_worker_converts_the_last_changed_pages_and_the_site_is_a_fresh_builds(tmp_path: Path) -> None:
    edits = _in_a_new_interpreter(_checklist_edits, str(tmp_path))
    assert [edit["differ"] for edit in edits] == [[], [], [], []]
    # Eight pages show the item: the last two MkDocs converts, an exercise pack and the print page (40 % of the
    # text), were converted there, the other six here (the home page first: it was being converted when the rest
    # was sent).
    assert edits[0]["there"] == 2 and len(edits[0]["here"]) == 6
    assert "print.md" not in edits[0]["here"] and "phases/assessment.md" in edits[0]["here"]
    assert [edit["there"] for edit in edits[1:]] == [2, 1, 0]
    # The inject's pack alone went there: the build's first conversion (the home page, kept) sent it. The content
    # page is the first page MkDocs converts, so it is converted here, at once.
    assert edits[3]["here"] == ["speaking-to-the-media.md"]
    assert all(edit["alive"] for edit in edits)


def _a_missing_link(folder: str) -> dict[str, Any]:
    from generator.build import build_into

    serving = _Serving(folder, share=1.0)  # every page but the first: the content page too
    said: list[tuple[str, int, str]] = []

    class Said(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append((record.name, record.levelno, record.getMessage()))

    try:
        assert serving.worker is not None
        project = serving.config.parent
        page = project / "content" / "speaking-to-the-media.md"
        page.write_text(edit(page.read_text(encoding="utf-8"), "Before any interview",
                             "Before any interview ([see](missing-page.md))"), encoding="utf-8")
        (project / "content" / "a-first-page.md").write_text("# A first page\n", encoding="utf-8")
        before = serving.worker.used
        logger = logging.getLogger("mkdocs")
        logger.addHandler(Said())
        logger.setLevel(logging.DEBUG)
        with serving.rendered.installed():
            build_into(serving.config, serving.folder / "site1")
        return {"there": serving.worker.used - before, "said": [entry for entry in said if "missing-page" in entry[2]]}
    finally:
        serving.stop()


def test_what_a_conversion_there_logs_the_server_logs(tmp_path: Path) -> None:
    seen = _in_a_new_interpreter(_a_missing_link, str(tmp_path))
    assert seen["there"] >= 1
    assert len(seen["said"]) == 1
    name, level, message = seen["said"][0]
    assert name.startswith("mkdocs") and level >= logging.INFO and "speaking-to-the-media.md" in message


def _a_worker_gone(folder: str) -> list[dict[str, Any]]:
    serving = _Serving(folder)
    assert serving.worker is not None
    os.kill(serving.worker.pid, signal.SIGKILL)
    os.waitpid(serving.worker.pid, 0)
    serving.worker.pid = 0
    return [serving.edited("playbook.yml", "Raise the alarm", "Sound the alarm"),
            serving.edited("playbook.yml", "Sound the alarm", "Ring the alarm")]


def test_a_worker_that_is_gone_leaves_every_page_to_the_server(tmp_path: Path) -> None:
    edits = _in_a_new_interpreter(_a_worker_gone, str(tmp_path))
    assert [edit["differ"] for edit in edits] == [[], []]
    assert [(edit["alive"], edit["there"], len(edit["here"])) for edit in edits] == [(False, 0, 8), (False, 0, 8)]
    assert "print.md" in edits[0]["here"]


def _refusals() -> tuple[bool, bool, bool]:
    """Whether a worker was forked: with no other thread; while one runs; with $PLAYBOOK_IN_PROCESS set."""
    alone = ConversionWorker.start()
    if alone is not None:
        alone.stop()
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        beside_a_thread = ConversionWorker.start()
    finally:
        release.set()
        thread.join()
    os.environ["PLAYBOOK_IN_PROCESS"] = "1"
    in_process = ConversionWorker.start()
    return alone is not None, beside_a_thread is not None, in_process is not None


def test_no_worker_is_forked_while_a_thread_runs_or_in_process() -> None:
    assert _in_a_new_interpreter(_refusals) == (True, False, False)


def test_the_worker_takes_the_last_pages_up_to_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversions, "WORKER_SHARE", 0.4)
    jobs = {("k", n): (n, f"page{n}.md", "x" * size) for n, size in enumerate([10, 50, 5, 30, 5])}
    assert [job[1] for job in conversions.share(jobs).values()] == ["page2.md", "page3.md", "page4.md"]  # 40 of 100
    jobs[("k", 5)] = (5, "page5.md", "x" * 45)
    assert [job[1] for job in conversions.share(jobs).values()] == ["page3.md", "page4.md", "page5.md"]  # 80 of 145
    assert conversions.share({}) == {}
