"""generator/language_names.py, the English names of bare language tags that validate says without Babel, is what
Babel (CLDR) says for each: every entry, and every bare tag Babel has locale data for.

After a Babel upgrade that changes a name: ``.venv/bin/python -m tests.test_language_names`` writes the table anew.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata

from generator import language_names
from generator.translations import language_name

MODULE = Path(language_names.__file__)


def babel_name(tag: str) -> str:
    """translations.language_name's answer, from Babel itself (as it says it, without the table)."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse("en", sep="-"))
    except (ValueError, UnknownLocaleError):
        return tag
    return name or tag


def table_from_babel() -> dict[str, str]:
    """Each bare language tag Babel has locale data for (no script, no region), with its English name."""
    return {tag: babel_name(tag) for tag in sorted(localedata.locale_identifiers()) if "_" not in tag}


def test_the_table_is_what_babel_says() -> None:
    assert language_names.ENGLISH == table_from_babel(), \
        "Babel's names changed: write the table anew with .venv/bin/python -m tests.test_language_names"


def test_language_name_says_what_babel_says_for_tags_in_the_table_and_not() -> None:
    for tag in ["en", "de", "sr", "fr", "root", "sr-Latn", "en-GB", "EN", "pt-BR", "zh-Hant", "xx", "e n", ""]:
        assert language_name(tag) == babel_name(tag), tag
    assert language_name("de", shown_in="de") == "Deutsch"
    assert language_name("sr-Latn", native=True) == "srpski (latinica)"


def write() -> None:
    lines = ["# ruff: noqa: RUF001  (CLDR's names have apostrophes of their own)",
             '"""The English name of each bare language tag Babel (CLDR) has locale data for, as Babel says it: what',
             "translations.language_name answers for these without importing Babel and loading its English locale",
             "data, a tenth of `playbook validate` of the example. Written by ``python -m tests.test_language_names``,",
             'which tests/test_language_names.py checks against Babel; every other tag is named by Babel."""',
             "", "ENGLISH = {"]
    lines += [f"    {tag!r}: {name!r}," for tag, name in table_from_babel().items()]
    lines += ["}", ""]
    MODULE.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write()
    sys.stdout.write(f"wrote {MODULE}\n")
