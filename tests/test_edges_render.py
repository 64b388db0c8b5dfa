"""Edges of generator/render.py that the mutation run found unpinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import open_playbook
from generator.errors import RenderError
from generator.render import fill_values, render_pages
from tests.conftest import MINIMAL


def test_filling_values_keeps_the_texts_last_line_break() -> None:
    playbook = open_playbook(MINIMAL).playbook
    assert fill_values("Visit {{ website }}.\n", playbook) == "Visit https://example.test.\n"


def test_a_text_with_only_a_statement_tag_is_still_read_as_template_syntax() -> None:
    # Validation refuses '{%' in message text; if one reaches the filling anyway, it fails loudly
    # (the second fence) instead of being passed through as if it were plain text.
    playbook = open_playbook(MINIMAL).playbook
    with pytest.raises(RenderError, match=r"^message text could not be filled: "):
        fill_values("Save 50 {% off", playbook)


def test_an_error_in_a_user_template_names_its_file_by_full_path(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "phase.md.j2").write_text("# {{ phase.name }}\n\n{{ phase.nmae }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_pages(open_playbook(MINIMAL).playbook, templates)
    assert str(caught.value) == (f"{templates / 'phase.md.j2'}:3: UndefinedError: 'generator.model.Phase object' "
                                 "has no attribute 'nmae' (while rendering phase 'respond')")
