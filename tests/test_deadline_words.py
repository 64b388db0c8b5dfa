"""The deadline engine's sentences in the site's language: German and Serbian (both scripts) for each kind of
deadline, English outside a site build (what `playbook clock` prints is unchanged)."""
# ruff: noqa: RUF001  (Serbian Cyrillic text on purpose: its letters look like Latin ones)

from __future__ import annotations

import re
from typing import Any

import pytest

from generator import i18n, open_playbook
from generator.deadlines import awareness_words, due_text, order_problems, stage_texts
from generator.durations import parse_duration
from generator.model import Clock, Regulator, Stage
from generator.render import render_pages
from generator.schema import CLOCK_EVENT_MEANINGS
from generator.sitedata import clock_data
from tests.conftest import EXAMPLE, invoke


def clock(start: str, due: str | None = None, *, promptly: str | None = None, year_end: bool = False) -> Clock:
    return Clock(start=start, due=parse_duration(due) if due else None, from_year_end=year_end, promptly=promptly)


#: One regulator with each kind of deadline: hours from an event other than awareness with an outer limit from
#: awareness, a stage counted from another that repeats, business days, a period from the end of the year, and
#: the rule's own words without a period.
STAGES = (
    Stage("initial", "Initial notification", clock("classification", "4h"), no_later_than=clock("awareness", "24h")),
    Stage("intermediate", "Intermediate report", clock("initial", "72h"), every=parse_duration("1 day"),
          until="the supervisor closes the case"),
    Stage("filing", "Current report", clock("materiality", "4 business days")),
    Stage("annual", "Annual statement", clock("detection", "60 days", year_end=True)),
    Stage("people", "Notice to the people affected", clock("awareness", promptly="without undue delay")),
    Stage("range", "Early warning", clock("awareness", "15-20m")),
)
REGULATOR = Regulator(id="reg", name="Supervisor", jurisdiction="", law="", applies_when="", submit="",
                      stages=STAGES, required_content=())


def texts(tag: str | None) -> dict[str, dict[str, str]]:
    if tag is None:
        return {s.id: stage_texts(s, REGULATOR) for s in STAGES}
    with i18n.speaking(i18n.language(tag)):
        return {s.id: stage_texts(s, REGULATOR) for s in STAGES}


def test_outside_a_site_build_the_sentences_are_english() -> None:
    said = texts(None)
    assert said["initial"]["period"] == "4 hours after classification"
    assert said["initial"]["limit"] == "24 hours after awareness (outer limit of 4 hours after classification)"
    assert said["initial"]["waiting"] == ("4 hours after classification; give the time of classification (classified "
                                          "as a major incident)")
    assert said["intermediate"]["period"] == "72 hours after the initial notification"
    assert said["filing"]["period"] == "4 business days after materiality"
    assert said["annual"]["period"] == "60 days after the end of the calendar year of detection"
    assert said["people"]["rule"] == "Without undue delay after awareness; no fixed period."
    assert said["range"]["period"] == "15–20 minutes after awareness (the earlier end counts)"


GERMAN = {
    ("initial", "period"): "4 Stunden nach Einstufung",
    ("initial", "limit"): "24 Stunden nach Kenntnis (äußerste Grenze für 4 Stunden nach Einstufung)",
    ("initial", "limit_waiting"): "24 Stunden nach Kenntnis; 4 Stunden nach Einstufung, sobald dieser Zeitpunkt "
                                  "bekannt ist",
    ("initial", "waiting"): "4 Stunden nach Einstufung; Zeitpunkt der Einstufung angeben (als schwerwiegender Vorfall "
                            "eingestuft)",
    ("initial", "hint"): "Zeitpunkt der Einstufung eintragen. Fällt sie mit der Kenntnis zusammen, fällig am",
    ("intermediate", "period"): "72 Stunden nach der Meldestufe „Initial notification“",
    ("intermediate", "chained"): "Gezählt ab der Frist der Meldestufe „Initial notification“, weil diese nicht als "
                                 "eingereicht markiert ist; sobald sie eingereicht ist, zählt diese Frist ab der "
                                 "Einreichung.",
    ("intermediate", "filed_from"): "Gezählt ab der Einreichung der Meldestufe „Initial notification“.",
    ("filing", "period"): "4 Werktage nach Feststellung der Wesentlichkeit",
    ("annual", "period"): "60 Tage nach dem Ende des Kalenderjahres der Entdeckung",
    ("people", "rule"): "Without undue delay nach Kenntnis; keine feste Frist.",
    ("people", "not_in_force"): "Die Regel ist nicht in Kraft; es läuft keine Frist.",
    ("range", "period"): "15–20 Minuten nach Kenntnis (das frühere Ende zählt)",
}

SERBIAN = {
    ("initial", "period"): "4 sata nakon klasifikacije",
    ("initial", "limit"): "24 sata nakon saznanja (krajnja granica za rok: 4 sata nakon klasifikacije)",
    ("initial", "waiting"): "4 sata nakon klasifikacije; unesite vreme klasifikacije (klasifikovan kao ozbiljan "
                            "incident)",
    ("initial", "hint"): "Unesite vreme klasifikacije. Ako je isto kao vreme saznanja, rok je",
    ("intermediate", "period"): "72 sata nakon faze prijave „Initial notification“",
    ("intermediate", "filed_from"): "Računa se od podnošenja faze prijave „Initial notification“.",
    ("filing", "period"): "4 radna dana nakon utvrđivanja značajnosti",
    ("annual", "period"): "60 dana nakon kraja kalendarske godine otkrivanja",
    ("people", "rule"): "Without undue delay nakon saznanja; bez fiksnog roka.",
    ("range", "period"): "15–20 minuta nakon saznanja (računa se raniji kraj)",
}

CYRILLIC = {
    ("initial", "period"): "4 сата након класификације",
    ("initial", "limit"): "24 сата након сазнања (крајња граница за рок: 4 сата након класификације)",
    ("intermediate", "period"): "72 сата након фазе пријаве „Initial notification“",
    ("filing", "period"): "4 радна дана након утврђивања значајности",
    ("annual", "period"): "60 дана након краја календарске године откривања",
    ("people", "rule"): "Without undue delay након сазнања; без фиксног рока.",
}


@pytest.mark.parametrize(("tag", "expected"), [("de", GERMAN), ("sr-Latn", SERBIAN), ("sr-Cyrl", CYRILLIC)])
def test_each_kind_of_deadline_is_one_sentence_in_the_language(tag: str, expected: dict[Any, str]) -> None:
    said = texts(tag)
    assert {key: said[key[0]][key[1]] for key in expected} == expected


def test_the_plans_own_words_stay_as_written_and_the_generators_are_translated() -> None:
    people = STAGES[4]
    with i18n.speaking(i18n.language("de")):
        assert awareness_words(people) == "Without undue delay nach Kenntnis"
        asap = Stage("asap", "Notice", clock("awareness", promptly="asap"), no_later_than=clock("awareness", "72h"))
        assert awareness_words(asap) == "So bald wie möglich nach Kenntnis, höchstens 72 Stunden"
    with i18n.speaking(i18n.language("sr-Latn")):
        assert awareness_words(STAGES[0]) == "Najviše 24 sata nakon saznanja"


def test_the_day_of_a_repeating_duty_and_its_moment_are_in_the_language() -> None:
    playbook = open_playbook(EXAMPLE).playbook
    items = {item.id: item for phase in playbook.phases for item in phase.checklist}
    assert due_text(items["notify-fma-daily"], playbook) == \
        "every 1 day after the start of Regulator notification until the FMA closes the case"
    with i18n.speaking(i18n.language("de")):
        assert due_text(items["notify-record"], playbook) == "1 Stunde nach Beginn der Phase „Regulator notification“"
        assert due_text(items["notify-fma-daily"], playbook) == (
            "wiederkehrend (Abstand: 1 Tag) nach Beginn der Phase „Regulator notification“, "
            "bis: the FMA closes the case")
        data = clock_data(playbook)
    with i18n.speaking(i18n.language("sr-Latn")):
        assert due_text(items["notify-fma-daily"], playbook) == (
            "ponavlja se (razmak: 1 dan) nakon početka faze „Regulator notification“, sve dok: the FMA closes the case")
    repeating = next(s for r in data["regulators"] for s in r["stages"] if s["repeat"])
    assert repeating["repeat"] == "Danach wiederkehrend (Abstand: 1 Tag), bis: the acquirer closes its case."
    assert data["eventNames"]["awareness"] == "Kenntnis"
    assert data["events"]["awareness"] == "hinreichende Gewissheit, dass ein Vorfall eingetreten ist"
    assert {moment["label"] for moment in data["moments"]} >= {"Beginn der Phase „Regulator notification“"}


def test_events_given_in_an_impossible_order_are_said_in_the_language() -> None:
    import datetime as dt

    at = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    events = {"awareness": at, "classification": at - dt.timedelta(hours=1)}
    with i18n.speaking(i18n.language("sr-Cyrl")):
        assert order_problems(events) == ["Класификација је пре сазнања: инцидент не може бити класификован пре него "
                                          "што ико за њега зна. Проверите времена."]
    assert order_problems(events) == ["Classification is before awareness: an incident cannot be classified before "
                                      "anyone is aware of it. Check the times."]


def test_the_event_meanings_said_in_english_are_the_schemas() -> None:
    from generator.deadlines import event_meaning, event_name

    assert {event: event_meaning(event) for event in CLOCK_EVENT_MEANINGS} == CLOCK_EVENT_MEANINGS
    assert [event_name(event) for event in CLOCK_EVENT_MEANINGS] == list(CLOCK_EVENT_MEANINGS)


def test_playbook_clock_speaks_english_after_a_german_site_was_rendered_in_the_same_process() -> None:
    """`playbook clock` says the sentences as it always has (each line below as it was before the site's language
    reached the engine), also after pages were rendered in German: the language does not leak out of a build."""
    render_pages(open_playbook(EXAMPLE).playbook, None, i18n.language("de"))
    code, output = invoke("clock", "--aware", "2026-03-27T10:00", "--classified", "2026-03-27T09:00", str(EXAMPLE))
    assert code == 0
    lines = [line.strip() for line in output.splitlines()]
    assert "Warning: Classification is before awareness: an incident cannot be classified before anyone is aware of " \
           "it. Check the times." in lines
    assert "24 hours after detection; give the time of detection (first suspicion or discovery)" in lines
    assert "If detection equals awareness, due at Sat 2026-03-28 10:00 CET (2026-03-28 09:00Z)" in lines
    assert "Counted from the deadline of the initial notification, which is not marked as filed; once it is filed " \
           "this deadline counts from the filing." in lines
    assert "Card schemes, through the acquiring bank: Status updates to the acquirer - waiting: 1 day after the " \
           "alert the acquirer; waiting for the deadline of the alert the acquirer" in lines


@pytest.mark.parametrize(("tag", "msgid", "said"), [
    ("de", "No answer within %(after)s? Next person.", "3 Tage ohne Antwort? Nächste Person."),
    ("de", "No answer within %(after)s? Call %(deputy)s.", "3 Tage ohne Antwort? X anrufen."),
    ("de", "next after %(period)s", "Wartezeit 3 Tage, dann die nächste Person"),
    ("de", "every %(every)s", "wiederkehrend (Abstand: 1 Tag)"),
    ("de", "After %(after)s, any %(quorum)s of: %(roles)s", "Frist 3 Tage abgelaufen: beliebige 2 von: X"),
    ("sr-Latn", "No answer within %(after)s? Next person.", "Nema odgovora (rok: 1 sat)? Sledeća osoba."),
    ("sr-Latn", "every %(every)s", "ponavlja se (razmak: 1 dan)"),
    ("sr-Cyrl", "every %(every)s", "понавља се (размак: 1 дан)"),
])
def test_a_period_after_a_preposition_keeps_its_case(tag: str, msgid: str, said: str) -> None:
    """A period of the plan is put where its form is right: not "binnen 3 Tage" (German wants "3 Tagen" there) nor
    "u roku od 1 sat" (Serbian wants "1 sata"); the catalogues say it where it stands in the nominative."""
    chosen = i18n.language(tag)
    period = "1 day" if "every" in msgid else "1h" if tag.startswith("sr") else "3 days"
    words = i18n.duration_words(parse_duration(period), chosen)
    values = {"after": words, "period": words, "every": words, "deputy": "X", "quorum": 2, "roles": "X"}
    assert chosen.gettext(msgid) % values == said


#: Serbian Latin letters to Cyrillic (the digraphs lj, nj, dž are one letter each).
_LATIN = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ", **dict(zip(
    "abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ", "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ",
    strict=True))}


def _cyrillic(latin: str) -> str:
    pieces = re.split(r"(%\(\w+\)s|dž|Dž|lj|Lj|nj|Nj)", latin)
    return "".join(p if p.startswith("%(") else _LATIN.get(p) or "".join(_LATIN.get(c, c) for c in p) for p in pieces)


def test_the_cyrillic_deadline_words_are_the_latin_ones_letter_for_letter() -> None:
    """Every msgid of the deadline engine: sr-Cyrl says what sr-Latn says, in the other script."""
    latin, cyrillic = i18n.language("sr-Latn").translations, i18n.language("sr-Cyrl").translations
    engine = [m for m in i18n.template() if any(path.endswith("deadlines.py") for path, _line in m.locations)]
    assert len(engine) > 50
    for message in engine:
        said = (latin.pgettext(message.context, message.id), cyrillic.pgettext(message.context, message.id)) \
            if message.context else (latin.gettext(message.id), cyrillic.gettext(message.id))
        assert said[0] != message.id or message.id == "%(deadline)s; %(waiting)s", message.id
        assert said[1] == _cyrillic(said[0]), message.id
