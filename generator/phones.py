"""Phone numbers, read and written with Google's libphonenumber (the ``phonenumbers`` port).

A number in international form (``+43 1 234 5678``) is read as it stands. A number without the
``+`` is read in the national form of a region: the country of the contact's office, else the
playbook's ``document.country``. Short numbers (``112``, ``101``) are accepted where they are valid
in that region. Extensions (``ext. 12``, ``x12``) are kept.

The site shows every number in international form (``+43 1 2345678 ext. 12``) and links it with
``tel:`` in RFC 3966 form (``tel:+43-1-2345678;ext=12``), so it dials from any country; a short
number is shown and dialled as written, since it only exists in its own country.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

# phonenumbers is imported by the functions that read a number, not here: importing it (its numbering plans)
# is a twentieth of `playbook validate`, and a playbook whose numbers are all in contacts.private.yml has none
# to read when that file is not there (a public repository's CI).

#: Contact channel types whose value is a phone number.
PHONE_TYPES = ("phone", "mobile", "satphone", "whatsapp")


@cache
def _parse_reasons() -> dict[int, str]:
    from phonenumbers import NumberParseException

    return {
        NumberParseException.INVALID_COUNTRY_CODE: "its country code is unknown",
        NumberParseException.NOT_A_NUMBER: "it does not look like a number",
        NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short after the international prefix",
        NumberParseException.TOO_SHORT_NSN: "it is too short",
        NumberParseException.TOO_LONG: "it is too long",
    }


def _parsed(value: str, region: str | None) -> Any:
    """``value`` read in ``region`` (a ``PhoneNumber``), or the ``NumberParseException`` that says why it cannot be."""
    import phonenumbers
    from phonenumbers import NumberParseException

    try:
        return phonenumbers.parse(value, region)
    except NumberParseException as exc:
        return exc


def _short(value: str, region: str | None, number: Any) -> bool:
    """Whether ``value`` (read as ``number``, from :func:`_parsed`) is a short number (an emergency or service code)
    valid in ``region``."""
    if region is None or value.strip().startswith("+"):
        return False
    from phonenumbers import NumberParseException, shortnumberinfo

    if isinstance(number, NumberParseException):
        return False
    return bool(shortnumberinfo.is_valid_short_number_for_region(number, region))


def problem(value: str, region: str | None) -> str | None:
    """Why ``value`` is not a phone number that can be dialled, or None. ``region`` (ISO 3166 code)
    reads a number written without ``+``; the message names the rule that was checked."""
    number = _parsed(value, region)  # read once, for every question below (it was read twice)
    if _short(value, region, number):
        return None
    if not any(ch.isdigit() for ch in value):
        return "is not a phone number: it has no digits"
    if not value.strip().startswith("+") and region is None:
        return ("is not in international form; write it with + and the country code, like "
                "+43 1 234 5678, or set `country` on the document or on the contact's office")
    import phonenumbers
    from phonenumbers import NumberParseException

    if isinstance(number, NumberParseException):
        return f"is not a phone number: {_parse_reasons().get(number.error_type, number._msg)}"
    if not phonenumbers.is_valid_number(number):
        code = number.country_code or 0
        where = phonenumbers.region_code_for_country_code(code)
        plan = f"{where} (+{code})" if where not in (phonenumbers.UNKNOWN_REGION, "001") else f"+{code}"
        return f"is not a valid number in the numbering plan of {plan}"
    return None


def display(value: str, region: str | None) -> str:
    """A number in international form with its extension; a short number as written. A value that
    cannot be read (validation refuses those) is returned unchanged."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    number = _parsed(value, region)  # once, for both questions below (it was read twice)
    if _short(value, region, number):
        return value.strip()
    if isinstance(number, NumberParseException):
        return value
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def tel_uri(value: str) -> str:
    """The ``tel:`` URI of a number as :func:`display` writes it (RFC 3966: global number, extension
    as ``;ext=``); a short number as its digits."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    try:
        number = phonenumbers.parse(value, None)
    except NumberParseException:
        return "tel:" + "".join(ch for ch in value if ch.isdigit())
    return phonenumbers.format_number(number, PhoneNumberFormat.RFC3966)


#: Messengers a phone number reaches, with the web address that opens a chat in the app (on a phone,
#: the app takes the link; without the app, the page says how to get it).
APP_LINKS = {"signal": "https://signal.me/#p/{e164}", "whatsapp": "https://wa.me/{digits}"}
#: A Threema ID: eight letters, digits or *.
_THREEMA = re.compile(r"[A-Z0-9*]{8}")


def app_uri(kind: str, value: str) -> str | None:
    """The link that opens a chat with ``value`` in the messenger ``kind`` (Signal or WhatsApp by
    number, Threema by ID), or None where the value is no number or ID (a Signal username, say)."""
    if kind == "threema":
        return f"https://threema.id/{value}" if _THREEMA.fullmatch(value) else None
    if kind not in APP_LINKS or not value.strip().startswith("+") or problem(value, None):
        return None
    import phonenumbers
    from phonenumbers import PhoneNumberFormat

    e164 = phonenumbers.format_number(phonenumbers.parse(value, None), PhoneNumberFormat.E164)
    return APP_LINKS[kind].format(e164=e164, digits=e164.removeprefix("+"))


def regions(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Contact id → the region its national numbers are read in: its office's country, else the
    document's ``country``, else None (only international numbers)."""
    document = data.get("document")
    default = document.get("country") if isinstance(document, dict) else None
    offices = {o["id"]: o.get("country") for o in _list(data.get("offices"))
               if isinstance(o, dict) and isinstance(o.get("id"), str)}
    found: dict[str, str | None] = {}
    for contact in _list(data.get("contacts")):
        if isinstance(contact, dict) and isinstance(contact.get("id"), str):
            office = contact.get("office")
            region = (offices.get(office) if isinstance(office, str) else None) or default
            found[contact["id"]] = region if isinstance(region, str) and region in _supported() else None
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@cache
def _supported() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)
