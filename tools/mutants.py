"""Mutation run: does the fast test suite notice when the code is subtly wrong?

`make mutants` (or `python tools/mutants.py [--per-module N] [module ...]`). Not part of `make test`.

For each module it lists every single-line mutant of a few classic kinds — a comparison flipped
(``<`` → ``<=``, ``==`` → ``!=``, ``in`` → ``not in``), ``and`` ↔ ``or``, a ``not`` dropped, a number
off by one, ``True`` ↔ ``False``, ``+`` ↔ ``-`` — and takes N of them evenly spread over the file (the
selection depends only on the source, never on the results). Each mutant is written into a scratch
copy of the project and the fast suite without its browser tests (``pytest -m "not slow and not browser"
-x``) runs against it, the module's own test files first; a mutant is *killed* when a test fails (or
the run exceeds its time limit). The score per module is printed, with every surviving mutant, so a
survivor can be read and either answered with a test or recognised as equivalent (it cannot change
behaviour).

To keep the run short, the fast suite first runs once under coverage, recording which test executes
which line; each mutant then runs only the tests that execute its line (a test that never runs a line
cannot notice a change to it). Lines run at import time, or by no test, get the whole fast suite.
Needs ``coverage`` (the make target installs it).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Module → its own test files, run first so that most mutants are killed within seconds.
MODULES = {
    "validate": ["tests/test_validate.py", "tests/test_hostile.py", "tests/test_bounded.py"],
    "deadlines": ["tests/test_deadlines.py"],
    "diff": ["tests/test_diff.py"],
    "load": ["tests/test_load.py", "tests/test_reads.py", "tests/test_hostile.py"],
    "render": ["tests/test_golden.py", "tests/test_escape.py", "tests/test_hostile.py"],
}
PER_MODULE = 20
#: The tests a mutant runs against: the fast suite without its browser tests (`pytest -m "not slow"` less
#: Chromium), so a run takes seconds per mutant. Stricter, not looser: what these kill, the fast suite kills.
SUITE = "not slow and not browser"
TIME_LIMIT = 600  # seconds for one run of the fast suite; longer counts as killed (a loop that never ends)

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int  # 1-based
    original: str  # the whole line
    mutated: str  # the whole line, changed

    def describe(self) -> str:
        return f"generator/{self.module}.py:{self.line}: {self.original.strip()}  →  {self.mutated.strip()}"


def _variants(node: ast.AST) -> Iterator[ast.AST]:
    """Mutated copies of ``node`` (one change each)."""
    if isinstance(node, ast.Compare) and type(node.ops[0]) in _COMPARE_SWAPS:
        yield ast.Compare(node.left, [_COMPARE_SWAPS[type(node.ops[0])](), *node.ops[1:]], node.comparators)
    elif isinstance(node, ast.BoolOp):
        yield ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield node.operand
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield ast.Constant(node.value + 1)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) \
            and not any(isinstance(side, ast.Constant) and isinstance(side.value, str)
                        for side in (node.left, node.right)):
        yield ast.BinOp(node.left, ast.Sub() if isinstance(node.op, ast.Add) else ast.Add(), node.right)


def candidates(module: str) -> list[Mutant]:
    """Every single-line mutant of the module, in source order (docstrings and constants' text untouched)."""
    source = (ROOT / "generator" / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    found: dict[tuple[int, str], Mutant] = {}
    for node in ast.walk(ast.parse(source)):
        if not hasattr(node, "lineno") or node.lineno != getattr(node, "end_lineno", None):
            continue
        line = lines[node.lineno - 1]
        if line.lstrip().startswith(("#", "@")) or "# no mutation" in line:
            continue
        segment = line.encode()[node.col_offset:node.end_col_offset].decode()
        for variant in _variants(node):
            text = ast.unparse(variant)
            if isinstance(node, ast.Compare | ast.BoolOp | ast.BinOp) and segment.startswith("("):
                text = f"({text})"
            mutated = line.encode()[:node.col_offset].decode() + text + line.encode()[node.end_col_offset:].decode()
            if mutated != line:
                found.setdefault((node.lineno, mutated), Mutant(module, node.lineno, line, mutated))
    return sorted(found.values(), key=lambda m: (m.line, m.mutated))


def chosen(module: str, count: int) -> list[Mutant]:
    """``count`` mutants spread evenly over the module (all of them when there are fewer)."""
    every = candidates(module)
    if len(every) <= count:
        return every
    return [every[i * len(every) // count] for i in range(count)]


def _scratch_copy() -> Path:
    """The project's files (tracked, and new ones not ignored) in a scratch folder."""
    scratch = Path(tempfile.mkdtemp(prefix="playbook-mutants-"))
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, scratch / name)
    return scratch


_COVERAGE_RC = """[run]
dynamic_context = test_function
source = generator
data_file = .mutants.coverage
"""


def _tests_by_line(scratch: Path) -> dict[tuple[str, int], set[str]]:
    """(module, line) → the fast tests that execute it ("" for import time), from one run under coverage."""
    (scratch / ".mutants-coveragerc").write_text(_COVERAGE_RC)
    command = [sys.executable, "-m", "coverage", "run", "--rcfile=.mutants-coveragerc", "-m", "pytest", "-q",
               "-m", SUITE, "-p", "no:cacheprovider", "tests"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the fast suite fails without any mutant; fix that first:\n{done.stdout[-2000:]}")
    import coverage

    data = coverage.CoverageData(basename=str(scratch / ".mutants.coverage"))
    data.read()
    found: dict[tuple[str, int], set[str]] = {}
    for module in MODULES:
        for line, contexts in data.contexts_by_lineno(str(scratch / "generator" / f"{module}.py")).items():
            found[(module, line)] = {_node_id(scratch, context) for context in contexts}
    return found


def _node_id(scratch: Path, context: str) -> str:
    """``tests.test_x.Class.test_y`` → ``tests/test_x.py::Class::test_y``; "" stays "" (import time)."""
    parts = context.split(".") if context else []
    for cut in range(len(parts), 0, -1):
        if (scratch / Path(*parts[:cut]).with_suffix(".py")).is_file():
            return "::".join([Path(*parts[:cut]).with_suffix(".py").as_posix(), *parts[cut:]])
    return ""


def _run_suite(scratch: Path, first: list[str], only: set[str] | None = None) -> tuple[bool, float]:
    """Whether the tests fail (the mutant is killed), and how long it took: the tests ``only``, or the
    whole fast suite with the files ``first`` first."""
    ordered = [f for f in first if (scratch / f).exists()]
    selection = sorted(only) if only else [*ordered, "tests"]
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-m", SUITE, "-p", "no:cacheprovider", *selection]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, timeout=TIME_LIMIT, check=False)
    except subprocess.TimeoutExpired:
        return True, time.perf_counter() - started
    return done.returncode != 0, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)} (default: all)")
    parser.add_argument("--per-module", type=int, default=PER_MODULE)
    parser.add_argument("--list", action="store_true", help="only list the chosen mutants")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    args.modules = args.modules or list(MODULES)
    plan = {module: chosen(module, args.per_module) for module in args.modules}
    if args.list:
        for mutants in plan.values():
            print("\n".join(m.describe() for m in mutants))
        return 0
    scratch = _scratch_copy()
    try:
        probe = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=scratch,
                               capture_output=True, text=True, check=True).stdout.strip()
        if not Path(probe).is_relative_to(scratch):
            print(f"the scratch copy is not the one imported ({probe}); is the package installed non-editable?")
            return 2
        started = time.perf_counter()
        tests_by_line = _tests_by_line(scratch)
        print(f"coverage of the fast suite recorded in {time.perf_counter() - started:.0f}s", flush=True)
        scores: dict[str, tuple[int, int]] = {}
        for module, mutants in plan.items():
            path = scratch / "generator" / f"{module}.py"
            original = path.read_text(encoding="utf-8")
            killed = 0
            for mutant in mutants:
                lines = original.splitlines(keepends=True)
                lines[mutant.line - 1] = mutant.mutated + "\n"
                path.write_text("".join(lines), encoding="utf-8")
                tests = tests_by_line.get((module, mutant.line), set())
                whole = not tests or "" in tests  # run at import time, or by no test: the whole suite
                dead, seconds = _run_suite(scratch, MODULES[module], None if whole else tests)
                killed += dead
                print(f"{'killed  ' if dead else 'SURVIVED'} {seconds:6.1f}s  {mutant.describe()}", flush=True)
            path.write_text(original, encoding="utf-8")
            scores[module] = (killed, len(mutants))
        print("\nmodule      killed / mutants   score")
        for module, (killed, total) in scores.items():
            print(f"{module:<11} {killed:>6} / {total:<7}  {killed / total:6.0%}")
        total_killed, total = sum(k for k, _ in scores.values()), sum(t for _, t in scores.values())
        print(f"{'all':<11} {total_killed:>6} / {total:<7}  {total_killed / total:6.0%}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
