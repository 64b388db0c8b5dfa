"""The site's own words in the playbook's language: gettext catalogues, read with Babel.

The generator's words (page titles, headings, labels, the incident tools' buttons) are written in
English in the templates, the Python that makes pages and ``assets/playbook.js``, and extracted into
``locale/playbook.pot`` (``make catalogues``). Each language has ``locale/<locale>/LC_MESSAGES/playbook.po``.

The ``.po`` files are read at build time (``babel.messages.pofile.read_po``) and compiled in memory, not
shipped as compiled ``.mo`` files: the ``.po`` stays the one source, nothing compiled can fall out of step
with it, and reading the four catalogues takes milliseconds. A word a catalogue does not translate is said
in English and named in a warning (see :attr:`Language.untranslated`), never silently.

The plan's own text (roles, messages, checklists) is never translated here: its translation files give it in
other languages (translations.py, multilingual.py).
"""

from __future__ import annotations

import gettext as gnu
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup

from .durations import Duration
from .errors import PlaybookError
from .escape import Prose, markdown_text, markdown_value, prose_markdown

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "playbook"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
#: The language the generator's words are written in (the msgids): it needs no catalogue.
SOURCE = "en"
#: playbook.js, as its msgids' locations name it in the template.
SCRIPT_SOURCE = "assets/playbook.js"
#: Material's code where it is not the catalogue's language: Material names Serbian in Latin script
#: ``sh`` (partials/languages/sh.html) and in Cyrillic ``sr``.
MATERIAL_CODES = {"sr_Latn": "sh", "sr_Cyrl": "sr"}


class LanguageError(PlaybookError):
    """The language asked for has no catalogue, or is not a language tag."""


def N_(message: str) -> str:
    """Marks a word kept in a table for the catalogue; it is translated where it is used (:func:`_`)."""
    return message


@dataclass(frozen=True)
class Language:
    """A language the site can be built in: its tag as asked, its catalogue's translations, and what they lack."""

    tag: str  #: as written (``sr-Latn``)
    locale: str  #: the catalogue's folder and Babel's locale (``sr_Latn``); ``en`` for the source
    translations: gnu.NullTranslations
    #: msgids of the template the catalogue leaves untranslated (empty, fuzzy or missing): said in English
    untranslated: tuple[str, ...] = ()

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.locale)

    @property
    def bcp47(self) -> str:
        """The catalogue's language as a BCP 47 tag, for ``lang`` attributes and the browser's ``Intl``."""
        return self.locale.replace("_", "-")

    @property
    def material(self) -> str:
        """Material's ``theme.language`` for it."""
        return MATERIAL_CODES.get(self.locale, self.locale.split("_")[0])

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def missing_text(self) -> str:
        """The warning for the words said in English: names the language and every untranslated msgid."""
        listed = "; ".join(repr(message) for message in self.untranslated)
        return (f"language '{self.tag}': {len(self.untranslated)} of the site's words have no translation in "
                f"generator/locale/{self.locale}/LC_MESSAGES/{DOMAIN}.po and are shown in English: "
                f"{listed}")


def catalogue_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def available() -> list[str]:
    """The languages the site can be built in, as BCP 47 tags: English and each catalogue's."""
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE] + [locale.replace("_", "-") for locale in found]


def _locale_of(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError):
        raise LanguageError(_unknown(tag)) from None


#: A tag longer than this is cut in messages: no language tag is, and a message is one line.
SHOWN_TAG = 40


def _unknown(tag: str) -> str:
    shown = tag[:SHOWN_TAG].encode("unicode_escape").decode("ascii") + ("…" if len(tag) > SHOWN_TAG else "")
    return (f"language '{shown}': the site's words are not translated into it; languages with a catalogue: "
            f"{', '.join(available())} (see README, For translators)")


def asked_tag(tag: str | None, given_as: str) -> str | None:
    """A language tag as given (``--language``): None when not given; an empty one is refused, not taken as
    "not given" (the site would silently be in the default language).

    Raises:
        LanguageError: the tag is empty or blank.
    """
    if tag is not None and not tag.strip():
        raise LanguageError(f"{given_as} '{tag}': empty; name a language tag, one of the languages with a catalogue: "
                            f"{', '.join(available())}")
    return tag


def catalogue_locale(tag: str) -> str:
    """The catalogue folder for a BCP 47 tag: the most specific one that exists, with the script CLDR
    takes as the language's usual one where the tag names none (plain ``sr`` is Serbian in Cyrillic).
    ``en`` (any English) is the source. Raises :class:`LanguageError` when there is none."""
    locale = _locale_of(tag)
    if locale.language == SOURCE:
        return SOURCE
    likely = Locale.parse(get_global("likely_subtags").get(locale.language, locale.language))
    script = locale.script or likely.script
    candidates = [f"{locale.language}_{script}_{locale.territory}" if script and locale.territory else "",
                  f"{locale.language}_{script}" if script else "",
                  f"{locale.language}_{locale.territory}" if locale.territory else "", locale.language]
    for candidate in candidates:
        if candidate and catalogue_path(candidate).is_file():
            return candidate
    raise LanguageError(_unknown(tag))


@lru_cache(maxsize=1)
def template() -> Catalog:
    """The extracted English words (``playbook.pot``), every msgid the generator says."""
    with TEMPLATE.open("rb") as file:
        return read_po(file)


def _translated(message: Any) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


@lru_cache(maxsize=16)
def _read(locale: str, modified: float) -> tuple[Translations, tuple[str, ...]]:  # noqa: ARG001  (cache key)
    path = catalogue_path(locale)
    with path.open("rb") as file:
        catalog = read_po(file, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # leaves out empty and fuzzy entries: gettext then says the English msgid
    compiled.seek(0)
    done = {message.id if isinstance(message.id, str) else message.id[0]
            for message in catalog if message.id and _translated(message)}
    missing = tuple(message.id if isinstance(message.id, str) else message.id[0]
                    for message in template() if message.id
                    and (message.id if isinstance(message.id, str) else message.id[0]) not in done)
    return Translations(compiled, domain=DOMAIN), missing


def language(tag: str) -> Language:
    """The language for ``tag`` (``de``, ``sr-Latn``, ``sr``…) with its translations.

    Raises:
        LanguageError: no catalogue for it (the message lists the languages that have one).
    """
    locale = catalogue_locale(tag)
    if locale == SOURCE:
        return Language(tag, SOURCE, gnu.NullTranslations())
    path = catalogue_path(locale)
    translations, missing = _read(locale, path.stat().st_mtime)
    return Language(tag, locale, translations, missing)


def english(tag: str = SOURCE) -> Language:
    """English, the words as the generator writes them (for a tag with no catalogue, after a warning)."""
    return Language(tag, SOURCE, gnu.NullTranslations())


_ACTIVE: ContextVar[Language | None] = ContextVar("playbook_language", default=None)


@contextmanager
def speaking(chosen: Language) -> Iterator[Language]:
    """Pages rendered inside this say the generator's words in ``chosen`` (Python helpers included)."""
    token = _ACTIVE.set(chosen)
    try:
        yield chosen
    finally:
        _ACTIVE.reset(token)


def current() -> Language:
    return _ACTIVE.get() or english()


def _(message: str) -> str:
    """``message`` in the language pages are being rendered in (English outside :func:`speaking`)."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return current().ngettext(singular, plural, count)


def duration_words(duration: Duration, chosen: Language) -> str:
    """A duration of the plan in the language's words, with the plural form its number takes (``15 Minuten``,
    ``3 radna dana``, ``etwa 12 Stunden``, ``15-20 Minuten`` said with an en dash)."""
    def words(amount: int, unit: str, shown: str | None = None) -> str:
        forms = {
            "minutes": lambda n: chosen.ngettext("%(count)s minute", "%(count)s minutes", n),
            "hours": lambda n: chosen.ngettext("%(count)s hour", "%(count)s hours", n),
            "days": lambda n: chosen.ngettext("%(count)s day", "%(count)s days", n),
            "business days": lambda n: chosen.ngettext("%(count)s business day", "%(count)s business days", n),
            "business hours": lambda n: chosen.ngettext("%(count)s business hour", "%(count)s business hours", n),
            "weeks": lambda n: chosen.ngettext("%(count)s week", "%(count)s weeks", n),
            "months": lambda n: chosen.ngettext("%(count)s month", "%(count)s months", n),
        }
        return str(forms[unit](amount) % {"count": shown or amount})

    if duration.up_to is not None:  # the plural form of the later end: "15-20 minutes", with an en dash
        text = words(duration.up_to, duration.unit, f"{duration.amount}\u2013{duration.up_to}")
    else:
        text = words(duration.amount, duration.unit)
    hours, minutes = divmod(duration.plus_minutes, 60)
    text = " ".join([text] + [words(n, unit) for n, unit in ((hours, "hours"), (minutes, "minutes")) if n])
    return chosen.gettext("about %(duration)s") % {"duration": text} if duration.about else text


def local_value(value: Any, chosen: Language | None = None) -> Any:
    """A value as the site's language writes it: a date or a moment in the locale's form (CLDR, through Babel:
    ``02.11.2026`` in German, ``2. 11. 2026.`` in Serbian, 24-hour where the locale counts so), a duration in its
    words; English keeps the forms the plan is written in. Anything else is returned as it is."""
    import datetime as dt

    chosen = chosen or current()
    if chosen.locale == SOURCE:
        return value
    if isinstance(value, Duration):
        return duration_words(value, chosen)
    if not isinstance(value, dt.date):
        return value
    from babel.dates import format_date, format_datetime

    if isinstance(value, dt.datetime):
        return format_datetime(value, "medium", locale=chosen.babel)
    return format_date(value, "medium", locale=chosen.babel)


def page_value(value: Any) -> Markup:
    """The page templates' ``finalize``: a value in the site's language, escaped for Markdown where it lands."""
    kind = type(value)
    if kind is str or kind is Prose:  # most values: text, written alike in every language, and met again and again
        return _text_value(kind, value)
    return markdown_value(local_value(value))


@lru_cache(maxsize=16384)
def _text_value(kind: type, value: str) -> Markup:
    """A text value escaped as :func:`markdown_value` escapes it: kept by its kind too, as plain text and prose are
    not escaped alike (a Prose equals the str of the same text)."""
    return prose_markdown(value) if kind is Prose else markdown_text(value)


class Said(Markup):
    """A translated text in a page template: the generator's own words (not escaped), with the values
    put into it (``{% trans name=… %}``) escaped for Markdown, as every value is where it lands."""

    @classmethod
    def escape(cls, s: Any) -> Said:
        return cls(page_value(s))


def page_gettext(chosen: Language) -> dict[str, Any]:
    """The gettext callables for a page environment's ``install_gettext_callables`` (newstyle)."""
    def gettext(message: str) -> Said:
        return Said(chosen.gettext(message))

    def ngettext(singular: str, plural: str, count: int) -> Said:
        return Said(chosen.ngettext(singular, plural, count))

    return {"gettext": gettext, "ngettext": ngettext}


def script_strings(chosen: Language) -> dict[str, str]:
    """What playbook.js says with t(), for DATA.strings: each of its msgids the catalogue translates, translated."""
    strings: dict[str, str] = {}
    for message in _script_messages():
        if isinstance(message.id, str) and (said := chosen.gettext(message.id)) != message.id:
            strings[message.id] = said
    return strings


#: Numbers enough to meet every CLDR plural category of a language (1, 2-4, 5, 11, 21, 0.5…).
_SAMPLES = (*range(0, 112), 1000, 1001, 1002, 1005)


def script_plurals(chosen: Language) -> dict[str, dict[str, str]]:
    """What playbook.js says with tn(), for DATA.plurals: English singular → the language's text for each CLDR
    plural category (``one``, ``few``, ``other``…), which the browser picks with ``Intl.PluralRules``."""
    if chosen.locale == SOURCE:
        return {}
    plurals: dict[str, dict[str, str]] = {}
    for message in _script_messages():
        if isinstance(message.id, tuple) and message.id[0] not in chosen.untranslated:
            singular, plural = message.id[0], message.id[1]
            plurals[singular] = {chosen.babel.plural_form(n): chosen.ngettext(singular, plural, n) for n in _SAMPLES}
    return plurals


def _script_messages() -> list[Any]:
    return [message for message in template()
            if message.id and any(path.endswith(SCRIPT_SOURCE) for path, _line in message.locations)]
