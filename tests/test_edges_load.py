"""Edges of generator/load.py that the mutation run found unpinned."""

from __future__ import annotations

import re

from tests.conftest import MINIMAL, edit, problems

BLOCK_BODY = ("    body: |\n      Something happened: [[ what_happened ]].\n"
              "      Next update by [[ next_update ]] on {{ website }}.\n")


def test_a_blank_past_a_line_break_of_a_quoted_text_is_placed_at_the_start_of_its_line_or_the_one_before() -> None:
    # Source.text_position: in a multi-line flow scalar the column within the line is not known, so
    # the problem names a line (column 1): the blank's own (83) or, as documented, the one before.
    text = edit(MINIMAL.read_text(), BLOCK_BODY,
                '    body: "Something happened: [[ what_happened ]].\n'
                "\n"
                '      Next update by [[ next_update ]] on {{ website }}. {{ nope }}"\n')
    assert text.splitlines()[82].endswith("{{ nope }}\"")  # line 83
    [problem] = problems(text)
    found = re.fullmatch(r"playbook\.yml:(\d+):(\d+): templates\[0\]\.body: unknown value '\{\{ nope \}\}'; "
                         r"declare it under 'values'; known: organisation, website", problem)
    assert found, problem
    assert int(found[1]) in (82, 83)
    assert int(found[2]) == 1
