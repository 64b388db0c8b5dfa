"""The sites of the fixtures modelled on real plans, opened from file:// in Chromium with no network.

Each site is built once (module scope) into its own project: the example's mkdocs.yml with the
site's own name, the fixture's playbook.yml, and no hand-written pages (the example's content/ is
about working out-of-band, which none of these plans does).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from tests.browser.conftest import Visit
from tests.conftest import FIXTURES, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: fixture -> (its site's name, a first step of its home page, its call-first text, its own doctrine)
PLANS = {
    "cloud-platform": ("Nimbus security incident response",
                       "Follow the TTS security incident response process",
                       "The first participant on the Nimbus team to respond",
                       "Key people and how to reach them."),
    "listed-company": ("Quarry Labs security incident communications",
                       "Determine the scope, severity and potential impact of the security incident.",
                       "The SIRT on-call rotation (24/7/365)",
                       "Key people and how to reach them."),
    "public-body": ("Department for Civic Records security incidents",
                    "As the incident discoverer, if you can, take immediate action",
                    "The on-call Incident Manager.",
                    "Key people and how to reach them."),
    "breach-letters": ("Ministry of Citizen Records information incidents",
                       "Report the incident immediately to your supervisor.",
                       "Whoever discovers the incident",
                       "Key people and how to reach them."),
}
COVERT_FRAMING = ("Do not use e-mail or chat", "attacker may read", "out-of-band channel first", "may be watched")


def _project(folder: Path, name: str, site_name: str) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / name / "playbook.yml", folder / "playbook.yml")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        config.replace("site_name: Danubia Pay crisis playbook", f"site_name: {site_name}"), encoding="utf-8")
    (folder / "content").mkdir()
    (folder / "templates").mkdir()
    return folder / "mkdocs.yml"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each fixture's site, built once."""
    root = tmp_path_factory.mktemp("real-plans")
    return {name: build(_project(root / name, name, plan[0]), strict=True).site for name, plan in PLANS.items()}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    opened = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


@pytest.mark.parametrize("name", PLANS)
def test_home_shows_the_plans_own_first_steps_and_doctrine_offline(context: Any, sites: dict[str, Path],
                                                                   name: str) -> None:
    site_name, first_step, call_first, doctrine = PLANS[name]
    visit = Visit(context.new_page(), sites[name])
    visit.page.on("request", lambda request: visit.requests.append(request.url))
    visit.page.on("console", lambda message: visit.errors.append(message.text) if message.type == "error" else None)
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    visit.open("index.html")
    assert visit.page.title().endswith(site_name)
    content = visit.page.locator(".md-content").inner_text()
    first_steps = visit.page.locator("#first-steps ~ ul").first
    assert first_step in first_steps.inner_text()
    assert first_steps.locator("input[type=checkbox]").count() >= 1  # live tick boxes
    assert call_first in content
    assert doctrine in content
    assert [words for words in COVERT_FRAMING if words in content] == []
    assert visit.page.locator(".pb-oob").count() == 0
    assert visit.requests and visit.outside_requests() == []
    assert visit.errors == []
