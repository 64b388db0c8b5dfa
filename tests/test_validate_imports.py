"""What `playbook validate` imports, seen in a process of its own (sys.modules of a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _probe(code: str, cwd: Path = ROOT) -> object:
    """What ``code`` (a fresh interpreter's program) prints as its last line, read as JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_validating_the_example_imports_neither_babel_nor_json(tmp_path: Path) -> None:
    """The example names its language (English, in the notices of its translation files) from language_names.py,
    and a text report needs no JSON: neither Babel nor json is imported."""
    for name in ("playbook.yml", "playbook.de.yml", "playbook.sr-Latn.yml"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    seen = _probe("import sys\nfrom generator.cli import cli\n"
                  "try:\n    cli(['validate', 'playbook.yml'])\nexcept SystemExit as exit:\n    code = exit.code\n"
                  "was = sorted(m for m in ('babel', 'json') if m in sys.modules)\n"
                  "import json\nprint(json.dumps([code, was]))", cwd=tmp_path)
    assert seen == [0, []]
