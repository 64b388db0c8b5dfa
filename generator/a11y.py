"""Accessibility repairs the generator makes to markup it does not write itself.

- pymdownx.tasklist draws each tick box as ``<label><input type="checkbox"><span></span></label>``
  followed by the item's text, so the box has no accessible name (WCAG 4.1.2, axe rule ``label``):
  a screen reader says only "checkbox, not checked". :func:`label_task_boxes` names each box after
  the first line of its item (up to the first line break or sub-list).
- Zensical writes the colour-scheme switch even for the one scheme a mapping names (Material leaves it out),
  as a radio button hidden from screen readers (``aria-hidden="true"``) that Tab still reaches at a phone's
  width (axe rule ``aria-hidden-focus``): :func:`untab_hidden_palette` takes it out of the tab order.
- Material's search dialog has ``role="dialog"`` and no name: :data:`THEME_OVERRIDES` holds the one
  partial that adds it, put in front of Material's templates (a ``custom_dir`` of the site still wins).
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape

#: Theme partials the plugin puts in front of Material's own.
THEME_OVERRIDES = Path(__file__).parent / "overrides"

#: A task-list item as pymdownx.tasklist writes it (custom_checkbox or not): its tick box comes
#: first, then the item's text; the name is the text up to the first line break, paragraph or list.
_TASK_BOX = re.compile(
    r'(?P<start><li class="[^"]*\btask-list-item\b[^"]*">(?:<p>)?(?:<label class="task-list-control">)?)'
    r'<input type="checkbox"(?P<attributes>[^>]*?)\s*/?>'
    r'(?P<indicator><span class="task-list-indicator"></span></label>)?'
    r'(?P<text>.*?)(?=<br\s*/?>|</li>|</p>|<ul|<ol|<div)',
    re.DOTALL,
)


def _named(match: re.Match[str]) -> str:
    name = " ".join(Markup(match["text"]).striptags().split())  # tags out, entities resolved
    if not name or "aria-label" in match["attributes"]:
        return match[0]
    return (f'{match["start"]}<input type="checkbox"{match["attributes"]} aria-label="{escape(name)}"/>'
            f'{match["indicator"] or ""}{match["text"]}')


def label_task_boxes(html: str) -> str:
    """``html`` with every task-list tick box named after the text of its item's first line."""
    return _TASK_BOX.sub(_named, html) if "task-list-item" in html else html


#: Zensical's colour-scheme option: a radio button named ``__palette``, hidden from screen readers.
_HIDDEN_PALETTE = re.compile(r'<input\b(?=[^>]*\bname="__palette")(?=[^>]*\baria-hidden="true")(?![^>]*\btabindex=)')


def untab_hidden_palette(html: str) -> str:
    """``html`` with every colour-scheme option that screen readers do not see out of the tab order too."""
    return _HIDDEN_PALETTE.sub('<input tabindex="-1"', html) if "__palette" in html else html
