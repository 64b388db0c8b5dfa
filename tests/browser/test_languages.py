"""The example built in German and in Serbian Cyrillic, opened from file:// with the network off: the site's own
words are in that language (the plan's own text stays as the plan wrote it)."""
# ruff: noqa: RUF001  (Serbian Cyrillic text on purpose: its letters look like Latin ones)

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import i18n
from generator.build import build
from tests.browser.conftest import Visit, search, visiting
from tests.conftest import ROOT, copy_example

pytestmark = pytest.mark.browser

#: Per language: the home page's four answers, a nav link and the title of its page, a translated word to
#: search for and a page it finds, and Material's own search placeholder.
EXPECTED = {
    "de": {"cards": ["Wen anrufen", "Die erste Stunde", "Fristen", "Was wir jetzt sagen"],
           "nav": "Kontakte", "search": ("Dokumentenlenkung", "Dokumentenlenkung"), "placeholder": "Suche",
           "clock": ("Jetzt", "Fällig (UTC)"),
           # The clock's sentences (generator/deadlines.py): a regulator stage waiting for its event, with its outer
           # limit running; a checklist item; an event's label.
           "sentences": ("24 Stunden nach Kenntnis; 4 Stunden nach Einstufung, sobald dieser Zeitpunkt bekannt ist",
                         "15 Minuten nach Kenntnis", "Einstufung (als schwerwiegender Vorfall eingestuft):"),
           "waiting": ("[wartet]", "24 Stunden nach Entdeckung; Zeitpunkt der Entdeckung angeben (erster Verdacht oder "
                                   "Entdeckung)")},
    "sr-Cyrl": {"cards": ["Кога звати", "Први сат", "Рокови", "Шта сада кажемо"],
                "nav": "Контакти", "search": ("Матрица", "Матрица одобрења"), "placeholder": "Претрага",
                "clock": ("Сада", "Рок (UTC)"),
                "sentences": ("24 сата након сазнања; 4 сата након класификације када то време буде познато",
                              "15 минута након сазнања", "Класификација (класификован као озбиљан инцидент):"),
                "waiting": ("[чека]", "24 сата након откривања; унесите време откривања (прва сумња или откриће)")},
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def language_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    tag = request.param
    config = copy_example(tmp_path_factory.mktemp(f"project-{tag}"))
    return tag, build(config, strict=True, language=tag).site


@pytest.fixture
def visit_language(browser: Any, language_site: tuple[str, Path]) -> Iterator[tuple[str, Visit]]:
    tag, site = language_site
    with visiting(browser, site) as record:
        yield tag, record


def test_home_answers_the_four_questions_in_the_language(visit_language: tuple[str, Visit]) -> None:
    tag, visit = visit_language
    visit.open("index.html")
    assert visit.page.locator(".pb-start li strong a").all_inner_texts() == EXPECTED[tag]["cards"]
    assert visit.page.get_attribute("input.md-search__input", "placeholder") == EXPECTED[tag]["placeholder"]
    assert visit.errors == [] and visit.outside_requests() == []


def test_navigation_leads_to_the_page_named_in_the_language(visit_language: tuple[str, Visit]) -> None:
    tag, visit = visit_language
    visit.open("index.html")
    visit.page.locator(".md-sidebar--primary a.md-nav__link", has_text=EXPECTED[tag]["nav"]).first.click()
    visit.page.wait_for_load_state("load")
    assert visit.page.title() == f"{EXPECTED[tag]['nav']} - Danubia Pay crisis playbook"
    assert visit.page.locator("article h1").first.inner_text().startswith(EXPECTED[tag]["nav"])
    assert visit.errors == [] and visit.outside_requests() == []


def test_search_for_a_translated_word_finds_its_page(visit_language: tuple[str, Visit]) -> None:
    tag, visit = visit_language
    query, found = EXPECTED[tag]["search"]
    visit.open("index.html")
    assert any(found in text for text in search(visit, query))
    assert visit.errors == [] and visit.outside_requests() == []


def test_the_incident_clock_speaks_the_language(visit_language: tuple[str, Visit]) -> None:
    tag, visit = visit_language
    now, due = EXPECTED[tag]["clock"]
    visit.open("incident.html")
    visit.page.locator("#pb-now-awareness").click()
    assert visit.page.locator("#pb-now-awareness").inner_text() == now
    assert due in visit.page.locator("#pb-deadlines thead").inner_text()
    echo = visit.page.locator("#pb-echo-awareness").inner_text()
    assert re.search(r"\d{2}:\d{2}", echo) and not re.search(r"\b(AM|PM)\b", echo)  # 24-hour, in the locale's form
    stage, item, label = EXPECTED[tag]["sentences"]
    assert visit.page.locator('tr[data-regulator="at-fma"][data-stage="initial"] .pb-why').inner_text() == stage
    assert visit.page.locator('tr[data-item="assess-alarm"] .pb-why').inner_text() == item
    assert visit.page.locator('label:has(input[data-event="classification"])').inner_text().strip() == label
    # A stage waiting for its event (detection): its status and what it waits for.
    status, waiting = EXPECTED[tag]["waiting"]
    row = visit.page.locator('tr[data-regulator="card-schemes"][data-stage="alert"]')
    assert row.locator(".pb-what").inner_text().endswith(status)
    assert row.locator(".pb-left").inner_text().startswith(waiting)
    assert visit.errors == []


#: The format reference's table: each field's description comes from the schema, written for the plan's authors
#: in English, like `playbook validate`'s messages (its headings and introduction are translated).
AUTHORS_PAGES = {"reference.html"}


def _fragments() -> dict[str, str]:
    """The generator's English words worth looking for in a page's text: each msgid's pieces between its values
    and markup, long enough not to occur by chance (12 characters or more)."""
    found = {}
    for message in i18n.template():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            plain = re.sub(r"<[^>]+>|\*\*|`|\[|\]\([^)]*\)|\\", "", text or "")
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|\(%\(\w+\)s\)", plain):
                piece = piece.strip(" .,:;()")
                if len(piece) >= 12:
                    found[piece] = ids[0]
    return found


def test_no_english_word_of_the_generator_is_left_on_any_page(visit_language: tuple[str, Visit]) -> None:
    """Every built page's text (after the tools have run) against the English catalogue: no msgid of the generator
    that the language translates differently shows in English. The plan's own text, hand-written content/ pages,
    and words a translation keeps as they are, are not looked for."""
    tag, visit = visit_language
    chosen = i18n.language(tag)
    plan = (ROOT / "playbook.yml").read_text(encoding="utf-8")
    hand_written = {p.relative_to(ROOT / "content").with_suffix(".html").as_posix()
                    for p in (ROOT / "content").rglob("*.md")}
    wanted = {piece: msgid for piece, msgid in _fragments().items()
              if chosen.gettext(msgid) != msgid and piece not in plan}
    left: dict[str, list[str]] = {}
    for page in sorted(visit.site.rglob("*.html")):
        relative = page.relative_to(visit.site).as_posix()
        if relative in hand_written or relative in AUTHORS_PAGES or relative == "404.html":
            continue
        visit.open(relative)
        text = visit.page.locator("body").inner_text()
        for piece in wanted:
            if piece in text:
                left.setdefault(relative, []).append(piece)
    assert left == {}, "\n".join(f"{page}: {pieces}" for page, pieces in left.items())
