"""The same browser tests against the site of each engine (issue 18): the offline home page, no request
outside the site, the Content-Security-Policy with the incident tools under it, search from file://, and
a tick that survives a reload. Each test here calls the test of the main suite that states the guarantee,
with a Visit of the site that engine built; MkDocs' site is the main suite's own (built once per session).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build
from generator.engines import ENGINES
from tests.browser import test_accessibility, test_csp, test_exercise_mode, test_incident_tools, test_offline_site
from tests.browser.conftest import Visit, visiting
from tests.conftest import copy_example

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built once by Zensical into a copy of the project."""
    return build(copy_example(tmp_path_factory.mktemp("zensical")), strict=True, engine="zensical").site


@pytest.fixture(params=ENGINES)
def engine_site(request: pytest.FixtureRequest) -> Path:
    fixture = "built_site" if request.param == "mkdocs" else f"{request.param}_site"
    return Path(request.getfixturevalue(fixture))


@pytest.fixture
def engine_visit(browser: Any, engine_site: Path) -> Iterator[Visit]:
    with visiting(browser, engine_site) as record:
        yield record


def test_the_site_loads_nothing_from_outside(engine_site: Path) -> None:
    test_offline_site.test_site_loads_nothing_from_outside(engine_site)


def test_every_page_carries_the_policy(engine_site: Path) -> None:
    pages = sorted(engine_site.rglob("*.html"))
    assert pages
    without = [str(p.relative_to(engine_site)) for p in pages
               if '<meta http-equiv="Content-Security-Policy"' not in p.read_text(encoding="utf-8")]
    assert without == []


CHECKS: list[Callable[[Visit], None]] = [
    test_offline_site.test_home_renders_styled_with_the_four_first_answers,
    test_offline_site.test_the_404_page_loads_everything_from_inside_the_site,
    test_offline_site.test_checklist_items_carry_their_stable_ids,
    test_csp.test_offline_tools_work_under_the_policy,
    test_incident_tools.test_tick_survives_a_reload_and_counts_on_the_home_page,
    test_exercise_mode.test_an_exercise_marks_what_the_themes_copy_button_copies_and_logs_a_copied_message,
]


@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__.removeprefix("test_") for check in CHECKS])
def test_the_guarantee_holds(engine_visit: Visit, check: Callable[[Visit], None]) -> None:
    check(engine_visit)


@pytest.mark.parametrize(("query", "expected"), [
    ("Stojanović", "Contacts"),
    ("Embargoed briefing", "Embargoed briefing for the lead medium"),
])
def test_search_works_offline(engine_visit: Visit, query: str, expected: str) -> None:
    test_offline_site.test_search_works_offline(engine_visit, query, expected)


@pytest.mark.parametrize("width", test_accessibility.WIDTHS)
def test_no_page_has_an_axe_violation(browser: Any, engine_site: Path, width: int) -> None:
    test_accessibility.test_no_page_has_an_axe_violation(browser, engine_site, width)


@pytest.mark.parametrize("width", test_accessibility.WIDTHS)
def test_not_found_page_has_no_axe_violation(browser: Any, engine_site: Path, width: int) -> None:
    test_accessibility.test_not_found_page_has_no_axe_violation(browser, engine_site, width)
