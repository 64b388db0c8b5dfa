"""Edges of generator/load.py that the mutation run found unpinned."""

from __future__ import annotations

from tests.conftest import MINIMAL, edit, problems

BLOCK_BODY = ("    body: |\n      Something happened: [[ what_happened ]].\n"
              "      Next update by [[ next_update ]] on {{ website }}.\n")


def test_a_blank_past_an_empty_line_of_a_quoted_text_is_placed_where_it_is_written() -> None:
    # Source.text_position reads a quoted text back through YAML's folding: the empty line is one
    # line break of the value, the line break before it none.
    text = edit(MINIMAL.read_text(), BLOCK_BODY,
                '    body: "Something happened: [[ what_happened ]].\n'
                "\n"
                '      Next update by [[ next_update ]] on {{ website }}. {{ nope }}"\n')
    line = text.splitlines()[82]  # line 83
    assert line.endswith("{{ nope }}\"")
    assert problems(text) == [
        f"playbook.yml:83:{line.index('{{ nope }}') + 1}: templates[0].body: unknown value '{{{{ nope }}}}'; "
        "declare it under 'values'; known: organisation, website"
    ]


def test_a_blank_of_a_plain_text_over_three_lines_is_placed_where_it_is_written() -> None:
    text = edit(MINIMAL.read_text(), BLOCK_BODY,
                "    body: Something happened\n"
                "      and [[ what_happened ]].\n"
                "      Next update by [[ next_update ]] on {{ website }}. {{ nope }}\n")
    line = text.splitlines()[82]  # line 83
    assert line.endswith("{{ nope }}")
    assert problems(text) == [
        f"playbook.yml:83:{line.index('{{ nope }}') + 1}: templates[0].body: unknown value '{{{{ nope }}}}'; "
        "declare it under 'values'; known: organisation, website"
    ]
