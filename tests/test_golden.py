"""Generated Markdown of the fixture playbooks, compared with committed files.

``minimal`` is the smallest valid playbook; ``full`` reaches every branch of every page template
(see the head of tests/fixtures/full/playbook.yml), and ``full-public`` is its public edition.
After an intended change, regenerate them with `make golden` and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator import open_playbook
from generator.model import public_edition
from generator.render import render_pages
from tests.conftest import FIXTURES, MINIMAL, TODAY

GOLDEN = Path(__file__).parent / "golden"
FULL = FIXTURES / "full" / "playbook.yml"
#: (golden folder, playbook, day it is checked on, public edition)
CASES = [("minimal", MINIMAL, TODAY, False), ("full", FULL, dt.date(2026, 11, 22), False),
         ("full-public", FULL, dt.date(2026, 11, 22), True)]
#: Playbooks modelled on real, public incident-communication plans (see the head of each file).
REAL_PLANS = ("cloud-platform", "listed-company", "public-body", "breach-letters")
CASES += [(name, FIXTURES / name / "playbook.yml", dt.date(2026, 12, 1), False) for name in REAL_PLANS]


@pytest.mark.parametrize(("name", "playbook", "today", "public"), CASES, ids=[case[0] for case in CASES])
def test_generated_markdown_matches_the_golden_files(update_golden: bool, name: str, playbook: Path,
                                                     today: dt.date, public: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The regulators page names the installed data versions; the golden files do not depend on them.
    monkeypatch.setattr("generator.render.data_versions", lambda: {"tzdata": "TZDATA", "zones": "ZONES",
                                                                 "holidays": "HOLIDAYS"})
    model = open_playbook(playbook, strict=True, today=today, private=False).playbook
    pages = render_pages(public_edition(model) if public else model)
    rendered = {page.path: page.markdown for page in pages}
    folder = GOLDEN / name
    if update_golden:
        for old in folder.rglob("*.md"):
            old.unlink()
        for path, markdown in rendered.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(markdown, encoding="utf-8")
    expected = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.md")}
    assert sorted(rendered) == sorted(expected), "pages were added or removed; run `make golden`"
    for path, markdown in rendered.items():
        assert markdown == expected[path], f"{path} differs from tests/golden/{name}/{path}; run `make golden`"


def test_the_full_home_page_in_german_matches_its_golden_file(update_golden: bool) -> None:
    """One page in another language: the site's own words from the German catalogue, the plan's as written."""
    from generator.i18n import language

    model = open_playbook(FULL, strict=True, today=dt.date(2026, 11, 22), private=False).playbook
    home = render_pages(model, None, language("de"))[0].markdown
    golden = GOLDEN / "full-de" / "index.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(home, encoding="utf-8")
    assert home == golden.read_text(encoding="utf-8"), "run `make golden` and review tests/golden/full-de/index.md"
