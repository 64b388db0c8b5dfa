"""The bench's bookkeeping (benchmarks/bench.py), without building anything: why a failed build failed, and
which builds are paired in a ratio (Zensical's warm with warm, cold with cold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench

COMMAND = "/venv/bin/playbook build --engine zensical failed:"
SEARCH = ("Search field 'text' at 'call-tree.html' exceeds the search index limit (34672 token positions; maximum "
          "32768 for 24138 items). Shorten this field, split the page into smaller sections, or exclude it from "
          "search.")


@pytest.mark.parametrize(("output", "reason"), [
    # What `playbook build` printed at 64x before it named the page: Zensical's progress after its error.
    (f"Zensical failed: {SEARCH}\nBuild started\nNo issues found\nBuild failed; site/ and dist/ are unchanged.\n",
     f"Zensical failed: {SEARCH}"[:300]),
    # ... and a warning it printed after it: still the error.
    (f"Zensical failed: {SEARCH}\nBuild started\nWARNING -  The 'site_url' option is not set.\nNo issues found\n",
     f"Zensical failed: {SEARCH}"[:300]),
    ("--engine zensical: the page call-tree.html is too big for Zensical's search index (34672 token positions)."
     "\nBuild failed; site/ and dist/ are unchanged.\n",
     "--engine zensical: the page call-tree.html is too big for Zensical's search index (34672 token positions)."),
    # `zensical build` itself: the exception's line after the traceback, not Zensical's progress.
    ('Build started\nTraceback (most recent call last):\n  File "/venv/bin/zensical", line 8, in <module>\n'
     f"    sys.exit(cli())\nRuntimeError: {SEARCH}\nNo issues found\n", f"RuntimeError: {SEARCH}"[:300]),
    ("Build started\nError: cannot read docs/index.md\nNo issues found\n", "Error: cannot read docs/index.md"),
    # No line says "error": the last that is not progress (the playbook's own message).
    ("playbook.yml:24:3: document.version: expected text, got the number 3.1; put it in quotes\n"
     "Build failed; site/ and dist/ are unchanged.\n",
     "playbook.yml:24:3: document.version: expected text, got the number 3.1; put it in quotes"),
    ("", "no output"),
    ("Build started\nNo issues found\n", "no output"),
])
def test_a_failed_builds_reason_is_what_went_wrong_not_the_progress_around_it(output: str, reason: str) -> None:
    assert bench._reason(RuntimeError(f"{COMMAND}\n{output}")) == reason


def builds() -> list[tuple[str, list[str], Path]]:
    return bench._builds(Path("/venv/bin"), Path("/project"), Path("/project/plain"), ["/venv/bin/playbook"])


def test_zensical_is_timed_warm_and_cold_and_each_ratio_compares_like_with_like() -> None:
    named = {name: (command, folder) for name, command, folder in builds()}
    for name, (command, _folder) in named.items():
        if name.startswith("zensical"):
            assert ("--clean" in command) == name.endswith("_cold"), name  # cold: from an empty cache, both
    assert named["zensical_full_warm"][0] == ["/venv/bin/playbook", "build", "--engine", "zensical"]
    assert named["zensical_plain_warm"][0] == ["/venv/bin/zensical", "build", "-f", "mkdocs.yml"]
    for ratio, (top, bottom) in bench._RATIO_PARTS.items():
        assert top in named and bottom in named, ratio
        if top.startswith("zensical") and bottom.startswith("zensical"):
            assert top.replace("_full_", "_plain_") == bottom, ratio  # full ÷ plain, at the same temperature
    assert bench._RATIO_PARTS["zensical_warm"] == ("zensical_full_warm", "zensical_plain_warm")
    assert bench._RATIO_PARTS["zensical_cold"] == ("zensical_full_cold", "zensical_plain_cold")


def test_warm_builds_run_once_unmeasured_before_they_are_timed() -> None:
    order = bench.schedule(builds(), 3)
    names = [name for name, _command, _folder in builds()]
    warm = [name for name in names if name.endswith("_warm")]
    assert warm == ["zensical_plain_warm", "zensical_full_warm"]
    assert [(name, measured) for name, _c, _f, measured in order[:2]] == [(name, False) for name in warm]
    assert [(name, measured) for name, _c, _f, measured in order[2:]] == [(name, True) for name in names * 3]
