"""Build-time and size benchmark: `make bench` (or `python -m benchmarks.bench 1 4`). Prints figures.

For synthetic playbooks at 1x, 4x, 16x and 64x the example's size it reports the median of several
runs of: `playbook validate`; page generation (load, validate, model, render); for each engine (MkDocs,
Zensical) the engine's own plain build of the same generated pages (written by the engine-neutral step,
engines.prepare) and the full `playbook build --engine …`, run in turn so that the machine's drift hits
all alike (Zensical's twice: warm, with the cache its last build left, and cold, from an empty one); the
ratios full ÷ plain per engine (Zensical's warm with warm, cold with cold) and Zensical ÷ MkDocs (warm);
the largest resident size of any build; and the sizes of the site and of the offline bundle per page, for
each engine.

A playbook over the loader's 2 MiB limit (64x: 3.8 MB) is measured with the limit lifted for the bench's own
processes only (benchmarks/unlimited.py: `validate` and the full builds run through it, and the in-process
steps inside its ``lifted()``); the output says so on that scale's line. Users keep the limit.
"""

from __future__ import annotations

import compileall
import contextlib
import copy
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from benchmarks.unlimited import lifted
from generator import engines, open_playbook, schema
from generator.load import MAX_FILE_BYTES
from generator.render import render_pages
from generator.validate import references

ROOT = Path(__file__).resolve().parent.parent
#: 64x the example (3.8 MB) is over the 2 MiB a playbook may have: measured with the limit lifted
#: (benchmarks/unlimited.py), for the bench's processes only.
SCALES = (1, 4, 16, 64)
#: Runs the `playbook` command with the loader's size limits lifted.
UNLIMITED = ROOT / "benchmarks" / "unlimited.py"
RUNS = {"validate": 7, "generate": 5, "build": 5}
#: Rounds of builds when BENCH_BUILD_RUNS says otherwise (a 64x round of four builds takes many minutes on
#: a loaded machine); the figures then say how many rounds they are the median of.
BUILD_RUNS_VARIABLE = "BENCH_BUILD_RUNS"
#: Entities copied at larger scales (every top-level one of the registry); incident facts, values and the
#: reviewed readiness exceptions stay shared, like a real organisation's.
COPIED = tuple(e for e in schema.ENTITIES if e.within is None and e.kind not in ("incident_fact", "exception"))
#: Entities held inside a copied entry (checklist items in phases), whose ids are unique too.
NESTED = tuple(e for e in schema.ENTITIES if e.within is not None)


def _suffixed(entry: dict[str, Any], entity: schema.Entity, k: int) -> None:
    """Give a copied entry a new identity: ``id-k``, or ``term (k)`` for entries named by their text."""
    key = entity.id_field
    if key in entry:
        entry[key] = f"{entry[key]}-{k}" if entity.referable or key == "id" else f"{entry[key]} ({k})"


def scaled(data: dict[str, Any], factor: int) -> dict[str, Any]:
    """The playbook with every entry of COPIED sections repeated ``factor`` times, ids suffixed."""
    result = copy.deepcopy(data)
    for k in range(2, factor + 1):
        for entity in COPIED:
            section = entity.section
            for entry in data.get(section, []):
                clone = copy.deepcopy(entry)
                _suffixed(clone, entity, k)
                for nested in (n for n in NESTED if n.within == section):
                    for inner in clone.get(nested.section, []):
                        _suffixed(inner, nested, k)
                        if "marks" in inner:  # a milestone is named once in the playbook
                            inner["marks"] = f"{inner['marks']}-{k}"
                rules = {"type": "dict", "schema": schema.PLAYBOOK[section]["schema"]["schema"]}
                for path, _ref_section, ident in list(references(rules, clone, ())):
                    target: Any = clone
                    for part in path[:-1]:
                        target = target[part]
                    target[path[-1]] = f"{ident}-{k}"
                result[section].append(clone)
    return result


def timed(command: list[str] | None, cwd: Path, call: Any = None) -> float:
    started = time.perf_counter()
    if call is not None:
        call()
    else:
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def run_measured(command: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall time of ``command``, the largest resident size (bytes) of the process and its CPU time (user and
    system, its own and its reaped children's: steadier than wall time on a loaded machine), from the
    kernel's own accounting of that one child (wait4)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=output)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            output.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{output.read().decode(errors='replace')}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def median_time(command: list[str] | None, runs: int, cwd: Path, call: Any = None) -> float:
    return statistics.median(timed(command, cwd, call) for _ in range(runs))


#: The two halves of a ratio ran at loads this far apart (1-minute load averages, absolute and relative):
#: the ratio is not reported, because the machine, not the code, would explain it.
LOAD_APART = (0.5, 0.5)
RESULTS = ROOT / "benchmarks" / "results"


def load_now() -> float:
    return os.getloadavg()[0]


def loads_apart(first: list[float], second: list[float]) -> bool:
    """Whether two runs' loads differ too much to compare their times (see LOAD_APART)."""
    a, b = statistics.median(first), statistics.median(second)
    return abs(a - b) > max(LOAD_APART[0], LOAD_APART[1] * min(a, b))


def generate_pages(playbook_path: Path, templates: Path, today: dt.date) -> None:
    render_pages(open_playbook(playbook_path, today=today).playbook, templates)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def plain_project(project: Path) -> Path:
    """The same generated pages, navigation and assets as a plain project for either engine, without the
    playbook plugin: written by the engine-neutral step itself (engines.prepare), as the Zensical build uses
    them. ``plain/mkdocs.yml`` builds with `mkdocs build` and with `zensical build`."""
    plain = project / "plain"
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    engines.prepare(project / "mkdocs.yml", plain)
    return plain


#: The builds timed at each scale, in the order they run in each round: (name, command, folder).
#: Zensical keeps a cache beside its configuration (``.cache/``; the full build keeps it in its work folder,
#: engines.work_folder), so each Zensical build is timed twice, and a ratio compares like with like: *cold*,
#: from an empty cache (``--clean`` for both: Zensical's own empties its cache, the playbook's its work
#: folder), and *warm*, with the cache the last build left (after one unmeasured run: see :func:`schedule`).
def _builds(bin_dir: Path, project: Path, plain: Path, playbook: list[str]) -> list[tuple[str, list[str], Path]]:
    return [
        ("mkdocs_plain", [str(bin_dir / "mkdocs"), "build", "-q", "-f", "mkdocs.yml"], plain),
        ("mkdocs_full", [*playbook, "build", "--engine", "mkdocs"], project),
        ("zensical_plain_cold", [str(bin_dir / "zensical"), "build", "--clean", "-f", "mkdocs.yml"], plain),
        ("zensical_full_cold", [*playbook, "build", "--engine", "zensical", "--clean"], project),
        ("zensical_plain_warm", [str(bin_dir / "zensical"), "build", "-f", "mkdocs.yml"], plain),
        ("zensical_full_warm", [*playbook, "build", "--engine", "zensical"], project),
    ]


def schedule(builds: list[tuple[str, list[str], Path]], rounds: int) -> list[tuple[str, list[str], Path, bool]]:
    """The order the builds run in, each with whether it is measured: the warm builds once unmeasured first
    (the cache they find is then the one they left), then ``rounds`` rounds of every build in turn."""
    warm_up = [(name, command, folder, False) for name, command, folder in builds if name.endswith("_warm")]
    return warm_up + [(name, command, folder, True) for _ in range(rounds) for name, command, folder in builds]


def playbook_command(bin_dir: Path, over_limit: bool) -> list[str]:
    """`playbook`, or for a playbook over the loader's limits the same CLI with them lifted (unlimited.py)."""
    return [sys.executable, str(UNLIMITED)] if over_limit else [str(bin_dir / "playbook")]


#: The two builds each ratio compares: Zensical's warm with warm, cold with cold.
_RATIO_PARTS = {"mkdocs": ("mkdocs_full", "mkdocs_plain"),
                "zensical_warm": ("zensical_full_warm", "zensical_plain_warm"),
                "zensical_cold": ("zensical_full_cold", "zensical_plain_cold"),
                "zensical_vs_mkdocs": ("zensical_full_warm", "mkdocs_full")}

#: Lines a build prints that are not why it failed: Zensical's progress (it prints "No issues found" even
#: before it raises), `playbook build`'s closing line.
_NOT_THE_REASON = re.compile(r"^(?:Build started|No issues found|Build finished in\b.*|Build failed; .*)$")
#: A line that says what went wrong: the playbook's own messages, an exception's last line, an error line.
_THE_REASON = re.compile(r"^(?:--engine \w+: |Zensical failed: |Error\b)|^\w*(?:Error|Exception|Panic)\b.*:|"
                         r"\b(?:error|panicked)\b", re.IGNORECASE)


def _reason(failure: RuntimeError) -> str:
    """Why a build failed, from what it printed (run_measured: a first line naming the command, then the
    output): the first line that says what went wrong (an error line, an exception's message after its
    traceback, the playbook's message), else the last line that is not progress."""
    lines = [line.strip() for line in str(failure).splitlines()[1:] if line.strip()]
    lines = [line for line in lines if not _NOT_THE_REASON.match(line)]
    said = next((line for line in lines if _THE_REASON.search(line) and not line.startswith("File ")), None)
    return (said or (lines[-1] if lines else "no output"))[:300]


def _ratio(top: str, bottom: str, times: dict[str, list[float]], loads: dict[str, list[float]]) -> float | None:
    """Median ``top`` ÷ median ``bottom``; None when either failed, or the two ran at loads too far apart to
    compare."""
    if top not in times or bottom not in times or loads_apart(loads[top], loads[bottom]):
        return None
    return statistics.median(times[top]) / statistics.median(times[bottom])


def _seconds(median: dict[str, float], name: str, width: int) -> str:
    return f"{median[name]:>{width}.2f}s" if name in median else "failed".rjust(width + 1)


def _per_page(per_page: dict[str, tuple[float, float]], engine: str, which: int, width: int) -> str:
    return f"{per_page[engine][which]:>{width}.1f}" if engine in per_page else "-".rjust(width)


def _shown(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}"


def main() -> None:
    # An installed wheel is byte-compiled by pip; an editable checkout is not, and where
    # PYTHONDONTWRITEBYTECODE is set every run would recompile the package (0.2-0.4 s here).
    import generator

    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    bin_dir = Path(sys.executable).parent
    example = yaml.safe_load((ROOT / "playbook.yml").read_text(encoding="utf-8"))
    # The translated editions (playbook.<language>.yml) name the example's entries, not their copies: the
    # bench measures the playbook's own language.
    example["document"].pop("translations", None)
    print(f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"load average now {load_now():.2f}")
    print(f"{'scale':>5} {'pages':>5} {'validate':>8} {'generate':>8} | {'mkdocs':>6} {'full':>6} {'ratio':>5} | "
          f"{'Z warm':>7} {'full':>6} {'ratio':>5} | {'Z cold':>7} {'full':>6} {'ratio':>5} | {'Z/M':>4} | "
          f"{'KB/page M':>9} {'Z':>5} | "
          f"{'zip KB/page M':>13} {'Z':>5} | {'peak MB':>7} | {'load':>4}")
    results: list[dict[str, Any]] = []
    scales = tuple(int(arg) for arg in sys.argv[1:]) or SCALES
    runs = {**RUNS, "build": int(os.environ.get(BUILD_RUNS_VARIABLE) or RUNS["build"])}
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    written = RESULTS / f"bench-{stamp}.json"
    for factor in scales:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            for name in ("mkdocs.yml", *(path.name for path in ROOT.glob("playbook.*.yml"))):  # translations too
                shutil.copy(ROOT / name, project / name)
            shutil.copytree(ROOT / "content", project / "content")
            shutil.copytree(ROOT / "templates", project / "templates")
            playbook_path = project / "playbook.yml"
            playbook_path.write_text(yaml.safe_dump(scaled(example, factor), sort_keys=False, allow_unicode=True),
                                     encoding="utf-8")
            size = playbook_path.stat().st_size
            over_limit = size > MAX_FILE_BYTES
            if over_limit:
                print(f"{factor:>4}x: its playbook.yml is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes "
                      "that `playbook validate` and `build` refuse beyond (load.py); measured with the limit lifted "
                      "for the bench's processes only (benchmarks/unlimited.py)")
            playbook = playbook_command(bin_dir, over_limit)
            today = dt.date.today()
            with lifted() if over_limit else contextlib.nullcontext():
                pages = render_pages(open_playbook(playbook_path, today=today).playbook, project / "templates")
                plain = plain_project(project)
                generate = median_time(None, RUNS["generate"], project,
                                       call=partial(generate_pages, playbook_path, project / "templates", today))
            validate = median_time([*playbook, "validate", "playbook.yml"], RUNS["validate"], project)
            # The four builds run in turn, round after round, so that drift in the machine's load hits all alike.
            times: dict[str, list[float]] = {}
            loads: dict[str, list[float]] = {}
            cpus: dict[str, list[float]] = {}
            peak = 0
            sizes: dict[str, tuple[int, int]] = {}
            #: Builds that failed (Zensical refuses the 64x site: its search index has a limit), with why; not
            #: run again, and their figures and ratios shown as failed.
            failed: dict[str, str] = {}
            for name, command, folder, measured in schedule(_builds(bin_dir, project, plain, playbook), runs["build"]):
                if name in failed:
                    continue
                load_before = load_now()
                try:
                    elapsed, resident, cpu = run_measured(command, folder)
                except RuntimeError as exc:
                    failed[name] = _reason(exc)
                    continue
                if measured:
                    loads.setdefault(name, []).append(load_before)
                    times.setdefault(name, []).append(elapsed)
                    cpus.setdefault(name, []).append(cpu)
                    peak = max(peak, resident)
                    if "_full" in name:
                        bundle = next((project / "dist").glob("*/*.zip")).stat().st_size
                        sizes[name.split("_")[0]] = (folder_size(project / "site"), bundle)
            site_pages = sum(1 for _ in (project / "site").rglob("*.html"))
            ratios = {name: _ratio(*parts, times, loads) for name, parts in _RATIO_PARTS.items()}
            median = {name: statistics.median(values) for name, values in times.items()}
            load = statistics.median(value for values in loads.values() for value in values)
            per_page = {engine: (site / site_pages / 1e3, bundle / site_pages / 1e3)
                        for engine, (site, bundle) in sizes.items()}
            secs = partial(_seconds, median)
            kb = partial(_per_page, per_page)
            print(f"{factor:>4}x {site_pages:>5} {validate:>7.3f}s {generate:>7.3f}s | "
                  f"{secs('mkdocs_plain', 5)} {secs('mkdocs_full', 5)} {_shown(ratios['mkdocs']):>5} | "
                  f"{secs('zensical_plain_warm', 6)} {secs('zensical_full_warm', 5)} "
                  f"{_shown(ratios['zensical_warm']):>5} | "
                  f"{secs('zensical_plain_cold', 6)} {secs('zensical_full_cold', 5)} "
                  f"{_shown(ratios['zensical_cold']):>5} | {_shown(ratios['zensical_vs_mkdocs']):>4} | "
                  f"{kb('mkdocs', 0, 9)} {kb('zensical', 0, 5)} | "
                  f"{kb('mkdocs', 1, 13)} {kb('zensical', 1, 5)} | {peak / 1e6:>7.0f} | {load:>4.1f}")
            cpu_median = {name: statistics.median(values) for name, values in cpus.items()}
            cpu_ratios = {name: cpu_median[top] / cpu_median[bottom] for name, (top, bottom) in _RATIO_PARTS.items()
                          if top in cpu_median and bottom in cpu_median}
            print("      CPU s (median): " + ", ".join(f"{name} {value:.2f}" for name, value in cpu_median.items())
                  + "; ratios: " + ", ".join(f"{name} {value:.2f}" for name, value in cpu_ratios.items()))
            for name, reason in failed.items():
                print(f"      {name} failed: {reason}")
            for name, ratio in ratios.items():
                if ratio is None and not any(part in failed for part in _RATIO_PARTS[name]):
                    print(f"      {name}: the ratio is not reported: its two builds ran at loads too far apart")
            results.append({"scale": factor, "limit_lifted": over_limit, "pages": site_pages,
                            "generated_pages": len(pages),
                            "validate_s": validate, "generate_s": generate,
                            "build_s": times, "median_build_s": median, "ratios": ratios,
                            "build_cpu_s": cpus, "cpu_ratios": cpu_ratios,
                            "site_bytes": {engine: size[0] for engine, size in sizes.items()},
                            "bundle_bytes": {engine: size[1] for engine, size in sizes.items()},
                            "peak_resident_bytes": peak, "loads": loads, "failed": failed})
            # After every scale: a long run stopped at 64x keeps the smaller scales' figures.
            written.write_text(json.dumps({"when": stamp, "cpus": os.cpu_count(), "python": platform.python_version(),
                                           "runs": runs, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"results: {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
