"""The built example site, opened from file:// in headless Chromium with no network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import Visit, search
from tests.site_scan import external_resources

pytestmark = pytest.mark.browser


def test_site_loads_nothing_from_outside(built_site: Path) -> None:
    assert external_resources(built_site) == []


def test_the_404_page_loads_everything_from_inside_the_site(visit: Visit) -> None:
    visit.open("404.html")  # a web server's page, but it is in the bundle: it must work from file:// too
    assert visit.page.locator("link[rel=stylesheet]").count() >= 2
    assert visit.page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert visit.requests and visit.outside_requests() == []
    assert visit.errors == []


def test_home_renders_styled_with_the_four_first_answers(visit: Visit) -> None:
    visit.open("index.html")
    header = visit.page.eval_on_selector(".md-header", "e => getComputedStyle(e).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent")
    cards = visit.page.locator(".pb-start li strong a").all_inner_texts()
    assert cards == ["Who to call", "The first hour", "Deadlines", "What we say now"]
    assert visit.page.locator(".pb-progress").count() == 6
    assert visit.page.locator(".pb-oob").count() >= 7
    assert visit.errors == []
    assert visit.outside_requests() == []


@pytest.mark.parametrize(("nav_path", "heading"), [
    (["Incident clock and log"], "Incident clock and log"),
    (["Incident facts"], "Incident facts"),
    (["Contacts"], "Contacts"),
    (["Out-of-band channels"], "Out-of-band channels"),
    (["Regulators and deadlines"], "Regulators and deadlines"),
    (["Phases", "Covert preparation"], "Covert preparation"),
    (["Messages", "Holding statement"], "Holding statement"),
    (["Roles"], "Roles"),
    (["Audiences"], "Audiences"),
    (["Offices and time zones"], "Offices and time zones"),
    (["Severity levels"], "Severity levels"),
    (["Scenarios"], "Scenarios"),
    (["Glossary"], "Glossary"),
    (["Document control"], "Document control"),
    (["Format reference"], "Format reference"),
    (["Working out-of-band"], "Working out-of-band"),
])
def test_each_page_type_opens_through_the_nav(visit: Visit, nav_path: list[str], heading: str) -> None:
    visit.open("index.html")
    sidebar = visit.page.locator(".md-sidebar--primary")
    # With navigation.prune a closed section is a link to its first page, where it opens.
    for label in nav_path:
        sidebar.locator("a.md-nav__link", has_text=label).first.click()
        visit.page.wait_for_load_state("load")
    assert visit.page.title() == f"{heading} - Danubia Pay crisis playbook"
    assert visit.errors == []
    assert visit.outside_requests() == []


@pytest.mark.parametrize(("query", "expected"), [
    ("Stojanović", "Contacts"),
    ("Embargoed briefing", "Embargoed briefing for the lead medium"),
])
def test_search_works_offline(visit: Visit, query: str, expected: str) -> None:
    visit.open("index.html")
    assert any(expected in text for text in search(visit, query))
    assert visit.errors == []
    assert visit.outside_requests() == []


@pytest.mark.parametrize(("query", "card"), [
    ("DPO", "Eva Huber"),  # by the role she fills
    ("lawyer", "Weiss & Partner Rechtsanwälte"),  # by the service
    ("insurer", "Alpina Cyber Insurance"),
    ("0103", "Lukas Berger"),  # by the last digits of a number
])
def test_search_at_phone_width_finds_the_contact_card(visit: Visit, query: str, card: str) -> None:
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.open("index.html")
    visit.page.locator("label.md-header__button[for='__search']").click()  # the header's search button
    visit.page.locator("input.md-search__input").type(query, delay=20)
    titles = ".md-search-result__article h1, .md-search-result__article h2"
    try:
        visit.page.wait_for_function(
            "([selector, card]) => [...document.querySelectorAll(selector)].some(e => e.innerText.startsWith(card))",
            arg=[titles, card], timeout=10_000)
    except Exception:  # noqa: BLE001  (say what was found instead)
        pytest.fail(f"no result titled {card!r}: {visit.page.locator(titles).all_inner_texts()}")
    assert visit.errors == []


def test_message_page_highlights_blanks_and_offers_copy(visit: Visit) -> None:
    visit.open("messages/holding-statement.html")
    message = visit.page.locator(".pb-message")
    assert message.locator("mark.pb-blank").count() == 5
    assert message.locator("button.md-code__button[data-md-type='copy'], button.md-clipboard").count() == 1
    text = message.locator("code").inner_text()
    assert text.startswith("Danubia Pay AG is investigating a security incident that [[ what_happened ]].")
    assert "{{" not in text


def test_a_command_in_a_checklist_note_is_code_with_a_copy_button(visit: Visit) -> None:
    # Record what is copied instead of touching the machine's clipboard.
    visit.page.add_init_script("window.__copied = []; navigator.clipboard.writeText = "
                               "t => { window.__copied.push(t); return Promise.resolve(); };")
    visit.open("phases/notification.html")
    item = visit.page.locator(".task-list-item", has=visit.page.locator("#item-notify-record"))
    code = item.locator("code.pb-code")
    assert code.inner_text() == "playbook clock --aware TIME --filed at-fma/initial=TIME"
    emphasis = item.locator("em em", has_text="Filed now")  # kept, and upright inside the italic note
    assert emphasis.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
    button = item.get_by_role("button", name="Copy playbook clock --aware TIME --filed at-fma/initial=TIME")
    button.click()
    assert visit.page.evaluate("window.__copied") == ["playbook clock --aware TIME --filed at-fma/initial=TIME"]
    assert button.inner_text() == "Copied"
    assert visit.errors == []


def test_a_phase_shows_only_what_applies_at_the_chosen_severity(visit: Visit) -> None:
    visit.open("phases/assessment.html")
    board = visit.page.locator(".task-list-item", has=visit.page.locator("#item-assess-board"))
    assert board.locator(".pb-when").inner_text() == "Only when: severity SEV1 - Critical or SEV2 - Major:"
    status = visit.page.locator(".pb-applies-status")
    assert status.inner_text() == "Every item is shown."
    visit.page.select_option("#pb-applies-severity", "sev3")
    assert not board.is_visible()
    assert status.inner_text() == "1 item does not apply to this incident and is hidden."
    cards = visit.page.locator(".task-list-item", has=visit.page.locator("#item-assess-cards"))
    assert cards.is_visible()  # a condition in words only is shown, never decided for the reader
    visit.open("index.html")  # the choice is the incident's: progress counts only what applies
    assert visit.page.locator(".pb-progress[data-phase='assessment']").inner_text() == "0 of 8 done"
    visit.open("phases/assessment.html")
    assert visit.page.input_value("#pb-applies-severity") == "sev3" and not board.is_visible()
    visit.page.select_option("#pb-applies-severity", "sev1")
    assert board.is_visible() and status.inner_text() == "Every item is shown."
    log = visit.page.evaluate("JSON.parse(localStorage.getItem(window.PLAYBOOK_DATA.key)).log.map(e => e.text)")
    assert log == ["Severity for the checklists: SEV3 - Contained", "Severity for the checklists: SEV1 - Critical"]
    visit.open("print.html")  # paper shows every item, with its condition
    assert visit.page.locator("#pb-applies").count() == 0
    assert visit.page.locator(".task-list-item", has=visit.page.locator("#item-assess-board")).is_visible()
    assert visit.errors == []


def test_at_phone_width_home_calls_with_a_tap_and_ticks_the_first_hour(visit: Visit) -> None:
    visit.page.set_viewport_size({"width": 390, "height": 844})
    visit.open("index.html")
    crisis_lead = visit.page.locator("li", has_text="Crisis team lead").first
    links = crisis_lead.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    # The out-of-band channel first (Signal opens a chat with the number), then the number to call.
    assert links.index("https://signal.me/#p/+436605559101") < links.index("tel:+43-660-5550101")
    first = visit.page.locator(".task-list-item", has=visit.page.locator("[data-item='assess-alarm']"))
    box = first.locator("input[type=checkbox]")
    assert box.is_enabled()
    box.scroll_into_view_if_needed()
    where = box.bounding_box()
    assert where is not None
    visit.page.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)  # as a thumb taps
    assert box.is_checked()
    assert visit.page.locator(".pb-progress[data-phase='assessment']").inner_text() == "1 of 9 done"
    visit.open("phases/assessment.html")  # one state: ticked on home, ticked on the phase page
    item = visit.page.locator(".task-list-item", has=visit.page.locator("#item-assess-alarm"))
    assert item.locator("input[type=checkbox]").is_checked()
    assert visit.errors == []


def test_a_wallet_card_is_a_bank_card_and_nothing_on_it_is_cut_off(visit: Visit) -> None:
    visit.open("cards.html")
    visit.page.emulate_media(media="print")
    sizes = visit.page.locator(".pb-card").evaluate_all(
        "cards => cards.map(c => [c.getBoundingClientRect().width * 25.4 / 96, c.getBoundingClientRect().height"
        " * 25.4 / 96, c.scrollHeight <= c.clientHeight])")
    assert len(sizes) >= 8
    assert all(round(w, 1) == 85.6 and round(h, 1) == 54.0 and fits for w, h, fits in sizes), sizes


def test_the_footer_says_how_old_the_copy_is(visit: Visit) -> None:
    visit.open("index.html")
    built = dt.date.fromisoformat(visit.page.get_attribute(".pb-built", "data-built") or "")
    visit.page.clock.set_fixed_time(dt.datetime.combine(built + dt.timedelta(days=43), dt.time(3, 0)))
    visit.open("index.html")
    assert visit.page.locator(".pb-built").inner_text() == f"{built.isoformat()} (43 days ago)"


def test_checklist_items_carry_their_stable_ids(visit: Visit) -> None:
    visit.open("phases/assessment.html")
    ids = visit.page.locator(".task-list-item .pb-item").evaluate_all("els => els.map(e => e.id)")
    assert ids[:2] == ["item-assess-alarm", "item-assess-convene"]
    assert visit.page.locator(".admonition.danger").count() == 1  # the covert-phase warning


def test_pages_read_well_at_phone_width(visit: Visit) -> None:
    visit.page.set_viewport_size({"width": 390, "height": 844})
    for path in ("index.html", "contacts.html", "phases/assessment.html", "messages/customer-notice.html",
                 "incident.html", "facts.html"):
        visit.open(path)
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"


def test_review_banner_appears_once_the_review_date_has_passed(visit: Visit) -> None:
    visit.open("contacts.html")
    assert visit.page.locator(".pb-review-passed").count() == 0
    visit.page.add_init_script("Date.now = () => Date.parse('2027-05-16T08:00:00Z');")
    visit.open("contacts.html")
    assert visit.page.locator(".pb-review-passed").inner_text().startswith(
        "This copy may be out of date\n\nVersion 3.1 was due for review on 2027-05-15.")
    assert visit.errors == []
