"""Phone numbers as the site shows and dials them (generator.phones, on libphonenumber's plans)."""

from __future__ import annotations

import pytest

from generator import phones


@pytest.mark.parametrize(("written", "region", "shown", "tel"), [
    ("+43 660 555 0101", None, "+43 660 5550101", "tel:+43-660-5550101"),
    ("0660 555 0101", "AT", "+43 660 5550101", "tel:+43-660-5550101"),
    ("011 3456789", "RS", "+381 11 3456789", "tel:+381-11-3456789"),
    ("+43 1 234 5678 ext. 12", None, "+43 1 2345678 ext. 12", "tel:+43-1-2345678;ext=12"),
    ("(01) 234 5678 x12", "AT", "+43 1 2345678 ext. 12", "tel:+43-1-2345678;ext=12"),
    ("+881 6 3123 4567", None, "+881 6 312 34567", "tel:+881-6-312-34567"),  # a satellite phone
    ("112", "AT", "112", "tel:112"),  # a short number exists only in its own country: as written
    ("133", "AT", "133", "tel:133"),
])
def test_every_number_is_shown_in_international_form_and_dials_from_anywhere(
        written: str, region: str | None, shown: str, tel: str) -> None:
    assert phones.problem(written, region) is None
    assert phones.display(written, region) == shown
    assert phones.tel_uri(shown) == tel


def test_a_short_number_is_only_short_in_its_own_country() -> None:
    assert phones.problem("133", "AT") is None  # the Austrian police
    assert phones.problem("133", "DE") == "is not a valid number in the numbering plan of DE (+49)"


def test_regions_come_from_the_contacts_office_then_the_document() -> None:
    data = {"document": {"country": "AT"},
            "offices": [{"id": "belgrade", "country": "RS"}, {"id": "nowhere", "country": "QQ"}],
            "contacts": [{"id": "a"}, {"id": "b", "office": "belgrade"}, {"id": "c", "office": "nowhere"},
                         {"id": ["not", "a", "name"]}, "not a mapping"]}
    assert phones.regions(data) == {"a": "AT", "b": "RS", "c": None}
    assert phones.regions({"contacts": [{"id": "a", "office": ["x"]}], "offices": "none"}) == {"a": None}


@pytest.mark.parametrize(("written", "region"), [
    ("0660 555 0101", "AT"), ("+43 660 555 0101", "AT"), ("+43 660 555 0101", None), ("133", "AT"), ("0660", "AT"),
    ("+999 1234", None),
])
def test_checking_or_showing_a_number_reads_it_once(written: str, region: str | None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A national number was read twice, once to ask whether it is a short one and again to check or show it."""
    import phonenumbers

    reads: list[tuple[str, str | None]] = []
    parse = phonenumbers.parse

    def counted(value: str, region: str | None = None, *args: object, **kwargs: object) -> object:
        reads.append((value, region))
        return parse(value, region, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(phonenumbers, "parse", counted)
    phones.problem(written, region)
    assert reads == [(written, region)]
    reads.clear()
    phones.display(written, region)
    assert reads == [(written, region)]
