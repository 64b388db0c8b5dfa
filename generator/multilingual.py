"""A site in the plan's languages: the plan's texts in the site's language, and one build of every language.

The site's language (``--language``, the plugin's ``language:``, else ``document.language``) chooses the
site's own words (i18n.py) and, when the plan is translated into it (``document.translations``), the plan's
texts too (translations.py: an untranslated text stays in the plan's language). ``document.site_languages``
lists the languages one ``playbook build`` makes: the first at the site's root, each other in its own folder
(``de/``, ``sr-Latn/``), every page with a switcher to the same page in the others.
"""

from __future__ import annotations

from .model import Playbook
from .translations import in_language


def plan_in_language(playbook: Playbook, tag: str) -> Playbook:
    """``playbook`` with its texts in ``tag`` when it is translated into it; else as it is."""
    translated = {t.language.lower(): t.language for t in playbook.translations if not t.original}
    found = translated.get(tag.lower())
    return in_language(playbook, found) if found else playbook
