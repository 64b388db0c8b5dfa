"""A site in the plan's languages: the plan's texts in the site's language, and one build of every language.

The site's language (``--language``, the plugin's ``language:``, else ``document.language``) chooses the
site's own words (i18n.py) and, when the plan is translated into it (``document.translations``), the plan's
texts too (translations.py: an untranslated text stays in the plan's language). ``document.site_languages``
lists the languages one ``playbook build`` makes: the first at the site's root, each other in its own folder
(``de/``, ``sr-Latn/``), every page with a switcher to the same page in the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BuildError
from .model import Playbook
from .sign import sign_folder
from .translations import in_language, language_name, lookup

if TYPE_CHECKING:  # `playbook validate` checks site_languages without importing MkDocs
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.playbook")


def plan_in_language(playbook: Playbook, tag: str) -> Playbook:
    """``playbook`` with its texts in ``tag`` when it is translated into it (by BCP 47 lookup: a site in
    ``de-AT`` reads the plan's ``de``); else as it is."""
    found = lookup(tag, [t.language for t in playbook.translations if not t.original])
    return in_language(playbook, found) if found else playbook


#: The template override that makes Material's language selector lead to the same page in each language.
SWITCHER_OVERRIDES = Path(__file__).parent / "overrides_languages"


def folder_of(tag: str, languages: tuple[str, ...]) -> str:
    """Where a language's site is, relative to the site's root: the first language at the root, ``de/``."""
    return "" if tag == languages[0] else f"{tag}/"


def add_switcher(config: MkDocsConfig, languages: tuple[str, ...], current: str) -> None:
    """Material's language selector on every page of the site in ``current``, one of ``languages``."""
    if config.extra.get("alternate"):
        log.warning("mkdocs.yml: extra.alternate is left out: the playbook's site in several languages "
                    "(document.site_languages) has its own language switcher")
    # Material's header shows its selector when extra.alternate is set; a value that is not a list keeps
    # its <link rel="alternate"> tags out, whose sitemap.xml its script would fetch (not from file://).
    config.extra["alternate"] = True
    config.extra["playbook_languages"] = {
        "current": current, "up": "../" if folder_of(current, languages) else "",
        "sites": [{"tag": tag, "folder": folder_of(tag, languages),
                   "name": _capitalised(language_name(tag, native=True))} for tag in languages]}
    dirs = config.theme.dirs
    if str(SWITCHER_OVERRIDES) not in dirs:
        dirs.insert(0, str(SWITCHER_OVERRIDES))


def build_other_languages(plugin: Any, site: Path, build_one: Callable[[str, Path], Any]) -> None:
    """After the site's first language was built into ``site`` by ``plugin``: every other language of
    ``plugin.site_languages`` into its folder, by ``build_one(tag, folder)``; then the whole site signed
    again, so its manifest lists every file of every language (each language's own folder is signed too).

    Raises:
        BuildError: a language's build failed (its message names the language).
    """
    languages: tuple[str, ...] = plugin.site_languages
    for tag in languages[1:]:
        try:
            build_one(tag, site / folder_of(tag, languages))
        except BuildError as exc:
            raise BuildError(f"the site in '{tag}' (document.site_languages): {exc}") from None
    if len(languages) > 1 and plugin.signing is not None:
        sign_folder(site, plugin.signing)


def _capitalised(name: str) -> str:
    """A language's name as a menu entry: CLDR writes some in lower case ("srpski (latinica)")."""
    return name[:1].upper() + name[1:]
