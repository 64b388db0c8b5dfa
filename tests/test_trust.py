"""`playbook validate --strict` names the code a build would run from the repository, for a reviewer."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MINIMAL, invoke

MKDOCS = """site_name: x
hooks:
  - hooks/anything.py
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
plugins:
  - playbook:
      templates: overrides
"""


def test_strict_validation_names_hooks_python_tags_and_template_overrides(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    (tmp_path / "mkdocs.yml").write_text(MKDOCS)
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "home.md.j2").write_text("{{ 7 * 6 }}\n")
    (tmp_path / "overrides" / "README.md").write_text("not a template\n")
    review = "it runs with your rights on every build: review it like code"
    code, output = invoke("validate", "--strict", "--as-of", "2026-06-01", cwd=tmp_path)
    assert (code, output.splitlines()) == (0, [
        f"mkdocs.yml:2:1: notice: hooks: runs Python files from the repository; {review}",
        "mkdocs.yml:6:20: notice: tag '!!python/name:material.extensions.emoji.twemoji' makes MkDocs import and "
        f"call Python code; {review}",
        f"overrides/home.md.j2: notice: page-template override: Jinja code, not sandboxed; {review}",
        "playbook.yml: valid (0 errors, 0 warnings)",
    ])
    code, output = invoke("validate", "--strict", "--format", "github", "--as-of", "2026-06-01", cwd=tmp_path)
    assert output.startswith("::notice file=mkdocs.yml,line=2,col=1::hooks: runs Python files")
    valid = "playbook.yml: valid (0 errors, 0 warnings)\n"
    assert invoke("validate", "--as-of", "2026-06-01", cwd=tmp_path) == (0, valid)  # notices only under --strict


def test_the_example_project_runs_no_code_from_the_repository() -> None:
    notices = [line for line in invoke("validate", "--strict", "--as-of", "2026-06-01")[1].splitlines()
               if "notice:" in line and "review it like code" in line]  # the trust notices, not the plan's
    assert notices == []
