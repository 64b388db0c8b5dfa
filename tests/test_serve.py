"""`playbook serve` after a broken edit: the problems in the terminal and in the browser, page requests
answered (never left hanging), the last good site kept, and the page back once the file is fixed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.commands.new import new_playbook
from tests.conftest import edit

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    """Status and text of ``url``; a request that takes more than 10 s fails the test (it hangs)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    project = tmp_path / "org"
    new_playbook(project, organisation="Serve Test Org", timezone="Europe/Vienna")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
                                   cwd=project, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        try:
            yield project, f"http://127.0.0.1:{port}", log
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_broken_edit_shows_the_problems_keeps_the_last_good_site_and_recovers(
        served: tuple[Path, str, Path]) -> None:
    project, base, log = served

    def page_is_good() -> bool:
        try:
            status, text = _get(f"{base}/index.html")
        except OSError:
            return False  # not listening yet
        return status == 200 and "Serve Test Org" in text

    _until(page_is_good, "the first build")
    playbook = project / "playbook.yml"
    good = playbook.read_text(encoding="utf-8")
    playbook.write_text(edit(good, '  timezone: "Europe/Vienna"', '  timezone: "Europe/Viena"'), encoding="utf-8")

    _until(lambda: _get(f"{base}/index.html")[0] == 500, "the error page")
    status, text = _get(f"{base}/index.html")
    line = good.splitlines().index('  timezone: "Europe/Vienna"') + 1
    assert f"playbook.yml:{line}:3: document.timezone: unknown time zone &#x27;Europe/Viena&#x27;" in text
    assert "/livereload/" in text  # the error page reloads itself when the build succeeds again
    assert f"playbook.yml:{line}:3: document.timezone: unknown time zone 'Europe/Viena'" in log.read_text()
    status, text = _get(f"{base}/index.html?last-good")
    assert status == 200 and "Serve Test Org" in text
    assert _get(f"{base}/assets/playbook.css")[0] == 200 or _get(f"{base}/search/search_index.json")[0] == 200

    playbook.write_text(good, encoding="utf-8")
    _until(page_is_good, "the rebuild after the fix")
    assert "Fixed: the site is rebuilt." in log.read_text()
