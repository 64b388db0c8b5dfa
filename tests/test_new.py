"""`playbook new`: a new playbook repository that validates and builds at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import __version__, check
from generator.build import build
from generator.cli import cli


def run_new(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["new", *args])
    return result.exit_code, result.output


@pytest.mark.slow
def test_new_playbook_validates_strictly_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "zavod"
    code, output = run_new(str(target), "--organisation", "Zavod Čačak", "--tz", "Europe/Belgrade")
    assert code == 0, output
    # This environment has the tool installed from a checkout, not from git: it cannot pin CI to a commit.
    assert output == (f"Created {target} with 9 files. Next:\n  cd {target} && playbook validate && playbook build\n"
                      "Before CI can run: this tool was not installed from git, so the CI files do not say which "
                      "commit to install; set PLAYBOOK_TOOL_COMMIT (and PLAYBOOK_TOOL_REPOSITORY) in "
                      ".github/workflows/playbook.yml or .gitlab-ci.yml (README, CI).\n")
    workflow = (target / ".github" / "workflows" / "playbook.yml").read_text(encoding="utf-8")
    assert '  PLAYBOOK_TOOL_COMMIT: ""\n' in workflow and f'  PLAYBOOK_TOOL_TAG: "v{__version__}"\n' in workflow
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        ".github/workflows/playbook.yml", ".gitignore", ".gitlab-ci.yml", ".pre-commit-config.yaml",
        "content/about.md", "mkdocs.yml", "playbook.schema.json", "playbook.yml", "templates/README.md",
    ]
    assert check(target / "playbook.yml") == []  # no errors and no readiness warnings
    assert "*.private.yml" in (target / ".gitignore").read_text()
    old = Path.cwd()
    os.chdir(target)
    try:
        built = build(target / "mkdocs.yml", strict=True)
    finally:
        os.chdir(old)
    assert built.bundle.name == "zavod-cacak-0-1-offline.zip"
    assert "Zavod Čačak" in (built.site / "index.html").read_text()


def test_new_refuses_a_folder_with_something_in_it(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert run_new(str(tmp_path)) == (1, f"{tmp_path}: already exists and is not empty; choose a new folder\n")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_new_checks_the_time_zone(tmp_path: Path) -> None:
    code, output = run_new(str(tmp_path / "x"), "--tz", "Mars/Olympus")
    assert code == 2
    assert "unknown time zone 'Mars/Olympus'" in output
    assert not (tmp_path / "x").exists()


HOSTILE_NAMES = ["AT&T: Telecom", "#1 Bank", "- Dash Ltd", "'Quote\" & Co'", "yes", "{{ organisation }}", "x\ny",
                 "*alias &anchor !tag", "? key", "|pipe", ">fold", "%TAG", "`tick`", "</title><script>x()</script>"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_new_writes_any_organisation_name_as_one_yaml_string(tmp_path: Path, name: str) -> None:
    import yaml

    target = tmp_path / "new"
    assert run_new(str(target), "--organisation", name)[0] == 0
    assert yaml.safe_load((target / "playbook.yml").read_text())["document"]["organisation"] == name
    assert yaml.safe_load((target / "mkdocs.yml").read_text().split("\ntheme:")[0])["site_name"] == (
        f"{name} crisis playbook")
    assert check(target / "playbook.yml") == []


def test_new_refuses_a_name_the_format_refuses_before_writing(tmp_path: Path) -> None:
    assert run_new(str(tmp_path / "x"), "--organisation", "") == (1, (
        "the new playbook would not be valid with these values:\n"
        "playbook.yml:13:3: document.organisation: is empty; fill it in or remove the key\n"))
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_a_hostile_organisation_name_is_text_in_the_built_site(tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert run_new(str(target), "--organisation", HOSTILE_NAMES[-1])[0] == 0
    old = Path.cwd()
    os.chdir(target)
    try:
        site = build(target / "mkdocs.yml", strict=True).site
    finally:
        os.chdir(old)
    html = (site / "index.html").read_text()
    assert "<script>x()" not in html
    assert "<title>&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; crisis playbook</title>" in html


def test_ci_files_are_pinned_to_where_the_tool_came_from() -> None:
    from generator.commands.new import pin_ci

    template = "env:\n  PLAYBOOK_TOOL_REPOSITORY: https://x.example/a.git\n  PLAYBOOK_TOOL_COMMIT: \"\"\n  OTHER: 1\n"
    pin = {"PLAYBOOK_TOOL_REPOSITORY": "file:///srv/tool", "PLAYBOOK_TOOL_COMMIT": "ab" * 20}
    assert pin_ci(template, pin) == (f'env:\n  PLAYBOOK_TOOL_REPOSITORY: "file:///srv/tool"\n'
                                     f'  PLAYBOOK_TOOL_COMMIT: "{"ab" * 20}"\n  OTHER: 1\n')
