"""Reading a playbook: bounded from any source, only regular files, no links out of the project,
and no more than a short escaped excerpt of what was read in any message."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import LoadError, excerpt
from generator.load import MAX_FILE_BYTES, load
from tests.conftest import MINIMAL, invoke

SECRET = "root:$6$Zk1OFTsomEhash0fTheRootPassw0rd:19000:0:99999:7:::"


def _one_gigabyte() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_device_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    # Before: /dev/zero was read until memory ran out (4 GB in 8 s); here a 1 GB cap turns that into a failure.
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "/dev/zero"], capture_output=True,
                          text=True, timeout=60, preexec_fn=_one_gigabyte, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (1, (
        "/dev/zero: is not a regular file (a device, pipe or socket); give the path of playbook.yml\n"
        "/dev/zero: invalid (1 error, 0 warnings)\n"))


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "playbook.yml")
    done = subprocess.run([sys.executable, "-m", "generator", "validate", "playbook.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout.startswith("playbook.yml: is not a regular file (a device, pipe or socket)")


@pytest.mark.parametrize("name", ["playbook.yml", "contacts.private.yml"])
def test_a_link_out_of_the_project_is_refused_and_its_target_never_shown(tmp_path: Path, name: str) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "playbook.yml").write_text(MINIMAL.read_text())
    (project / name).unlink(missing_ok=True)
    (project / name).symlink_to(secret)
    code, output = invoke("validate", "playbook.yml", cwd=project)
    assert code == 1
    assert f"{name}: is a link to {secret}, outside the project; copy the file into the project instead" in output
    assert "Zk1OF" not in output


def test_a_link_inside_the_project_is_followed(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "3.1.yml").write_text(MINIMAL.read_text())
    (tmp_path / "playbook.yml").symlink_to(tmp_path / "versions" / "3.1.yml")
    assert load(tmp_path / "playbook.yml").data["document"]


def test_a_file_longer_than_its_size_says_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    maps = Path("/proc/self/maps")  # a regular file whose size reads as 0, with more in it
    assert maps.stat().st_size == 0
    monkeypatch.setattr(sys.modules["generator.load"], "MAX_FILE_BYTES", 200)
    with pytest.raises(LoadError) as caught:
        load(maps, "maps")
    assert str(caught.value) == "maps: the file is more than 200 bytes; the limit is 200 bytes"
    assert MAX_FILE_BYTES == 2 * 1024 * 1024


def test_messages_show_a_short_escaped_excerpt_of_what_was_read(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text(f"{'9' * 500}: x\n!!python/name:{SECRET * 10} y: z\n")
    with pytest.raises(LoadError) as caught:
        load(path, "playbook.yml")
    assert str(caught.value).splitlines() == [
        f"playbook.yml:1:1: key '{'9' * 60}…' is read by YAML as a int, not text; put it in quotes",
        f"playbook.yml:2:1: tag 'tag:yaml.org,2002:python/name:{SECRET[:30]}…' is not allowed; "
        "only plain YAML values are accepted",
    ]
    assert excerpt("a\x1b[2Jb" + "c" * 100) == "'a\\x1b[2Jb" + "c" * 54 + "…'"
