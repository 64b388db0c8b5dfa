"""Generated Markdown of the small fixture playbook, compared with committed files.

After an intended change, regenerate them with `make golden` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

from generator import open_playbook
from generator.render import render_pages
from tests.conftest import MINIMAL, TODAY

GOLDEN = Path(__file__).parent / "golden" / "minimal"


def test_generated_markdown_matches_the_golden_files(update_golden: bool) -> None:
    pages = render_pages(open_playbook(MINIMAL, strict=True, today=TODAY).playbook)
    rendered = {page.path: page.markdown for page in pages}
    if update_golden:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for path, markdown in rendered.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(markdown, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(rendered) == sorted(expected), "pages were added or removed; run `make golden`"
    for path, markdown in rendered.items():
        assert markdown == expected[path], f"{path} differs from tests/golden/minimal/{path}; run `make golden`"
