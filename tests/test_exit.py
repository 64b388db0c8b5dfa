"""The `playbook` command's exit: what it made is left to the system, not collected object by object."""

from __future__ import annotations

import subprocess
import sys

#: Registered before main(), so it runs after main's own exit handler: what the interpreter then finds frozen.
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
sys.argv = ["playbook", "--version"]
from generator.cli import main
main()
"""


def test_the_command_freezes_its_objects_at_exit_so_the_final_collection_skips_them() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "frozen at exit: True"
