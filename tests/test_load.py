"""The loader accepts only plain YAML and names the file and line of whatever it refuses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.errors import LoadError
from generator.load import EVENT_SOURCES, MAX_FILE_BYTES, load, load_text

EVENTS = sorted(EVENT_SOURCES)


def refusal(text: str, events: str) -> str:
    with pytest.raises(LoadError) as caught:
        load_text(text, "playbook.yml", events=events)
    return str(caught.value)


@pytest.mark.parametrize("events", EVENTS)
class TestRefusedConstructs:
    def test_python_object_tag_is_refused(self, events: str) -> None:
        assert refusal("document: !!python/object/apply:os.system ['true']\n", events) == (
            "playbook.yml:1:11: document: tag 'tag:yaml.org,2002:python/object/apply:os.system' "
            "is not allowed; only plain YAML values are accepted"
        )

    def test_custom_tag_is_refused(self, events: str) -> None:
        assert refusal("document:\n  title: !secret x\n", events) == (
            "playbook.yml:2:10: document.title: tag '!secret' is not allowed; only plain YAML values are accepted"
        )

    def test_tag_on_a_key_is_refused(self, events: str) -> None:
        assert refusal("!!python/name:os.system x: 1\n", events).startswith(
            "playbook.yml:1:1: tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"
        )

    def test_duplicate_key_is_reported_at_its_second_occurrence(self, events: str) -> None:
        text = "document:\n  title: A\n  version: '1'\n  title: B\n"
        assert refusal(text, events) == (
            "playbook.yml:4:3: document.title: duplicate key 'title' (first written on line 2)"
        )

    def test_every_duplicate_key_is_reported_at_once(self, events: str) -> None:
        text = "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n"
        assert refusal(text, events) == (
            "playbook.yml:2:1: a: duplicate key 'a' (first written on line 1)\n"
            "playbook.yml:5:3: b.c: duplicate key 'c' (first written on line 4)"
        )

    def test_alias_is_refused(self, events: str) -> None:
        assert refusal("a: x\nb: *x\n", events) == (
            "playbook.yml:2:4: alias '*x' is not allowed; anchors and aliases are refused in a playbook, "
            "write the value out in full"
        )

    def test_anchor_is_refused(self, events: str) -> None:
        assert refusal("a: &x 1\n", events).startswith("playbook.yml:1:4: anchor '&x' is not allowed")

    def test_alias_bomb_is_refused_within_a_second(self, events: str) -> None:
        lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        started = time.perf_counter()
        message = refusal("\n".join(lines) + "\n", events)
        assert time.perf_counter() - started < 1.0
        assert message.startswith("playbook.yml:1:5: anchor '&a0' is not allowed")

    def test_second_document_is_refused(self, events: str) -> None:
        assert refusal("a: 1\n---\nb: 2\n", events) == (
            "playbook.yml:2:1: a second YAML document starts here; a playbook is one document (remove the '---')"
        )

    def test_deep_nesting_is_refused(self, events: str) -> None:
        assert refusal("a: " + "[" * 10_000 + "]" * 10_000 + "\n", events) == (
            "playbook.yml:1:35: nesting deeper than 32 levels is refused"
        )

    def test_top_level_list_is_refused(self, events: str) -> None:
        assert refusal("- a\n- b\n", events) == (
            "playbook.yml:1:1: the top level must be a mapping of sections (document:, roles:, …), not a list"
        )

    def test_top_level_scalar_is_refused(self, events: str) -> None:
        assert refusal("just words\n", events) == (
            "playbook.yml:1:1: the top level must be a mapping of sections (document:, roles:, …), "
            "not a single value"
        )

    def test_comments_only_is_refused(self, events: str) -> None:
        assert refusal("# nothing yet\n", events) == (
            "playbook.yml: the file holds only comments; a playbook is a YAML mapping that starts with 'document:'"
        )

    def test_key_that_yaml_reads_as_true_is_refused(self, events: str) -> None:
        assert refusal("True: 1\n", events) == (
            "playbook.yml:1:1: key 'True' is read by YAML as a bool, not text; put it in quotes"
        )

    def test_yes_no_on_off_are_text_as_in_yaml_1_2(self, events: str) -> None:
        data = load_text("document: {yes: y, no: n, on: On, off: OFF, t: true, f: False}\n", events=events).data
        assert data == {"document": {"yes": "y", "no": "n", "on": "On", "off": "OFF", "t": True, "f": False}}

    def test_list_as_key_is_refused(self, events: str) -> None:
        assert refusal("? [a]\n: 1\n", events) == "playbook.yml:1:3: a key must be text, not a list"

    def test_impossible_date_is_refused(self, events: str) -> None:
        assert refusal("document:\n  approved_on: 2026-02-30\n", events) == (
            "playbook.yml:2:16: document.approved_on: '2026-02-30' looks like a date but is not a valid one"
        )

    def test_control_character_is_refused(self, events: str) -> None:
        assert refusal("a: b\x07\n", events).startswith("playbook.yml:1:5: not plain YAML text:")

    def test_lone_surrogate_escape_is_refused(self, events: str) -> None:
        message = refusal('a: "x\\ud800"\n', events)
        assert message.startswith("playbook.yml:1:")
        assert "surrogate" in message or "Unicode" in message

    def test_syntax_error_names_line_and_column(self, events: str) -> None:
        message = refusal("a: [1, 2\nb: 3\n", events)
        assert message.startswith("playbook.yml:2:")
        assert "YAML syntax error:" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("action: Call the bank: ask for fraud\n",
     "playbook.yml:1:22: YAML syntax error: mapping values are not allowed in this context; a colon followed by a "
     'space starts a key: if this is a sentence with a colon, put the whole text in quotes ("Call the bank: ask for '
     'fraud")'),
    ("channel: {type: email, note: call: never}\n",
     "playbook.yml:1:34: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping); "
     'inside {…} a text with a colon or a comma must be in quotes ({note: "home: weekends only"})'),
    ("channel: {type: email,\n  note: call: never}\n",
     "playbook.yml:2:13: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping); "
     'inside {…} a text with a colon or a comma must be in quotes ({note: "home: weekends only"})'),
    ("steps: [Call the bank: ask: fraud, email]\n",
     "playbook.yml:1:27: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence); "
     "inside […] each item is separated by a comma: an item with a colon or a comma of its own must be in quotes "
     '(["Call the bank: ask for fraud", email])'),
])
def test_the_usual_yaml_traps_come_with_what_to_do(text: str, expected: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_text(text)
    assert [str(p) for p in caught.value.problems] == [expected]


def test_plain_yaml_loads_with_positions() -> None:
    source = load_text("a: 1\nb:\n  - x: |\n      hi\n  - 2\n")
    assert source.data == {"a": 1, "b": [{"x": "hi\n"}, 2]}
    assert source.position(("b", 0, "x")).line == 3
    assert source.position(("b", 1)).line == 5
    assert source.position(("b", 7, "missing")).line == 2


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_bytes(b"  \n\n")
    with pytest.raises(LoadError) as caught:
        load(path, "playbook.yml")
    assert str(caught.value) == (
        "playbook.yml: the file is empty; a playbook is a YAML mapping that starts with 'document:'"
    )


def test_non_utf8_file_is_refused_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_bytes("document:\n  title: Sch\u00f6n\n".encode("latin-1"))
    with pytest.raises(LoadError) as caught:
        load(path, "playbook.yml")
    assert str(caught.value) == "playbook.yml:2:13: the file is not UTF-8 text (byte 0xf6); save it as UTF-8"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(LoadError) as caught:
        load(path, "playbook.yml")
    assert str(caught.value) == "playbook.yml: this is a binary file, not YAML text"


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_text("a: " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(LoadError) as caught:
        load(path, "playbook.yml")
    assert str(caught.value) == (
        f"playbook.yml: the file is {MAX_FILE_BYTES + 4:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
    )


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path / "nope.yml", "nope.yml")
    assert str(caught.value) == "nope.yml: no such file"


def test_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load(tmp_path, "somewhere")
    assert str(caught.value) == "somewhere: is a directory; give the path of playbook.yml"
    assert [(p.line, p.column) for p in caught.value.problems] == [(0, 0)]  # the whole file, no place in it


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yml"
    path.write_bytes("\ufeffa: Petrović\n".encode())
    assert load(path).data == {"a": "Petrović"}


@pytest.mark.parametrize("collecting", [True, False])
def test_opening_a_playbook_pauses_the_cycle_collector_and_leaves_it_as_it_found_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collecting: bool) -> None:
    import gc

    import generator
    from generator import open_playbook
    from generator.errors import ValidationError
    from tests.conftest import MINIMAL, TODAY

    seen: list[bool] = []
    checking = generator.validate

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return checking(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator, "validate", watched)
    broken = tmp_path / "playbook.yml"
    broken.write_text(MINIMAL.read_text(encoding="utf-8").replace("document:", "document:\n  nonsense: 1", 1),
                      encoding="utf-8")
    (gc.enable if collecting else gc.disable)()
    try:
        open_playbook(MINIMAL, today=TODAY)
        assert gc.isenabled() is collecting
        with pytest.raises(ValidationError):
            open_playbook(broken, today=TODAY)
        assert gc.isenabled() is collecting
    finally:
        gc.enable()
    assert seen == [False, False]


@pytest.mark.parametrize("name", ["example", "breach-letters", "cloud-platform", "full", "listed-company", "minimal",
                                  "public-body"])
def test_checking_a_playbook_changes_nothing_a_model_is_made_of(name: str) -> None:
    """`playbook build`'s worker makes the model while another process checks the playbook (ahead.py): the check must
    leave what was read as it was, so that the model made before it is the model made after it."""
    import copy
    import pickle

    from generator import Loaded
    from tests.conftest import EXAMPLE, FIXTURES, TODAY

    path = EXAMPLE if name == "example" else FIXTURES / name / "playbook.yml"
    loaded = Loaded.of(path, "playbook.yml", None)
    before = copy.deepcopy(loaded.source)
    model_before = pickle.dumps(loaded.model())
    assert loaded.problems(TODAY) is not None
    assert pickle.dumps(loaded.source) == pickle.dumps(before)
    assert pickle.dumps(loaded.model()) == model_before
