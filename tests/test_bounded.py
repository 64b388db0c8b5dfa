"""Bounded time on any input (issue 20): ceilings, the cap on printed problems, and the largest hostile
input of each class validated in a subprocess under a timeout, so quadratic work fails the suite."""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import hostile
from generator.errors import SHOWN_PROBLEMS, LoadError, Problem, shown
from generator.load import MAX_ENTRIES, MAX_TEXT, load_text
from generator.validate import SUGGEST_FIRST
from tests.test_cli import AS_OF, run

ROOT = Path(__file__).resolve().parent.parent
load_module = sys.modules["generator.load"]  # the module, not generator.load()


def _refusal(text: str) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_text(text)
    return [str(p) for p in caught.value.problems]


def test_a_value_over_the_text_limit_is_refused_with_its_place() -> None:
    text = f"document:\n  title: {'x' * (MAX_TEXT + 1)}\n"
    assert _refusal(text) == [
        "playbook.yml:2:10: document.title: 20,001 characters of text; the limit is 20,000 "
        "(shorten it, or link to a longer document)"
    ]
    load_text(f"document:\n  title: {'x' * MAX_TEXT}\n")  # the limit itself is fine
    load_text(f"document:\n  ? {'k' * MAX_TEXT}\n  : 1\n")  # for a key too


def test_a_key_over_the_text_limit_is_refused() -> None:
    assert _refusal(f"document:\n  ? {'k' * (MAX_TEXT + 1)}\n  : 1\n") == [
        "playbook.yml:2:5: document: a key of 20,001 characters of text; the limit is 20,000 "
        "(shorten it, or link to a longer document)"
    ]


def test_a_list_or_mapping_over_the_entries_limit_is_refused() -> None:
    items = "".join(f"  - x{i}\n" for i in range(MAX_ENTRIES + 1))
    assert _refusal(f"glossary:\n{items}") == [
        "playbook.yml:2:3: glossary: 5,001 items in a list; the limit is 5,000"
    ]
    keys = "".join(f"  k{i}: 1\n" for i in range(MAX_ENTRIES + 1))
    assert _refusal(f"values:\n{keys}") == ["playbook.yml:2:3: values: 5,001 keys in a mapping; the limit is 5,000"]


def test_too_many_values_are_refused_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "MAX_NODES", 10)
    assert _refusal("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n") == [
        "playbook.yml:1:26: more than 10 values in one file; the limit is 10 (a playbook needs far fewer)"
    ]


def test_positions_deeper_than_any_rule_are_not_kept() -> None:
    source = load_text("a: " + "[" * 20 + "1" + "]" * 20 + "\n")
    assert max(len(path) for path in source.positions) == load_module.POSITIONS_DEPTH
    assert source.position(("a",) + (0,) * 19) == source.position(("a",) + (0,) * 11)


def _problems(count: int) -> list[Problem]:
    return [Problem("p.yml", i + 1, 3, f"document.k{i}", f"unknown key 'k{i}'") for i in range(count)] + [
        Problem("p.yml", count + 1, 1, "roles[0]", "role 'x' has no deputy", "warning")
    ]


def test_only_the_first_problems_are_printed_the_rest_counted_by_kind() -> None:
    printed = shown(_problems(SHOWN_PROBLEMS + 5))
    assert [p.line for p in printed.problems] == list(range(1, SHOWN_PROBLEMS + 1))
    assert printed.more == 6
    assert printed.summary == "… and 6 more problems of these kinds: unknown key '…' (5), role '…' has no deputy (1)"
    assert shown(_problems(3)).summary == ""


def _many_unknown_keys(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "playbook.yml"
    # Without the example's translations, whose notices would join the count of what is left out.
    text = re.sub(r"\n  translations: .*", "", hostile.unknown_keys(count))
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_prints_the_cap_and_keeps_the_exit_status(tmp_path: Path) -> None:
    path = _many_unknown_keys(tmp_path, SHOWN_PROBLEMS + 50)  # 250 errors, and the example's accepted exception
    code, output = run("validate", str(path), *AS_OF)
    lines = output.splitlines()
    assert code == 1
    assert len(lines) == SHOWN_PROBLEMS + 2
    assert lines[-2] == "… and 51 more problems of these kinds: unknown key '…' (51)"  # the notice is shown
    assert lines[-1] == f"{path}: invalid ({SHOWN_PROBLEMS + 50} errors, 0 warnings)"
    code, output = run("validate", str(path), "--format", "json", *AS_OF)
    report = json.loads(output)
    assert code == 1
    assert (len(report["problems"]), report["errors"], report["more"]) == (SHOWN_PROBLEMS, SHOWN_PROBLEMS + 50, 51)
    assert report["more_by_kind"] == {"unknown key '…'": 51}
    code, output = run("validate", str(path), "--format", "github", *AS_OF)
    assert code == 1
    assert output.splitlines()[-2] == (
        f"::notice file={path}::… and 51 more problems of these kinds: unknown key '…' (51)"
    )


def test_did_you_mean_for_the_first_of_a_kind_only(tmp_path: Path) -> None:
    path = _many_unknown_keys(tmp_path, 0)
    typos = "".join(f"  titel{i}: x\n" for i in range(SUGGEST_FIRST + 5))
    path.write_text(path.read_text().replace("  title: Cyber", typos + "  title: Cyber"))
    output = run("validate", str(path), *AS_OF)[1]
    assert "unknown key 'titel0' (did you mean 'title'?)" in output
    assert output.count("(did you mean 'title'?)") == SUGGEST_FIRST
    assert output.count("unknown key 'titel") == SUGGEST_FIRST + 5


#: Wall-clock seconds each of the largest hostile inputs may take, generous for a 2-core machine
#: shared by several jobs, and CPU seconds it may use: they use one to five; the quadratic code
#: they replace used minutes to hours.
TIMEOUT = 120
CPU_SECONDS = 20


@pytest.mark.slow
@pytest.mark.parametrize("name", [c.name for c in hostile.CLASSES])
def test_largest_hostile_input_of_each_class_validates_in_bounded_time(tmp_path: Path, name: str) -> None:
    input_class = hostile.BY_NAME[name]
    path = tmp_path / "playbook.yml"
    path.write_text(input_class.make(hostile.top_count(input_class)), encoding="utf-8")
    assert path.stat().st_size > hostile.LIMIT * 0.9
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "generator", "validate", str(path)], capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) <= SHOWN_PROBLEMS + 2
    assert (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) < CPU_SECONDS
