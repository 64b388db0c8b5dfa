"""The `playbook` command without the loader's size limits, for the bench's largest scales only.

`python benchmarks/unlimited.py validate playbook.yml` (or `build …`) runs the CLI as `playbook` does, in a
process where the loader's bounds on size (``generator.load.MAX_FILE_BYTES``: 2 MiB; and with it the number
of values in a file and of entries in one list, which a playbook that large also passes) are :data:`RAISED`
times higher. The limits stay for users (a playbook is a few hundred KB; a file of megabytes is a mistake or
an attack): the bench lifts them for its own processes only, to measure how builds grow beyond them (64x the
example is 3.8 MB, about 1.5 million values). The bench's own in-process steps use :func:`lifted`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

#: Room for the bench's 64x playbook and more: 64 MiB, 6.4 million values, 160,000 entries in a list.
RAISED = 32
#: The loader's bounds on size that a playbook scaled up from the example passes in turn.
BOUNDS = ("MAX_FILE_BYTES", "MAX_NODES", "MAX_ENTRIES")


@contextmanager
def lifted() -> Iterator[None]:
    """The loader's size bounds RAISED times higher, inside the block."""
    # The module itself: the package's name `load` is its function (generator/__init__.py).
    loader = importlib.import_module("generator.load")
    kept = {bound: getattr(loader, bound) for bound in BOUNDS}
    for bound, value in kept.items():
        setattr(loader, bound, value * RAISED)
    try:
        yield
    finally:
        for bound, value in kept.items():
            setattr(loader, bound, value)


def run() -> None:
    from generator.cli import main

    with lifted():
        main()


if __name__ == "__main__":
    run()
