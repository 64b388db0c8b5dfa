"""Hostile or unlucky conditions: paths leading out of the project, a killed build, no network."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_example, edit, problems
from tests.test_build import invoke_build, snapshot

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("folder", ["content", "templates"])
def test_links_out_of_the_project_are_refused(tmp_path: Path, folder: str) -> None:
    project = tmp_path / "project"
    copy_example(project)
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n")
    (project / folder / "secret.md.j2").symlink_to(secret)
    code, output = invoke_build(project)
    assert code == 1
    assert output.splitlines()[:2] == [
        "files must stay inside the project:",
        f"  {folder}/secret.md.j2 is a link to {secret}, outside the project",
    ]


def test_links_inside_the_project_are_fine(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "content" / "again.md").symlink_to(tmp_path / "content" / "speaking-to-the-media.md")
    assert invoke_build(tmp_path)[0] == 0


def test_playbook_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    config = copy_example(project)
    config.write_text(edit(config.read_text(), "      playbook: playbook.yml", "      playbook: ../playbook.yml"))
    code, output = invoke_build(project)
    assert code == 1
    assert "  playbook '../playbook.yml' is outside the project" in output.splitlines()


def test_template_include_cannot_climb_out(tmp_path: Path) -> None:
    copy_example(tmp_path)
    (tmp_path / "templates" / "glossary.md.j2").write_text('{% include "../../../etc/passwd" %}\n')
    code, output = invoke_build(tmp_path)
    assert code == 1
    assert f"{tmp_path / 'templates' / 'glossary.md.j2'}:1: TemplateNotFound: ../../../etc/passwd " \
        "(while rendering page 'glossary.md')" in output


def test_template_code_in_message_text_is_refused(minimal: str) -> None:
    text = edit(minimal, "Something happened:", "{{ ''.__class__.__mro__ }} happened:")
    assert problems(text) == [
        "playbook.yml:82:7: templates[0].body: '{{ ''.__class__.__mro__ }}' is not a blank; write {{ name }} "
        "with a declared value name"
    ]


BUILD = [sys.executable, "-m", "generator", "build"]


def test_a_build_killed_at_any_moment_leaves_the_last_good_site_and_bundle(tmp_path: Path) -> None:
    project, good = tmp_path / "project", tmp_path / "good"
    copy_example(project)
    assert invoke_build(project)[0] == 0
    for name in ("site", "dist"):
        shutil.copytree(project / name, good / name)
    site, dist = snapshot(good / "site"), snapshot(good / "dist")

    def restore() -> None:
        for name in ("site", "dist"):
            shutil.rmtree(project / name)
            shutil.copytree(good / name, project / name)

    playbook = project / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', 'version: "3.2"   '))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    subprocess.run(BUILD, cwd=project, env=env, check=True, capture_output=True)
    duration = time.perf_counter() - started
    new_site = snapshot(project / "site")
    restore()
    for fraction in (0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.95, 1.0):
        process = subprocess.Popen(BUILD, cwd=project, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        visible_dist = {k: v for k, v in snapshot(project / "dist").items() if not k.startswith(".")}
        if snapshot(project / "site") == site:
            assert visible_dist == dist, f"bundle changed by a build killed at {fraction:.0%}"
        else:  # the build reached its very end: the whole new site, never a mixture
            assert snapshot(project / "site") == new_site, f"mixed site after a kill at {fraction:.0%}"
            restore()
    assert invoke_build(project)[0] == 0  # and the next build clears what the killed ones left behind
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []
    assert sorted(p.name for p in (project / "dist").iterdir() if p.name.startswith(".")) == []


NO_NETWORK = '''
import socket

def refuse(*args, **kwargs):
    raise OSError("network access is disabled in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
'''


def test_the_whole_build_works_with_the_network_refused(tmp_path: Path) -> None:
    copy_example(tmp_path / "project")
    (tmp_path / "offline").mkdir()
    (tmp_path / "offline" / "sitecustomize.py").write_text(NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "offline"), "NO_MKDOCS_2_WARNING": "1"}
    check = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('example.com', 80)"],
                           env=env, capture_output=True, text=True, check=False)
    assert "network access is disabled" in check.stderr  # the refusal is in force
    result = subprocess.run([*BUILD, "--strict"], cwd=tmp_path / "project", env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "project" / "dist" / "danubia-pay-ag-3-1-offline" / "danubia-pay-ag-3-1-offline.zip").is_file()
