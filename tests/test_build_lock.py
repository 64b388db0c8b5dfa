"""One build or publish at a time beside a site and its bundle folder: a second one waits, says so, and never takes
the first's staging folders for a killed build's leftovers."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import build
from tests.conftest import copy_example

pytestmark = pytest.mark.slow

#: Holds the build lock of the folder given until its standard input closes; says "held" once it has it.
HOLDER = """
import sys
from pathlib import Path
from generator.build import one_build_at_a_time
with one_build_at_a_time(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def _build(project: Path, stderr: Path) -> subprocess.Popen[bytes]:
    with stderr.open("wb") as errors:
        return subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=project,
                                stdout=subprocess.DEVNULL, stderr=errors)


def test_a_build_waits_for_the_one_that_holds_the_folder_and_leaves_its_staging_folder_alone(tmp_path: Path) -> None:
    copy_example(tmp_path)
    staging = tmp_path / ".site-new-k2x8q1zz"  # another build's, still being written
    staging.mkdir()
    (staging / "index.html").write_text("half written", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    errors = tmp_path.parent / f"{tmp_path.name}-errors.txt"
    second = _build(tmp_path, errors)
    try:
        deadline = time.monotonic() + 60
        while b"Waiting" not in errors.read_bytes() and time.monotonic() < deadline and second.poll() is None:
            time.sleep(0.1)
        time.sleep(1.0)
        assert second.poll() is None  # still waiting
        assert f"Waiting for another build or publish into {tmp_path.resolve()} to end...\n" in \
            errors.read_text(encoding="utf-8")
        assert (staging / "index.html").read_text(encoding="utf-8") == "half written"
        assert not (tmp_path / "site").exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert second.wait(timeout=300) == 0, errors.read_text(encoding="utf-8")
    assert (tmp_path / "site" / "index.html").is_file()
    assert not staging.exists()  # its build is gone: a leftover now, removed


def test_the_same_process_may_take_the_lock_again(tmp_path: Path) -> None:
    done = threading.Event()

    def nested() -> None:
        with build.one_build_at_a_time(tmp_path), build.one_build_at_a_time(tmp_path / "dist", tmp_path):
            assert build._HELD == {tmp_path.resolve(): 2}
        done.set()

    threading.Thread(target=nested, daemon=True).start()
    assert done.wait(10)
    assert build._HELD == {}


def test_a_folder_that_does_not_exist_yet_is_locked_through_its_nearest_parent(tmp_path: Path) -> None:
    with build.one_build_at_a_time(tmp_path / "dist" / "deeper"):
        assert build._HELD == {tmp_path.resolve(): 1}
    assert not (tmp_path / "dist").exists()  # nothing is made for the lock


def test_publish_holds_the_lock_of_the_project_and_its_archive_folder(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.commands import publish

    project = copy_example(tmp_path).parent
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    held: list[dict[Path, int]] = []
    monkeypatch.setattr(publish, "_publish", lambda *args, **kwargs: held.append(dict(build._HELD)))
    publish.publish(project / "mkdocs.yml", "3.1", [])
    assert held == [{project.resolve(): 1}]  # dist/ does not exist yet: the project holds it


def test_a_file_system_without_locks_builds_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import fcntl

    def refused(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", refused)
    entered = False
    with build.one_build_at_a_time(tmp_path):
        entered = True
        assert build._HELD == {}
    assert entered
