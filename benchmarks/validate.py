"""`playbook validate` timed as a whole process: `make bench-validate` (or `python -m benchmarks.validate [RUNS]`).

Runs `playbook validate playbook.yml` of the example (with its two translation files) as a subprocess RUNS
times (default 7) and prints the median wall time and the median CPU time (user + system, from the kernel's
accounting of the finished children, resource.getrusage) with the load average before and after: on a
shared machine the wall time stretches with the load, the CPU time much less, so the CPU time is the
estimate of the wall time on a quiet machine. Then the same for synthetic playbooks at 1x, 4x and 16x the
example's size (benchmarks.bench.scaled; with the example's two translation files, which translate the
example's entries and declare the copies' texts untranslated, so they are checked against every copy),
with the CPU time each 100 KB added since the scale before costs: about the same from 4x to
16x as from 1x to 4x when validation is linear in the playbook's size (the process start is in every run,
so the time per 100 KB of the whole file is no measure of that).
"""

from __future__ import annotations

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


def timed_runs(command: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """The median wall and CPU seconds of ``runs`` runs of ``command`` (after one run not counted, which
    fills the file cache)."""
    subprocess.run(command, cwd=cwd, check=False, capture_output=True)
    walls, cpus = [], []
    for _ in range(runs):
        cpu, started = _children_cpu(), time.perf_counter()
        done = subprocess.run(command, cwd=cwd, check=False, capture_output=True)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
        if done.returncode not in (0, 1):  # 1: the playbook has errors, which is still a measured validation
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    return statistics.median(walls), statistics.median(cpus)


def _load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    # An installed wheel is byte-compiled by pip; an editable checkout is not, and where
    # PYTHONDONTWRITEBYTECODE is set every run would recompile the package (as bench.py does).
    import generator

    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    command = [str(Path(sys.executable).parent / "playbook"), "validate", "playbook.yml"]
    print(f"machine: {os.cpu_count()} CPUs; median of {runs} runs; load average (1/5/15 min) now {_load()}")
    wall, cpu = timed_runs(command, ROOT, runs)
    print(f"example (playbook.yml and its 2 translation files): wall {wall:.3f} s, CPU {cpu:.3f} s; "
          f"load after {_load()}")
    example = yaml.safe_load((ROOT / "playbook.yml").read_text(encoding="utf-8"))
    print(f"{'scale':>5} {'KB':>6} {'wall s':>7} {'CPU s':>6} {'added CPU ms/100 KB':>19} {'load after':>16}")
    before: tuple[int, float] | None = None
    for factor in SCALES:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "playbook.yml"
            for translation in ROOT.glob("playbook.*.yml"):
                shutil.copy(translation, Path(folder) / translation.name)
            path.write_text(yaml.safe_dump(scaled(example, factor), sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
            size = path.stat().st_size
            wall, cpu = timed_runs(command, Path(folder), runs)
        added = f"{(cpu - before[1]) * 1e3 / ((size - before[0]) / 1e5):.1f}" if before else "-"
        print(f"{factor:>4}x {size / 1e3:>6.0f} {wall:>7.3f} {cpu:>6.3f} {added:>19} {_load():>16}")
        before = (size, cpu)


if __name__ == "__main__":
    main()
