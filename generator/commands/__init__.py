"""Commands only the CLI reaches: ``publish``, ``pdf`` and ``new``.

They sit on top of the pipeline (load → validate → model → render → build) and nothing in the
pipeline imports them, so a stage that reaches for a command stands out in review.
"""
