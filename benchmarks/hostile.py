"""Hostile-input benchmark: `make bench-hostile` (or `python -m benchmarks.hostile [--quick]`).

Each input class of issue 20 (many unknown keys, many references to unknown ids among thousands of
contacts, many required clauses, many undeclared blanks, wide nesting within the depth limit, one
long value early in the file, one single-line value near the 2 MiB limit) is generated at growing
sizes up to the loader's size limit. For each size it runs ``playbook validate`` (and, for the long
values, ``playbook build``) in a fresh subprocess and prints the wall time, the peak memory of that
subprocess and the growth exponent between sizes (time ∝ size^k: k≈1 is linear, k≈2 quadratic).
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "playbook.yml"
#: The loader's limit (generator.load.MAX_FILE_BYTES), repeated so this script imports nothing of the tool.
LIMIT = 2 * 1024 * 1024
#: Targets of issue 20 on the 2-core machine.
VALIDATE_TARGET_S = 5.0
BUILD_TARGET_S = 60.0
MEMORY_TARGET_MB = 1024.0


def _example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def _insert_after(text: str, marker: str, block: str) -> str:
    """``block`` inserted on the line after the first line starting with ``marker``."""
    start = text.index("\n" + marker) + 1
    end = text.index("\n", start) + 1
    return text[:end] + block + text[end:]


#: The loader's ceilings (generator.load): inputs are spread so that each stays under them, and so
#: reaches the validation rules, up to the 2 MiB limit (or, for nesting, the values limit).
MAX_TEXT = 20_000
MAX_ENTRIES = 5_000


def _glossary_entries(count: int, entry: Callable[[int], str]) -> str:
    return _insert_after(_example(), "glossary:", "".join(entry(k) for k in range(count)))


def unknown_keys(n: int) -> str:
    """``n`` keys the format does not know, 50 to a glossary entry."""
    def entry(k: int) -> str:
        keys = "".join(f"    unknown_{k}_{i}: x\n" for i in range(min(50, n - 50 * k)))
        return f"  - term: Extra term {k}\n    definition: Words.\n{keys}"
    return _glossary_entries(-(-n // 50), entry)


def unknown_references(n: int) -> str:
    """4,000 extra contacts, and ``n`` references to contact ids that do not exist, 500 to a checklist item."""
    contacts = "".join(
        f"  - id: extra-contact-{i}\n    name: Extra Contact {i}\n"
        f"    channels:\n      - {{type: email, value: extra{i}@example.org}}\n    verified_on: 2026-10-14\n"
        for i in range(4000)
    )
    text = _insert_after(_example(), "contacts:", contacts)
    items = "".join(
        f"      - id: extra-item-{k}\n        action: Call them.\n        due: 1h\n        from: awareness\n"
        f"        contacts: [{', '.join(f'missing-contact-{i}' for i in range(500 * k, min(n, 500 * k + 500)))}]\n"
        for k in range(-(-n // 500))
    )
    return _insert_after(text, "    checklist:", items)


def _templates(count: int, body: Callable[[int], str], clauses: Callable[[int], str] = lambda _k: "") -> str:
    """The example with ``count`` copies of its first template, each with its own body and clauses."""
    text = _example()
    start = text.index("  - id: holding-statement\n")
    first = text[start:text.index("  - id: press-release\n")]
    head, _, _ = first.partition("    body: |\n")
    copies = "".join(
        head.replace("id: holding-statement", f"id: holding-statement-{k}") + "    body: |\n" + body(k)
        + "    required_clauses:\n" + (clauses(k) or "      - Copy.\n")
        for k in range(count)
    )
    return text[:start] + copies + text[start:]


def required_clauses(n: int) -> str:
    """``n`` required clauses, none in the body, 1,000 to a template with a body of 19,000 characters."""
    line = "      Paragraph of a long statement about the incident and what we do about it now.\n"
    body = line * (19_000 // (len(line) - 6))
    return _templates(-(-n // 1000), lambda _k: body,
                      lambda k: "".join(f"      - Clause {i} that the body never states.\n"
                                        for i in range(1000 * k, min(n, 1000 * k + 1000))))


def undeclared_blanks(n: int) -> str:
    """``n`` blanks naming no declared value, 800 to a template body (eight to a line)."""
    def body(k: int) -> str:
        names = [f"{{{{ undeclared_{i} }}}}" for i in range(800 * k, min(n, 800 * k + 800))]
        return "".join("      " + " ".join(names[j:j + 8]) + "\n" for j in range(0, len(names), 8)) + "      Copy.\n"
    return _templates(-(-n // 800), body)


def wide_nesting(n: int) -> str:
    """``n`` branches, each nested 28 levels deep (the limit is 32), 4,000 to a glossary item."""
    branch = "[" * 28 + "x" + "]" * 28
    def entry(k: int) -> str:
        return f"  - [{', '.join(branch for _ in range(min(4000, n - 4000 * k)))}]\n"
    return _glossary_entries(-(-n // 4000), entry)


def long_value_early(n: int) -> str:
    """A document title of ``n`` characters (at most 19,000, one line without spaces) on line 20,
    and glossary definitions of 19,000 characters for the rest of ``n``."""
    title = "Ab" * (min(n, 19_000) // 2)
    text = _example().replace("  title: Cyber-incident communication playbook\n", f"  title: {title}\n", 1)
    rest = max(0, n - 19_000)
    entries = "".join(f"  - term: Long {k}\n    definition: {'Cd' * 9_500}\n" for k in range(rest // 19_000))
    return _insert_after(text, "glossary:", entries)


def long_body_line(n: int) -> str:
    """Template bodies that are one line of words and blanks each, 19,000 characters to a template."""
    unit = "word {{ brand }} and [[ what_happened ]] "
    def body(k: int) -> str:
        size = min(19_000, n - 19_000 * k)
        size -= size % len(unit)  # whole units: no blank cut in half
        return "      " + (unit * (size // len(unit))).rstrip() + "\n      Copy.\n"
    return _templates(max(1, -(-n // 19_000)), body)


@dataclass(frozen=True)
class InputClass:
    name: str
    make: Callable[[int], str]
    build: bool = False


CLASSES = (
    InputClass("unknown-keys", unknown_keys),
    InputClass("unknown-references", unknown_references),
    InputClass("required-clauses", required_clauses),
    InputClass("undeclared-blanks", undeclared_blanks),
    InputClass("wide-nesting", wide_nesting),
    InputClass("long-value-early", long_value_early, build=True),
    InputClass("long-body-line", long_body_line, build=True),
)
BY_NAME = {c.name: c for c in CLASSES}


def top_count(input_class: InputClass, limit: int = LIMIT) -> int:
    """The largest count ``n`` whose input of ``input_class`` is still under ``limit`` bytes."""
    base = len(input_class.make(0).encode())
    unit = (len(input_class.make(1000).encode()) - base) / 1000
    n = int((limit - base) / unit)
    while len(input_class.make(n).encode()) > limit:
        n = int(n * 0.98)
    return n


def sizes(input_class: InputClass, steps: int) -> list[int]:
    """Counts ``n`` growing by a factor of four up to the largest input under the limit."""
    top = top_count(input_class)
    return sorted({max(1, top // 4 ** k) for k in range(steps)})


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_mb: float
    code: int
    output: str


def run(args: list[str], cwd: Path, timeout: float) -> Run:
    """Run ``playbook ARGS`` in a subprocess; its wall time and peak resident memory."""
    code = (
        "import resource, sys\n"
        "from generator.cli import main\n"
        "sys.argv = ['playbook', *sys.argv[1:]]\n"
        "try:\n    main()\n"
        "finally:\n"
        "    me = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    sys.stderr.write(f'\\n@@peak-kb {me.ru_maxrss} {me.ru_utime + me.ru_stime}\\n')\n"
    )
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(timeout, float("nan"), float("nan"), -9, "timed out")
    seconds = time.perf_counter() - start
    peak = cpu = float("nan")
    stderr = []
    for line in done.stderr.splitlines():
        if line.startswith("@@peak-kb "):
            peak, cpu = int(line.split()[1]) / 1024, float(line.split()[2])
        else:
            stderr.append(line)
    return Run(seconds, cpu, peak, done.returncode, done.stdout + "\n".join(stderr))


def copy_translations(folder: Path) -> None:
    """The example's translation files (playbook.de.yml…) into ``folder``, beside a playbook made from it."""
    for translation in ROOT.glob("playbook.*.yml"):
        shutil.copy(translation, folder / translation.name)


def project(folder: Path, text: str) -> Path:
    """A copy of the example project in ``folder`` with ``text`` as its playbook."""
    for name in ("content", "templates"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name, dirs_exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    copy_translations(folder)
    (folder / "playbook.yml").write_text(text, encoding="utf-8")
    return folder


def _exponent(previous: tuple[int, float] | None, size: int, seconds: float) -> str:
    if previous is None or previous[0] == size or previous[1] <= 0 or seconds <= 0:
        return "-"
    return f"{math.log(seconds / previous[1]) / math.log(size / previous[0]):.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("classes", nargs="*", help=f"input classes (default: all): {', '.join(BY_NAME)}")
    parser.add_argument("--steps", type=int, default=4, help="sizes per class, each a quarter of the next")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per size (the median is shown)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is killed")
    options = parser.parse_args(argv)
    chosen = [BY_NAME[name] for name in options.classes] if options.classes else list(CLASSES)
    print("| input | size | command | time (s) | CPU (s) | peak memory (MB) | growth exponent (CPU) | exit |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    failed = False
    for input_class in chosen:
        commands = [("validate", VALIDATE_TARGET_S)] + ([("build", BUILD_TARGET_S)] if input_class.build else [])
        for command, target in commands:
            previous: tuple[int, float] | None = None
            for n in sizes(input_class, options.steps):
                text = input_class.make(n)
                size = len(text.encode())
                if size > LIMIT:
                    continue
                runs = []
                with tempfile.TemporaryDirectory() as tmp:
                    folder = project(Path(tmp), text)
                    for _ in range(options.runs):
                        runs.append(run([command, "playbook.yml"] if command == "validate" else [command],
                                        folder, options.timeout))
                runs.sort(key=lambda r: r.seconds)
                median = runs[len(runs) // 2]
                peak = max(r.peak_mb for r in runs)
                over = median.cpu_seconds > target or peak > MEMORY_TARGET_MB or median.code not in (0, 1)
                failed |= over
                print(f"| {input_class.name} | {size / 1024:,.0f} KB | {command} | {median.seconds:.2f} | "
                      f"{median.cpu_seconds:.2f} | {peak:.0f} | {_exponent(previous, size, median.cpu_seconds)} | "
                      f"{median.code}{' OVER TARGET' if over else ''} |", flush=True)
                previous = (size, median.cpu_seconds)
    print(f"\nTargets: validate < {VALIDATE_TARGET_S:.0f} s, build < {BUILD_TARGET_S:.0f} s, "
          f"peak memory < {MEMORY_TARGET_MB:.0f} MB; times are medians of {options.runs} runs on a shared machine;\n"
          "CPU is the user and system time of the playbook process (mkdocs runs inside it); the targets\n"
          "are checked against it, since wall time on a shared machine measures the other jobs too.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
