"""`playbook diff`: what changed between two versions, as text and Markdown."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import MINIMAL, edit, invoke


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
        "      channels[0].value: '+43 660 000 0001' -> '+43 660 000 0009'\n"
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
    assert "- **Alice Example** (`alice`) changed:\n    - channels&#91;0&#93;.value: &#39;+43 660 000 0001&#39; → " \
           "&#39;+43 660 000 0009&#39;\n" in output
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
        1, "bad.yml:4:3: document.version: expected text, got the number 1.0; put it in quotes\n")
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
    assert "+43 660 555 0104" in page and "+43 660 555 0199" in page
