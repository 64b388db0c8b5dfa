"""mike's version selector where the published site is served (answered from the branch, as Pages would), and no
console error in the offline archive of every version opened from file://, which has its own index."""

from __future__ import annotations

import functools
import os
import subprocess
import tarfile
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import pytest

from generator.commands.new import new_playbook
from tests.conftest import GIT_IDENTITY as IDENTITY
from tests.conftest import edit, invoke

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: Where the published branch is served in these tests (answered by the test, as Pages would).
PAGES = "https://pages.test"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **IDENTITY})


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A playbook repository with versions 1.0 and 2.0 (alias latest) published on gh-pages."""
    project = tmp_path_factory.mktemp("versions") / "org"
    new_playbook(project, organisation="Versions Org", timezone="Europe/Vienna")
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-qm", "1.0")
    assert invoke("publish", "1.0", cwd=project, env=IDENTITY)[0] == 0
    playbook = project / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(encoding="utf-8"), 'version: "0.1"', 'version: "2.0"'))
    _git(project, "commit", "-qam", "2.0")
    code, output = invoke("publish", "2.0", "--alias", "latest", cwd=project, env=IDENTITY)
    assert code == 0, output
    return project


def _visit(browser: Any, url: str, pages: Path | None = None) -> tuple[Any, Any, list[str], list[str]]:
    """Open ``url``; with ``pages``, https://pages.test/ answers from that folder, as a web server would."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if pages is not None:
        context.route(f"{PAGES}/**", functools.partial(_serve_from, pages))
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, errors, requests


def _serve_from(folder: Path, route: Any) -> None:
    path = folder / urllib.parse.urlsplit(route.request.url).path.lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if path.is_file() and path.resolve().is_relative_to(folder.resolve()):
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404, body="not found")


def test_pages_show_mikes_version_selector(published: Path, browser: Any, tmp_path: Path) -> None:
    branch = tmp_path / "gh-pages"
    branch.mkdir()
    tree = tmp_path / "branch.tar"
    subprocess.run(["git", "archive", "-o", str(tree), "gh-pages"], cwd=published, check=True)
    with tarfile.open(tree) as archive:
        archive.extractall(branch, filter="data")
    context, page, errors, requests = _visit(browser, f"{PAGES}/1.0/index.html", pages=branch)
    page.wait_for_selector(".md-version__current", timeout=10_000)
    options = page.eval_on_selector_all(".md-version__link", "nodes => nodes.map(n => n.textContent.trim())")
    assert sorted(options) == ["1.0", "2.0"]
    assert errors == []
    assert f"{PAGES}/versions.json" in requests
    assert all(url.startswith(PAGES) for url in requests), requests
    context.close()


def test_offline_archive_of_every_version_has_no_console_error(published: Path, browser: Any,
                                                                tmp_path: Path) -> None:
    [archive] = (published / "dist").glob("*-all-versions-offline/*-all-versions-offline.zip")
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(tmp_path)
    [folder] = [p for p in tmp_path.iterdir() if p.is_dir()]
    for page_path in ("index.html", "1.0/index.html", "2.0/index.html", "latest/index.html", "2.0/contacts.html"):
        context, page, errors, _ = _visit(browser, (folder / page_path).as_uri())
        assert errors == [], (page_path, errors)
        assert page.query_selector(".md-version") is None
        context.close()
