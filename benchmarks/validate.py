"""`playbook validate` timed as a whole process: `make bench-validate`, or
`python -m benchmarks.validate [--runs N] [--against OTHER_CHECKOUT]`.

Runs `playbook validate playbook.yml` of the example (with its two translation files) as a subprocess N
times (default 7) and prints the median wall time and the median CPU time (user + system, from the
kernel's accounting of the finished children, resource.getrusage) with the load average before and after:
on a shared machine the wall time stretches with the load, the CPU time much less, so the CPU time is the
estimate of the wall time on a quiet machine. Then the same for synthetic playbooks at 1x, 4x and 16x the
example's size (benchmarks.bench.scaled; with the example's two translation files, which translate the
example's entries and declare the copies' texts untranslated, so they are checked against every copy),
with the CPU time each 100 KB added since the scale before costs: about the same from 4x to 16x as from
1x to 4x when validation is linear in the playbook's size (the process start is in every run, so the time
per 100 KB of the whole file is no measure of that).

With ``--against`` another checkout of the project (an older commit: ``git worktree add /tmp/before
main``) is timed the same way, its runs in turn with this one's (this, other, this, other, …) so that a
change in the machine's load hits both alike, and the ratio this ÷ other is printed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.bench import scaled

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
SCALES = (1, 4, 16)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _command(checkout: Path) -> tuple[list[str], dict[str, str]]:
    """`playbook validate playbook.yml` with the package of ``checkout`` (run in a folder without one)."""
    return ([sys.executable, "-m", "generator", "validate", "playbook.yml"],
            {**os.environ, "PYTHONPATH": str(checkout)})


def timed_runs(checkouts: list[Path], cwd: Path, runs: int) -> list[tuple[float, float]]:
    """For each checkout, the median wall and CPU seconds of ``runs`` runs in ``cwd``, the checkouts' runs
    in turn (after one run of each not counted, which fills the file cache)."""
    commands = [_command(checkout) for checkout in checkouts]
    for command, env in commands:
        subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True)
    walls: list[list[float]] = [[] for _ in checkouts]
    cpus: list[list[float]] = [[] for _ in checkouts]
    for _ in range(runs):
        for index, (command, env) in enumerate(commands):
            cpu, started = _children_cpu(), time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=env, check=False, capture_output=True)
            walls[index].append(time.perf_counter() - started)
            cpus[index].append(_children_cpu() - cpu)
            if done.returncode not in (0, 1):  # 1: the playbook has errors, which is still a measured validation
                raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return [(statistics.median(wall), statistics.median(cpu)) for wall, cpu in zip(walls, cpus, strict=True)]


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def _project(folder: Path, factor: int | None) -> int:
    """The example's playbook.yml (``factor`` None: as written) or a copy scaled ``factor`` times, with the
    translation files, in ``folder``; the size of playbook.yml."""
    for translation in ROOT.glob("playbook.*.yml"):
        shutil.copy(translation, folder / translation.name)
    path = folder / "playbook.yml"
    if factor is None:
        shutil.copy(ROOT / "playbook.yml", path)
    else:
        example = yaml.safe_load((ROOT / "playbook.yml").read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(scaled(example, factor), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.validate", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs of each measurement (default {RUNS})")
    parser.add_argument("--against", type=Path, help="another checkout of the project, timed in turn with this one")
    arguments = parser.parse_args()
    checkouts = [ROOT, *([arguments.against.resolve()] if arguments.against else [])]
    # An installed wheel is byte-compiled by pip; an editable checkout is not, and where
    # PYTHONDONTWRITEBYTECODE is set every run would recompile the package (as bench.py does).
    for checkout in checkouts:
        compileall.compile_dir(checkout / "generator", quiet=1)
    print(f"machine: {os.cpu_count()} CPUs; median of {arguments.runs} runs; load average (1/5/15 min) now "
          f"{_load()}")
    if arguments.against:
        print(f"this checkout: {ROOT}; other (in turn with it): {checkouts[1]}")
    names = ["this", "other"][:len(checkouts)]
    print(f"{'playbook':>9} {'KB':>5} | " + " | ".join(
        f"{name + ' wall s':>12} {name + ' CPU s':>11} {'added CPU ms/100 KB':>19}" for name in names)
        + (f" | {'CPU this/other':>14}" if arguments.against else "") + f" | {'load after':>14}")
    before: list[tuple[int, float]] = []
    for factor in (None, *SCALES):
        with tempfile.TemporaryDirectory() as folder:
            size = _project(Path(folder), factor)
            figures = timed_runs(checkouts, Path(folder), arguments.runs)
        columns = []
        for index, (wall, cpu) in enumerate(figures):
            added = (f"{(cpu - before[index][1]) * 1e3 / ((size - before[index][0]) / 1e5):.1f}"
                     if factor not in (None, SCALES[0]) else "-")
            columns.append(f"{wall:>12.3f} {cpu:>11.3f} {added:>19}")
        ratio = f" | {figures[0][1] / figures[1][1]:>14.2f}" if arguments.against else ""
        label = "example" if factor is None else f"{factor}x"
        print(f"{label:>9} {size / 1e3:>5.0f} | " + " | ".join(columns) + ratio + f" | {_load():>14}")
        if factor is not None:
            before = [(size, cpu) for _, cpu in figures]


if __name__ == "__main__":
    main()
