"""`playbook serve` converts the larger of a rebuild's changed pages on the second core (conversions.py): the site is
still byte for byte a fresh build's, what a conversion there logs is logged by the server, and a worker that is gone
or cannot be started leaves every page to the server."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.commands import conversions
from generator.commands.conversions import ConversionWorker
from tests.conftest import copy_example, edit
from tests.test_build import snapshot

pytestmark = pytest.mark.slow


@pytest.fixture
def worker() -> Iterator[ConversionWorker]:
    started = ConversionWorker.start()
    assert started is not None
    try:
        yield started
    finally:
        started.stop()


def _serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: ConversionWorker | None) -> tuple[Path, object]:
    from generator.build import build_into
    from generator.commands.serve import RenderedPages

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774000000")
    config = copy_example(tmp_path / "project")
    rendered = RenderedPages(worker)
    with rendered.installed():
        build_into(config, tmp_path / "site0")
    return config, rendered


def _rebuilt(tmp_path: Path, config: Path, rendered: object, number: int, file: str, old: str, new: str,
             converted: list[str] | None = None) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """``old`` replaced by ``new`` in ``file``, built as serve builds (``converted``: the pages converted here), then
    a fresh build of the same."""
    from mkdocs.structure.pages import Page

    from generator.build import build_into

    edited = config.parent / file
    edited.write_text(edit(edited.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    convert = Page.render

    def counting(page: Page, *args: object) -> None:
        if converted is not None:
            converted.append(page.file.src_uri)
        convert(page, *args)  # type: ignore[arg-type]

    Page.render = counting  # type: ignore[method-assign]
    try:
        with rendered.installed():  # type: ignore[attr-defined]
            build_into(config, tmp_path / f"site{number}")
    finally:
        Page.render = convert  # type: ignore[method-assign]
    build_into(config, tmp_path / f"fresh{number}")
    return snapshot(tmp_path / f"site{number}"), snapshot(tmp_path / f"fresh{number}")


def _same(kept: dict[str, bytes], fresh: dict[str, bytes]) -> None:
    assert sorted(kept) == sorted(fresh)
    assert [name for name in fresh if kept[name] != fresh[name]] == []


def test_the_worker_converts_the_larger_changed_pages_and_the_site_is_a_fresh_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: ConversionWorker) -> None:
    config, rendered = _serving(tmp_path, monkeypatch, worker)
    first = worker.used
    assert first > 0  # the first build's pages too: the larger ones
    converted: list[str] = []
    _same(*_rebuilt(tmp_path, config, rendered, 1, "playbook.yml", "Raise the alarm", "Sound the alarm", converted))
    # Eight pages show the item: the last two MkDocs converts, the print page and an exercise pack (40 % of the
    # text), were converted there, the other six here (the home page first: it was being converted when the rest
    # was sent).
    assert worker.used - first == 2
    assert "print.md" not in converted and len(converted) == 6
    assert "phases/assessment.md" in converted
    steps = [("playbook.yml", "Sound the alarm", "Raise the alarm"),  # undone: the eight pages again (only the
             # last build's conversions are kept)
             ("playbook.yml", "lands in three hours.", "lands in four hours."),  # an inject: one exercise pack
             ("content/speaking-to-the-media.md", "Before any interview", "Before any interview at all")]
    there = []
    for number, (file, old, new) in enumerate(steps, 2):
        before = worker.used
        _same(*_rebuilt(tmp_path, config, rendered, number, file, old, new))
        there.append(worker.used - before)
    # The pack alone went there: the build's first conversion (the home page, kept) sent it. The content page is
    # the first page MkDocs converts, so it is converted here, at once.
    assert there == [2, 1, 0]
    assert worker.alive


def test_what_a_conversion_there_logs_the_server_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      worker: ConversionWorker,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    from generator.build import build_into

    monkeypatch.setattr(conversions, "WORKER_SHARE", 1.0)  # every page but the first: the content page too
    config, rendered = _serving(tmp_path, monkeypatch, worker)
    page = config.parent / "content" / "speaking-to-the-media.md"
    page.write_text(edit(page.read_text(encoding="utf-8"), "Before any interview",
                         "Before any interview ([see](missing-page.md))"), encoding="utf-8")
    (config.parent / "content" / "a-first-page.md").write_text("# A first page\n", encoding="utf-8")
    before = worker.used
    caplog.set_level(logging.INFO)
    with rendered.installed():  # type: ignore[attr-defined]
        build_into(config, tmp_path / "site1")
    said = [record for record in caplog.records if "missing-page.md" in record.getMessage()]
    assert worker.used > before
    assert len(said) == 1 and said[0].name.startswith("mkdocs") and said[0].levelno >= logging.INFO
    assert "speaking-to-the-media.md" in said[0].getMessage()


def test_a_worker_that_is_gone_leaves_every_page_to_the_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               worker: ConversionWorker) -> None:
    config, rendered = _serving(tmp_path, monkeypatch, worker)
    os.kill(worker.pid, signal.SIGKILL)
    os.waitpid(worker.pid, 0)
    worker.pid = 0
    first = worker.used
    converted: list[str] = []
    _same(*_rebuilt(tmp_path, config, rendered, 1, "playbook.yml", "Raise the alarm", "Sound the alarm", converted))
    assert not worker.alive and worker.used == first
    assert "print.md" in converted and len(converted) == 8
    _same(*_rebuilt(tmp_path, config, rendered, 2, "playbook.yml", "Sound the alarm", "Ring the alarm"))


def test_no_worker_is_forked_while_threads_run_or_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert ConversionWorker.start() is None
    finally:
        release.set()
        thread.join()
    monkeypatch.setenv("PLAYBOOK_IN_PROCESS", "1")
    assert ConversionWorker.start() is None


def test_the_worker_takes_the_last_pages_up_to_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversions, "WORKER_SHARE", 0.4)
    jobs = {("k", n): (n, f"page{n}.md", "x" * size) for n, size in enumerate([10, 50, 5, 30, 5])}
    assert [job[1] for job in conversions.share(jobs).values()] == ["page2.md", "page3.md", "page4.md"]  # 40 of 100
    jobs[("k", 5)] = (5, "page5.md", "x" * 45)
    assert [job[1] for job in conversions.share(jobs).values()] == ["page3.md", "page4.md", "page5.md"]  # 80 of 145
    assert conversions.share({}) == {}
