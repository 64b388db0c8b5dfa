"""The `playbook` command: exit codes and exact output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator
from generator.cli import cli
from tests.conftest import MINIMAL, ROOT, edit, invoke

AS_OF = ["--as-of", "2026-06-01"]


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    return invoke(*args, cwd=cwd)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    text = edit(MINIMAL.read_text(), "owner: comms-lead\n    description", "owner: pr-lead\n    description")
    text = edit(text, 'version: "1.0"', "version: 1.0")
    path = tmp_path / "broken.yml"
    path.write_text(text)
    return path


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.yml"
    path.write_text(edit(MINIMAL.read_text(), "    fills:\n      - {role: comms-lead, as: deputy, rank: 1}\n", ""))
    return path


def test_valid_playbook_exits_0() -> None:
    assert run("validate", str(MINIMAL), *AS_OF) == (0, f"{MINIMAL}: valid (0 errors, 0 warnings)\n")


def test_default_path_is_playbook_yml_in_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text(MINIMAL.read_text())
    assert run("validate", *AS_OF, cwd=tmp_path) == (0, "playbook.yml: valid (0 errors, 0 warnings)\n")


def test_invalid_playbook_exits_1_with_every_problem(broken: Path) -> None:
    code, output = run("validate", str(broken), *AS_OF)
    assert code == 1
    assert output == (
        f"{broken}:5:3: document.version: expected text, got the number 1.0; put it in quotes\n"
        f"{broken}:54:5: audiences[0].owner: unknown role 'pr-lead'; known: comms-lead\n"
        f"{broken}: invalid (2 errors, 0 warnings)\n"
    )


def test_warnings_pass_unless_strict(warned: Path) -> None:
    warning = (f"{warned}:21:5: roles[0]: warning: role 'comms-lead' has no deputy; name one so the role is "
               "covered when the primary cannot be reached; readiness rule 'role-has-a-deputy'\n")
    assert run("validate", str(warned), *AS_OF) == (0, warning + f"{warned}: valid (0 errors, 1 warning)\n")
    assert run("validate", str(warned), "--strict", *AS_OF) == (
        1, warning + f"{warned}: invalid (0 errors, 1 warning)\n"
    )


def test_json_format_lists_problems(broken: Path) -> None:
    code, output = run("validate", str(broken), "--format", "json", *AS_OF)
    assert code == 1
    report = json.loads(output)
    assert report["valid"] is False
    assert report["problems"][1] == {
        "file": str(broken), "line": 54, "column": 5, "path": "audiences[0].owner",
        "severity": "error", "message": "unknown role 'pr-lead'", "hint": "known: comms-lead",
    }


def test_github_format_prints_annotations(broken: Path, warned: Path) -> None:
    code, output = run("validate", str(broken), "--format", "github", *AS_OF)
    assert code == 1
    assert output.splitlines()[1] == (
        f"::error file={broken},line=54,col=5,title=audiences[0].owner::unknown role 'pr-lead'; known: comms-lead"
    )
    code, output = run("validate", str(warned), "--format", "github", *AS_OF)
    assert code == 0
    assert output.startswith(f"::warning file={warned},line=21,col=5,title=roles[0]::role 'comms-lead' has no deputy")


def test_file_level_problem_in_github_format_has_no_line(tmp_path: Path) -> None:
    (tmp_path / "playbook.yml").write_text("")
    code, output = run("validate", "--format", "github", cwd=tmp_path)
    assert code == 1
    assert output.splitlines()[0] == (
        "::error file=playbook.yml::the file is empty; a playbook is a YAML mapping that starts with 'document:'"
    )


def test_missing_file_exits_1(tmp_path: Path) -> None:
    assert run("validate", "nope.yml", cwd=tmp_path) == (
        1, "nope.yml: no such file\nnope.yml: invalid (1 error, 0 warnings)\n"
    )


def test_version() -> None:
    from importlib.metadata import version

    import tzdata

    from generator.versions import zone_data_in_use

    assert run("--version") == (0, f"playbook {generator.__version__}\nformat 2\n"
                                   f"tzdata {version('tzdata')} (IANA {tzdata.IANA_VERSION})\n"
                                   f"time zones in use: {zone_data_in_use()}\nholidays {version('holidays')}\n")


def test_internal_error_is_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(generator, "check", explode)
    result = CliRunner().invoke(cli, ["validate", str(MINIMAL)])
    assert result.exit_code == 1
    assert result.output == (
        "internal error: RuntimeError: boom\n"
        "This is a bug in the playbook tool; run again with --debug and report the output.\n"
    )
    assert isinstance(CliRunner().invoke(cli, ["--debug", "validate", str(MINIMAL)]).exception, RuntimeError)


HOSTILE = {
    "python-tag.yml": b"document: !!python/object/apply:os.system ['echo hacked']\n",
    "duplicate-key.yml": b"document: {}\ndocument: {}\n",
    "alias-bomb.yml": b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
    "not-utf8.yml": "document:\n  title: Gr\u00fc\u00dfe\n".encode("cp1252"),
    "binary.yml": bytes(range(256)),
    "empty.yml": b"",
    "list.yml": b"- document\n",
    "scalar.yml": b"42\n",
    "two-documents.yml": b"document: {}\n---\nroles: []\n",
    "deep.yml": b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "syntax.yml": b"document:\n  title: [unclosed\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gets_one_clear_message_from_the_real_command(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", name], cwd=tmp_path,
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{name}:")
    assert lines[1] == f"{name}: invalid (1 error, 0 warnings)"


def test_several_paths_are_each_reported_and_any_failure_exits_1(broken: Path, warned: Path) -> None:
    code, output = run("validate", str(MINIMAL), str(broken), str(warned), *AS_OF)
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == f"{MINIMAL}: valid (0 errors, 0 warnings)"
    assert f"{broken}: invalid (2 errors, 0 warnings)" in lines
    assert lines[-1] == f"{warned}: valid (0 errors, 1 warning)"
    assert run("validate", str(MINIMAL), str(warned), *AS_OF)[0] == 0
    assert run("validate", str(MINIMAL), str(warned), "--strict", *AS_OF)[0] == 1


def test_several_paths_as_json_are_a_list_of_reports(broken: Path) -> None:
    code, output = run("validate", str(MINIMAL), str(broken), "--format", "json", *AS_OF)
    assert code == 1
    reports = json.loads(output)
    assert [(r["file"], r["valid"], len(r["problems"])) for r in reports] == [(str(MINIMAL), True, 0),
                                                                               (str(broken), False, 2)]


def test_private_file_goes_with_one_path_only(broken: Path, tmp_path: Path) -> None:
    code, output = run("validate", str(MINIMAL), str(broken), "--private", str(tmp_path / "p.yml"))
    assert code == 2
    assert "--private belongs to one playbook; give one PATH with it" in output


def test_validate_loads_neither_mkdocs_nor_the_model_nor_the_signing_code() -> None:
    """`playbook validate` runs on every save (pre-commit, the editor): it imports only what checking needs
    (not logging, which only the commands that run MkDocs set up, nor difflib, which only suggests names for
    wrong ones)."""
    probe = ("import sys\nfrom generator.cli import cli\n"
             "try:\n    cli(['validate', 'playbook.yml', '--as-of', '2026-06-01'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('mkdocs', 'material', 'generator.model', 'generator.sign', 'generator.render',"
             " 'logging', 'difflib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("collecting", [True, False])
def test_validate_leaves_the_cycle_collector_as_it_found_it(broken: Path, collecting: bool) -> None:
    """`playbook validate` turns the collector off while it checks; a caller in the same process (a test, a
    tool) finds it as before, also when the playbook is invalid and the command exits 1."""
    import gc

    (gc.enable if collecting else gc.disable)()
    try:
        assert run("validate", str(MINIMAL), *AS_OF)[0] == 0
        assert gc.isenabled() is collecting
        assert run("validate", str(broken), *AS_OF)[0] == 1
        assert gc.isenabled() is collecting
    finally:
        gc.enable()


def test_the_command_as_a_process_ends_without_a_last_full_collection() -> None:
    """Run as a process of its own (main), `playbook` freezes what is alive when its command has ended, so
    Python's exit does not walk all of it once more; callers of `cli` in their own process find nothing frozen."""
    import gc

    probe = ("import gc, sys\nfrom generator.cli import main\n"
             "sys.argv = ['playbook', 'validate', 'playbook.yml', '--as-of', '2026-06-01']\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    print(exc.code, gc.get_freeze_count() > 10_000)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-2:] == ["playbook.yml: valid (0 errors, 0 warnings)", "0 True"]
    assert run("validate", str(MINIMAL), *AS_OF)[0] == 0
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("written", "loaded"), [
    ("{type: mobile, value: +43 660 000 0001}", ["phonenumbers"]),
    ("{type: email, value: alice@example.test}", ["email_validator"]),
    ("{type: pager, value: '4711'}", []),
])
def test_validate_imports_the_number_and_address_libraries_only_for_a_playbook_with_one(
        tmp_path: Path, written: str, loaded: list[str]) -> None:
    """phonenumbers and email-validator take a tenth of `playbook validate` to import: a playbook with no phone
    number (or no e-mail address) to check, one whose contacts are all in contacts.private.yml say, skips them."""
    text = edit(MINIMAL.read_text(), "      - {type: mobile, value: +43 660 000 0001}\n", f"      - {written}\n")
    text = edit(text, "      - {type: email, value: bob@example.test}\n", "      - {type: radio, value: Channel 4}\n")
    (tmp_path / "playbook.yml").write_text(text)
    probe = ("import sys\nfrom generator.cli import cli\n"
             "try:\n    cli(['validate', 'playbook.yml', '--as-of', '2026-06-01'])\nexcept SystemExit as exit:\n"
             "    print(exit.code)\n"
             "print(sorted(m for m in ('phonenumbers', 'email_validator') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-2:] == ["0", str(loaded)]


@pytest.mark.parametrize(("command", "default"), [
    ("build", "as in mkdocs.yml, else internal"),
    ("pdf", "as in mkdocs.yml, else internal"),
    ("exercise", "as in mkdocs.yml, else internal"),
    ("publish", "public; 'internal' is refused: a branch is served to whoever reaches the site"),
])
def test_every_command_describes_edition_in_the_same_words_and_says_its_default(command: str, default: str) -> None:
    code, output = run(command, "--help")
    assert code == 0, output
    option = " ".join(output.split("--edition [internal|public]", 1)[1].split("\n  -", 1)[0].split())
    assert option == f"public: leave out private contact details (default: {default})."
