"""Live-editing benchmark: `make bench-serve` (or `python -m benchmarks.serve [EDITS]`). Prints figures.

Runs `playbook serve` on the example (a copy) and opens a checklist page in headless Chromium. Each edit
rewrites one checklist item's text in playbook.yml and takes the time from the moment the file is written
to the moment the reloaded page shows the new text: the watcher noticing the save, the rebuild, the
browser being told, reloading and rendering. Each edit's time is also split in two at the moment
the server tells browsers the site is rebuilt (a second long-poll of MkDocs' /livereload/, as the page's own
reload script makes): save to rebuilt (the watcher and the rebuild), and rebuilt to shown (the browser
told, reloading the page and its files from the server, rendering). Then one invalid save (the time until
the browser shows the problems instead of the page) and its fix. Prints each figure and the median, with
the machine's load.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EDITS = 7
#: The checklist item whose text each edit changes, and the page that shows it.
ITEM = "Raise the alarm"
PAGE = "phases/assessment.html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_server(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url}: the server did not answer within {seconds} s")


def _epoch(url: str) -> int:
    """The server's current version of the site (MkDocs' live-reload epoch: answered at once for epoch 0)."""
    with urllib.request.urlopen(f"{url}livereload/0/0", timeout=10) as response:
        return int(response.read())


def _rebuilt_after(url: str, epoch: int) -> list[float]:
    """Starts waiting for the server to announce a version after ``epoch``; the list gets the moment it does."""
    moment: list[float] = []

    def wait() -> None:
        with urllib.request.urlopen(f"{url}livereload/{epoch}/1", timeout=120) as response:
            response.read()
        moment.append(time.perf_counter())

    threading.Thread(target=wait, daemon=True).start()
    return moment


def _saved(path: Path, text: str) -> float:
    """Write ``text`` into the file, as an editor saves in place; the moment it is written."""
    path.write_text(text, encoding="utf-8")
    return time.perf_counter()


def _shown(page: Any, text: str, started: float, timeout_ms: int = 60_000) -> float:
    page.wait_for_function("text => document.body && document.body.innerText.includes(text)", arg=text,
                           timeout=timeout_ms, polling="raf")
    return time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time the process ``pid`` has used so far, with that of any children it has waited for
    and of those still running (the server's conversion worker, generator/conversions.py) (Linux: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    seconds = sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text(encoding="ascii").split() if children.exists() else ():
        try:
            seconds += _cpu_seconds(int(child))
        except FileNotFoundError:  # it ended meanwhile
            pass
    return seconds


def main() -> None:
    from playwright.sync_api import sync_playwright

    edits = int(sys.argv[1]) if len(sys.argv) > 1 else EDITS
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        for path in (ROOT / "mkdocs.yml", ROOT / "playbook.yml", *ROOT.glob("playbook.*.yml")):  # translations too
            shutil.copy(path, project / path.name)
        for name in ("content", "templates"):
            shutil.copytree(ROOT / name, project / name)
        playbook = project / "playbook.yml"
        original = playbook.read_text(encoding="utf-8")
        if original.count(ITEM) < 1:
            raise SystemExit(f"playbook.yml has no '{ITEM}' to edit")
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        log = project / "serve.log"
        with log.open("w") as output:
            server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
                                      cwd=project, stdout=output, stderr=subprocess.STDOUT,
                                      env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            try:
                _wait_for_server(url)
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                    page = browser.new_page()
                    page.goto(url + PAGE)
                    page.wait_for_load_state("load")
                    figures, cpu, rebuilt = [], [], []
                    for number in range(1, edits + 1):
                        marker = f"{ITEM} (edit {number})"
                        before = _cpu_seconds(server.pid)
                        announced = _rebuilt_after(url, _epoch(url))
                        time.sleep(0.05)  # the long-poll is waiting before the save
                        started = _saved(playbook, original.replace(ITEM, marker, 1))
                        figures.append(_shown(page, marker, started))
                        rebuilt.append(announced[0] - started if announced else float("nan"))
                        page.wait_for_timeout(300)  # the server answers the reloaded page's requests
                        cpu.append(_cpu_seconds(server.pid) - before)
                        print(f"edit {number}: {figures[-1]:.2f} s (rebuilt after {rebuilt[-1]:.2f} s); "
                              f"the server (and its conversion worker) used {cpu[-1]:.2f} s of CPU "
                              f"(load {os.getloadavg()[0]:.1f})", flush=True)
                    broken = original.replace('version: "3.1"   ', "version: 3.1     ", 1)
                    started = _saved(playbook, broken)
                    invalid = _shown(page, "The playbook has problems", started)
                    started = _saved(playbook, original)
                    fixed = _shown(page, ITEM, started)
                    browser.close()
            except BaseException:
                print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
                raise
            finally:
                server.terminate()
                server.wait(timeout=30)
    print(f"save to reloaded page, {edits} edits: median {statistics.median(figures):.2f} s, "
          f"min {min(figures):.2f} s, max {max(figures):.2f} s")
    reloads = [shown - built for shown, built in zip(figures, rebuilt, strict=True)]
    print(f"save to rebuilt (watcher and rebuild): median {statistics.median(rebuilt):.2f} s; rebuilt to shown "
          f"(the browser told, reloading, rendering): median {statistics.median(reloads):.2f} s")
    print(f"CPU time of the server and its conversion worker per edit (rebuild and serving the reloaded page; "
          f"on the two cores, so it may exceed the wall time): median {statistics.median(cpu):.2f} s")
    print(f"invalid save to the problems in the browser: {invalid:.2f} s; fixed again to the page: {fixed:.2f} s")
    print(f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
