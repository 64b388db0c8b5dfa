"""Build-time and size benchmark: `make bench` (or `python -m benchmarks.bench 1 4`). Prints figures.

For synthetic playbooks at 1x, 4x and 16x the example's size it reports the median of several
runs of: `playbook validate`; page generation (load, validate, model, render); a plain
`mkdocs build` of the same generated pages without the plugin; the full `playbook build`;
and the sizes of the site and of the offline bundle.
"""

from __future__ import annotations

import compileall
import copy
import datetime as dt
import json
import os
import platform
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

from generator import open_playbook, schema
from generator.plugin import SHIM, SHIPPED, STYLESHEET
from generator.render import navigation, render_pages
from generator.validate import references

ROOT = Path(__file__).resolve().parent.parent
SCALES = (1, 4, 16)
RUNS = {"validate": 7, "generate": 5, "build": 5}
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


def _plain(value: Any) -> Any:
    """Navigation with its titles as plain strings (they are Markup, which YAML cannot write)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)


def plain_project(project: Path, pages: list[Any]) -> Path:
    """The same pages, assets and theme as a plain MkDocs project, without the playbook plugin."""
    plain = project / "plain"
    docs = plain / "docs"
    shutil.copytree(project / "content", docs)
    for page in pages:
        (docs / page.path).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.path).write_text(page.markdown, encoding="utf-8")
    for site_path, source in SHIPPED.items():
        (docs / site_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, docs / site_path)
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "playbook" in p)]
    config["docs_dir"] = "docs"
    config["nav"] = _plain(navigation(pages)) + sorted(p.name for p in (project / "content").glob("*.md"))
    config["extra"] = {**config.get("extra", {}), "polyfills": [SHIM]}
    config["extra_css"] = [STYLESHEET]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return plain


def main() -> None:
    # An installed wheel is byte-compiled by pip; an editable checkout is not, and where
    # PYTHONDONTWRITEBYTECODE is set every run would recompile the package (0.2-0.4 s here).
    compileall.compile_dir(ROOT / "generator", quiet=1)
    bin_dir = Path(sys.executable).parent
    example = yaml.safe_load((ROOT / "playbook.yml").read_text(encoding="utf-8"))
    print(f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}, "
          f"load average now {load_now():.2f}")
    print(f"{'scale':>5} {'pages':>6} {'validate':>9} {'generate':>9} {'mkdocs':>8} {'playbook':>9} {'ratio':>6} "
          f"{'site MB':>8} {'bundle MB':>9} {'load':>11}")
    results: list[dict[str, Any]] = []
    scales = tuple(int(arg) for arg in sys.argv[1:]) or SCALES
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
            today = dt.date.today()
            pages = render_pages(open_playbook(playbook_path, today=today).playbook, project / "templates")
            plain = plain_project(project, pages)

            validate = median_time([str(bin_dir / "playbook"), "validate", "playbook.yml"], RUNS["validate"],
                                   project)
            generate = median_time(None, RUNS["generate"], project,
                                   call=partial(generate_pages, playbook_path, project / "templates", today))
            # Plain and full builds alternate, so that drift in the machine's load hits both alike.
            plain_times, full_times, plain_loads, full_loads = [], [], [], []
            for _ in range(RUNS["build"]):
                plain_loads.append(load_now())
                plain_times.append(timed([str(bin_dir / "mkdocs"), "build", "-q"], plain))
                full_loads.append(load_now())
                full_times.append(timed([str(bin_dir / "playbook"), "build"], project))
            mkdocs, full = statistics.median(plain_times), statistics.median(full_times)
            site = folder_size(project / "site")
            bundle = next((project / "dist").glob("*/*.zip")).stat().st_size
            apart = loads_apart(plain_loads, full_loads)
            ratio = "   n/a" if apart else f"{full / mkdocs:>6.2f}"
            loads = f"{statistics.median(plain_loads):.2f}/{statistics.median(full_loads):.2f}"
            print(f"{factor:>4}x {len(pages):>6} {validate:>8.3f}s {generate:>8.3f}s {mkdocs:>7.2f}s {full:>8.2f}s "
                  f"{ratio} {site / 1e6:>8.1f} {bundle / 1e6:>9.2f} {loads:>11}")
            if apart:
                print(f"      the ratio is not reported: the plain and the full builds ran at loads {loads}")
            results.append({"scale": factor, "pages": len(pages), "validate_s": validate, "generate_s": generate,
                            "mkdocs_build_s": mkdocs, "playbook_build_s": full,
                            "ratio": None if apart else full / mkdocs, "site_bytes": site, "bundle_bytes": bundle,
                            "load_plain": plain_loads, "load_full": full_loads})
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    written = RESULTS / f"bench-{stamp}.json"
    written.write_text(json.dumps({"when": stamp, "cpus": os.cpu_count(), "python": platform.python_version(),
                                   "runs": RUNS, "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"results: {written.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
