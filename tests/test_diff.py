"""`playbook diff`: what changed between two versions, as text and Markdown."""

from __future__ import annotations

import copy
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.escape import markdown_text as escape
from tests.conftest import EXAMPLE, MINIMAL, edit, invoke


def run_diff(cwd: Path, *args: str) -> tuple[int, str]:
    return invoke("diff", *args, cwd=cwd)


def changed_fixture() -> str:
    text = MINIMAL.read_text()
    text = edit(text, "value: +43 660 000 0001", "value: +43 660 000 0009")  # a phone number
    text = edit(text, "        due: 72h\n", "        due: 48h\n")  # a regulator's deadline
    text = edit(text, "Something happened:", "Something has happened:")  # a template's text
    text += "      - id: respond-brief\n        action: Brief the board.\n"  # a new checklist item
    return edit(text, "      - Drafts statements.\n", "      - Drafts statements.\n      - Approves posts.\n")


def test_each_kind_of_change_is_named_with_its_field(tmp_path: Path) -> None:
    (tmp_path / "old.yml").write_text(MINIMAL.read_text())
    (tmp_path / "new.yml").write_text(changed_fixture())
    code, output = run_diff(tmp_path, "old.yml", "new.yml")
    assert code == 0
    assert output == (
        "Changes from old.yml to new.yml:\n"
        "\n"
        "Roles\n"
        "  ~ comms-lead (Communication lead)\n"
        "      responsibilities[1]: (none) -> 'Approves posts.'\n"
        "\n"
        "Contacts\n"
        "  ~ alice (Alice Example)\n"
        "      channels[0].value: '+43 660 0000001' -> '+43 660 0000009'\n"
        "\n"
        "Regulators\n"
        "  ~ dpa (Data protection authority)\n"
        "      stages[0].clock.due.amount: 72 -> 48\n"
        "\n"
        "Message templates\n"
        "  ~ holding-statement (Holding statement)\n"
        "      body: 'Something happened: [[ what_happened ]].\\nNext update by [[ next_update ]] on {{ website }}.\\n'"
        " -> 'Something has happened: [[ what_happened ]].\\nNext update by [[ next_update ]] on {{ website }}.\\n'\n"
        "\n"
        "Checklist items\n"
        "  + respond-brief (Brief the board. (Respond))\n"
    )


def test_added_and_removed_entries(tmp_path: Path) -> None:
    text = MINIMAL.read_text()
    new = edit(text, "  - id: bob\n    name: Bob Example\n", "  - id: robert\n    name: Robert Example\n")
    new = edit(new, "approver: bob", "approver: robert")
    (tmp_path / "old.yml").write_text(text)
    (tmp_path / "new.yml").write_text(new)
    output = run_diff(tmp_path, "old.yml", "new.yml")[1]
    assert "Contacts\n  - bob (Bob Example)\n  + robert (Robert Example)\n" in output
    assert "      approver: 'bob' -> 'robert'\n" in output


def test_markdown_format(tmp_path: Path) -> None:
    (tmp_path / "old.yml").write_text(MINIMAL.read_text())
    (tmp_path / "new.yml").write_text(changed_fixture())
    output = run_diff(tmp_path, "old.yml", "new.yml", "--format", "markdown")[1]
    assert output.startswith("Changes from **old.yml** to **new.yml**.\n\n## Roles\n\n")
    assert "- **Alice Example** (`alice`) changed:\n    - channels&#91;0&#93;.value: &#39;+43 660 0000001&#39; → " \
           "&#39;+43 660 0000009&#39;\n" in output
    assert "- Added: **Brief the board. &#40;Respond&#41;** (`respond-brief`)\n" in output


def test_sides_can_be_git_revisions(tmp_path: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], cwd=tmp_path, check=True)
    subprocess.run([*git, "tag", "v1.0"], cwd=tmp_path, check=True)
    (tmp_path / "playbook.yml").write_text(changed_fixture())
    code, output = run_diff(tmp_path, "v1.0", "playbook.yml")
    assert code == 0
    assert output.startswith("Changes from v1.0:playbook.yml to playbook.yml:\n")
    assert run_diff(tmp_path, "v1.0", "v1.0") == (0, "No changes between v1.0:playbook.yml and v1.0:playbook.yml.\n")


def test_unreadable_or_invalid_side_exits_1(tmp_path: Path) -> None:
    (tmp_path / "ok.yml").write_text(MINIMAL.read_text())
    (tmp_path / "bad.yml").write_text(edit(MINIMAL.read_text(), 'version: "1.0"', "version: 1.0"))
    assert run_diff(tmp_path, "ok.yml", "bad.yml") == (
        1, "bad.yml:5:3: document.version: expected text, got the number 1.0; put it in quotes\n")
    code, output = run_diff(tmp_path, "ok.yml", "no-such-thing")
    assert (code, output) == (1, "no-such-thing: neither a file nor a git revision with a playbook.yml\n")


def test_site_shows_what_changed_since_the_previous_version_tag(tmp_path: Path) -> None:
    from generator.build import build
    from tests.conftest import copy_example

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    config = copy_example(tmp_path)
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', 'version: "3.0"   '))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "3.0"], cwd=tmp_path, check=True)
    assert not (build(config).site / "changes.html").exists()  # no tag yet: no page
    subprocess.run([*git, "tag", "v3.0"], cwd=tmp_path, check=True)
    text = edit(playbook.read_text(), 'version: "3.0"   ', 'version: "3.1"   ')
    playbook.write_text(edit(text, "+43 660 555 0104", "+43 660 555 0199"))
    page = (build(config).site / "changes.html").read_text()
    assert "What is different in this version from version 3.0 (git tag <code>v3.0</code>)" in page
    assert "+43 660 5550104" in page and "+43 660 5550199" in page


def _plain_text(rules: dict[str, Any]) -> bool:
    """A free-text field: changing it keeps the playbook's references and forms intact."""
    return (rules.get("type") == "string" and not rules.get("meta", {}).get("ref")
            and not {"check_with", "allowed", "regex"} & set(rules))


def _change_one_value(data: dict[str, Any], path: tuple[str, ...]) -> str:
    """Change the first free-text value of the first entry at ``path`` (or of the mapping); the new text."""
    from generator import schema as S

    if path[0] == "values":
        name = next(iter(data["values"]))
        data["values"][name] += " (changed)"
        return data["values"][name]
    entity = S.ENTITY.get(next((e.kind for e in S.ENTITIES if e.path == path), ""))
    entry, rules = data[path[0]], S.PLAYBOOK[path[0]]
    if entity is not None:
        entry, rules = entry[0], entity.fields
        if entity.within:
            entry = entry[path[1]][0]
    else:
        rules = rules["schema"]
    name = next(k for k, r in rules.items() if k in entry and _plain_text(r) and k != getattr(entity, "id_field", ""))
    entry[name] += " (changed)"
    return str(entry[name])


def _paths() -> list[tuple[str, ...]]:
    from generator import schema as S

    # Not `format`: within one format it has one allowed value (an older file is migrated before it is compared).
    return [(section,) for section in S.PLAYBOOK if section not in S.SECTION and section != "format"] + \
        [e.path for e in S.ENTITIES]


@pytest.mark.parametrize("path", _paths(), ids=".".join)
def test_a_change_in_any_section_shows_in_the_diff_and_on_the_what_changed_page(tmp_path: Path,
                                                                                  path: tuple[str, ...]) -> None:
    from generator import schema as S
    from generator.diff import previous_version
    from generator.load import load
    from generator.model import build_model
    from generator.sitepages import changes_page

    data = copy.deepcopy(load(EXAMPLE).data)
    new_text = _change_one_value(data, path)
    (tmp_path / "old.yml").write_text(EXAMPLE.read_text())
    (tmp_path / "new.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    code, output = run_diff(tmp_path, "old.yml", "new.yml")
    heading = next((e.label for e in S.ENTITIES if e.path == path), None) or S.SECTION_LABELS[path[-1]]
    assert code == 0
    assert f"\n{heading}\n" in output and repr(new_text) in output, output
    project = _tagged_repository(tmp_path)
    new = build_model(data)
    newer = replace(new, document=replace(new.document, version="9.9"))
    previous = previous_version(newer, project / "playbook.yml")
    assert previous is not None
    page = changes_page(newer, previous, project / "templates")
    assert f"## {heading}\n" in page.markdown
    assert escape(repr(new_text)) in page.markdown


def _tagged_repository(tmp_path: Path) -> Path:
    """A git checkout of the example, tagged v1."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "playbook.yml").write_text(EXAMPLE.read_text())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.test"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], cwd=project, check=True)
    subprocess.run([*git, "tag", "v1"], cwd=project, check=True)
    return project
