"""Property-based tests: whatever lands in playbook.yml, the tool answers with its own errors.

Random text, random YAML and random mutations of the fixture playbook must never raise anything
but the tool's own LoadError from loading, and validation must always return a list of
problems. When a mutation still validates, the model and every page must build from it.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import LoadError
from generator.load import EVENT_SOURCES, load_text
from generator.model import build_model
from generator.render import render_pages
from generator.validate import validate
from tests.conftest import MINIMAL, TODAY

#: A thousand examples each: they run with the slow tests (`make test`), not in the quick loop
#: (`pytest -m "not slow"`), at full strength.
pytestmark = pytest.mark.slow

FIXTURE: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
PROFILE = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10_000), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.dates(dt.date(1970, 1, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["comms-lead", "alice", "72h", "{{ website }}", "[[ next_update ]]", "{{ x.__class__ }}",
                     "Europe/Vienna", "awareness", "<script>alert(1)</script>", "", "1 month", "respond"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)), max_leaves=12)


def check(text: str, events: str = "libyaml") -> list[Any]:
    """Load and validate; only the tool's own errors may come out."""
    try:
        source = load_text(text, "playbook.yml", events=events)
    except LoadError as error:
        assert error.problems and all(str(p).startswith("playbook.yml") for p in error.problems)
        return []
    problems = validate(source, today=TODAY)
    if not any(p.severity == "error" for p in problems):
        render_pages(build_model(source.data))
    return problems


@PROFILE
@given(st.text(max_size=300), st.sampled_from(sorted(EVENT_SOURCES)))
def test_any_text_gets_an_answer_not_a_crash(text: str, events: str) -> None:
    check(text, events)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(FIXTURE)


@PROFILE
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.one_of(st.just("delete"), values)), min_size=1, max_size=3))
def test_mutations_of_a_valid_playbook_get_an_answer_not_a_crash(mutations: list[tuple[Any, Any]]) -> None:
    data = copy.deepcopy(FIXTURE)
    for path, value in mutations:
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if value == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the way there
    check(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
