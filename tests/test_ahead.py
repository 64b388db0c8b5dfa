"""`playbook build` generates the pages in a second process while MkDocs starts (generator/ahead.py): the same
site, the same messages, and the work done in process whenever the worker guessed otherwise."""

from __future__ import annotations

import os
import pickle
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import Opened, ahead
from generator.ahead import IN_PROCESS_VARIABLE, Request, settings
from generator.errors import PlaybookError
from generator.render import Page
from tests.conftest import copy_example, edit, invoke

pytestmark = pytest.mark.slow


def test_the_worker_reads_the_plugins_settings_from_mkdocs_yml_as_written(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: !ENV [SITE, x]\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                      "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                      "plugins:\n  - search\n  - playbook:\n      edition: public\n      templates: own\n",
                      encoding="utf-8")
    assert settings(config) == {"playbook": "playbook.yml", "templates": "own", "private": "contacts.private.yml",
                                "strict": False, "edition": "public", "language": None, "public_key": "signing.pub"}
    config.write_text("site_name: x\nplugins:\n  - search\n", encoding="utf-8")
    assert settings(config) is None


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_a_build_takes_the_pages_the_worker_generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      ran_alone: bool, edition: str) -> None:
    """Rendering in this process is made to fail: the build passes only with the worker's pages; and the site is
    the one rendered in process, byte for byte."""
    import generator.plugin

    if ran_alone:
        return

    copy_example(tmp_path / "ahead")
    copy_example(tmp_path / "here")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    assert invoke("build", "--edition", edition, cwd=tmp_path / "here", env={IN_PROCESS_VARIABLE: "1"})[0] == 0

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered in the build's own process")

    monkeypatch.setattr(generator.plugin, "site_pages", refused)
    code, output = invoke("build", "--edition", edition, cwd=tmp_path / "ahead")
    assert code == 0, output
    in_process = invoke("build", "--edition", edition, cwd=tmp_path / "here", env={IN_PROCESS_VARIABLE: "1"})
    assert in_process[0] != 0  # the fence holds
    built = {p.relative_to(tmp_path / "ahead" / "site"): p.read_bytes()
             for p in sorted((tmp_path / "ahead" / "site").rglob("*")) if p.is_file()}
    assert built == {p.relative_to(tmp_path / "here" / "site"): p.read_bytes()
                     for p in sorted((tmp_path / "here" / "site").rglob("*")) if p.is_file()}
    bundles = [next((tmp_path / name / "dist").glob("*/*.zip")).read_bytes() for name in ("ahead", "here")]
    assert bundles[0] == bundles[1]


def test_an_invalid_playbook_fails_with_the_same_message_from_the_worker(tmp_path: Path, ran_alone: bool) -> None:
    if ran_alone:
        return
    copy_example(tmp_path)
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(edit(playbook.read_text(), 'version: "3.1"   ', "version: 3.1     "))
    expected = ("playbook.yml:24:3: document.version: expected text, got the number 3.1; put it in quotes\n"
                "Build failed; site/ and dist/ are unchanged.\n")
    assert invoke("build", cwd=tmp_path) == (1, expected)
    assert invoke("build", cwd=tmp_path, env={IN_PROCESS_VARIABLE: "1"}) == (1, expected)


#: Playbooks the worker builds from while another process checks them (ahead._checked_apart): what a build says
#: must be what it says in process, to the line. Each: (name, lines of playbook.yml replaced, build options).
_CHECKED_MEANWHILE = [
    ("warnings shown before MkDocs' own", [("    fills:\n      - {role: crisis-lead, as: deputy, rank: 1}\n",
                                           "    fills: []\n")], []),
    ("warnings that fail a strict build", [("    fills:\n      - {role: crisis-lead, as: deputy, rank: 1}\n",
                                           "    fills: []\n")], ["--strict"]),
    ("an error the pages can be made of", [("    name: Employees\n    owner: hr-lead\n",
                                            "    name: Employees\n    owner: no-such-role\n")], []),
    ("an error no model can be made of", [("contacts:\n", "contacts: nonsense\nold_contacts:\n")], []),
    ("an error the pages never end with", [("    name: Employees\n    owner: hr-lead\n",
                                            "    name: Employees\n    owner: never-ending\n")], []),
]


@pytest.mark.parametrize(("edits", "options"), [case[1:] for case in _CHECKED_MEANWHILE],
                         ids=[case[0] for case in _CHECKED_MEANWHILE])
def test_a_build_that_went_on_while_the_playbook_was_checked_says_what_it_says_in_process(
        tmp_path: Path, ran_alone: bool, edits: list[tuple[str, str]], options: list[str]) -> None:
    if ran_alone:
        return
    copy_example(tmp_path)
    playbook = tmp_path / "playbook.yml"
    text = playbook.read_text(encoding="utf-8")
    for old, new in edits:
        text = edit(text, old, new)
    playbook.write_text(text, encoding="utf-8")
    (tmp_path / "content" / "links.md").write_text("# Links\n\nSee [nowhere](nowhere.md).\n", encoding="utf-8")
    # A page template that never ends for an audience owned by 'never-ending', which the check refuses (no such
    # role): the build stops at the check's error without waiting for the worker (a model of a playbook that was
    # not checked may do anything).
    (tmp_path / "templates" / "glossary.md.j2").write_text(
        "# Glossary\n{% for a in playbook.audiences if a.owner == 'never-ending' %}"
        "{% for _ in range(10 ** 15) %}{% endfor %}{% endfor %}\n", encoding="utf-8")
    in_process = invoke("build", *options, cwd=tmp_path, env={IN_PROCESS_VARIABLE: "1"})
    assert "nowhere.md" in in_process[1] or in_process[0] == 1
    assert invoke("build", *options, cwd=tmp_path) == in_process


def test_a_check_that_has_not_ended_is_waited_for_only_when_asked(ran_alone: bool) -> None:
    """take(speculate=True) hands over the pages before the check has said anything; verdict() says nothing until
    it has, then what it said. A checker that dies is replaced by the check in this process."""
    if ran_alone:
        return
    verdict_read, verdict_write = os.pipe()
    go = _streamed(PAGES, verdict=verdict_read)
    taken = ahead.take(REQUEST, speculate=True)
    assert taken is not None and taken.settled is False and taken.pages is not None
    assert taken.pages[0].markdown == "# Home\n"
    assert ahead.verdict(block=False) is None
    with os.fdopen(verdict_write, "wb") as out:
        pickle.dump(("valid", ["a warning"]), out)
    assert ahead.verdict(block=True) == ("valid", ["a warning"])
    os.close(go)
    ahead.discard()
    # Unasked, take waits for the check; a checker that ends without a word is replaced by the check here.
    verdict_read, verdict_write = os.pipe()
    os.close(verdict_write)
    os.close(_streamed(PAGES, verdict=verdict_read))
    with pytest.raises(PlaybookError) as here:  # REQUEST's playbook does not exist
        ahead.open_as(REQUEST)
    assert ahead.take(REQUEST) == ahead.Outcome(error=str(here.value))  # the check here says so
    ahead.discard()


def test_a_failed_check_ends_the_worker_and_a_page_waited_for_says_the_checks_error(tmp_path: Path,
                                                                                   ran_alone: bool) -> None:
    from generator import Loaded
    from generator.errors import RenderError

    if ran_alone:
        return
    playbook = tmp_path / "playbook.yml"
    playbook.write_text("document: {}\n", encoding="utf-8")
    loaded = Loaded.of(playbook, "playbook.yml", False)
    verdict_read, verdict_write = os.pipe()
    worker = os.fork()
    if worker == 0:  # a worker that would render forever
        try:
            ahead._checked_apart(loaded, False, verdict_write)
            while True:
                time.sleep(1)
        finally:
            os._exit(0)
    os.close(verdict_write)
    deadline = time.monotonic() + 60
    while (ended := os.waitpid(worker, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if ended[0] == 0:  # never a test that hangs: end it, and fail
        os.kill(worker, signal.SIGKILL)
        os.waitpid(worker, 0)
    assert ended[0] == worker and os.waitstatus_to_exitcode(ended[1]) == -signal.SIGKILL
    # The build's own process, waiting for a page of a worker that ended without it, gets the check's error.
    go = _streamed(PAGES, stop=1, verdict=verdict_read)
    os.close(go)
    taken = ahead.take(REQUEST, speculate=True)
    assert taken is not None and taken.pages is not None
    with pytest.raises(RenderError) as caught:
        _ = taken.pages[1].markdown
    assert str(caught.value) == ("playbook.yml:1:1: this playbook is in format 1; this tool reads format 2; run "
                                 "`playbook migrate playbook.yml` to rewrite it (comments are kept)")
    ahead.discard()


def test_a_page_that_fails_to_render_fails_the_build_as_it_does_in_process(tmp_path: Path, ran_alone: bool) -> None:
    """The worker meets the error while MkDocs converts the pages before it: the same message, and the last good
    site kept."""
    if ran_alone:
        return
    copy_example(tmp_path)
    assert invoke("build", cwd=tmp_path)[0] == 0
    before = {p: p.read_bytes() for p in sorted((tmp_path / "site").rglob("*")) if p.is_file()}
    (tmp_path / "templates" / "glossary.md.j2").write_text("# Glossary\n\n{{ no_such_value.term }}\n",
                                                            encoding="utf-8")
    expected = (f"{tmp_path}/templates/glossary.md.j2:3: UndefinedError: 'no_such_value' is undefined "
                "(while rendering page 'glossary.md')\nBuild failed; site/ and dist/ are unchanged.\n")
    in_process = invoke("build", cwd=tmp_path, env={IN_PROCESS_VARIABLE: "1"})
    assert in_process == (1, expected)
    assert invoke("build", cwd=tmp_path) == in_process
    assert {p: p.read_bytes() for p in sorted((tmp_path / "site").rglob("*")) if p.is_file()} == before


def test_what_the_worker_was_not_asked_is_not_taken(tmp_path: Path, ran_alone: bool) -> None:
    if ran_alone:
        return
    config = copy_example(tmp_path)
    ahead.start(config, edition=None, language=None)
    assert ahead._worker is not None
    pid = ahead._worker.pid
    found = settings(config)
    assert found is not None
    asked = ahead.request_for(config, found, None, None)
    assert asked.public is False
    assert ahead.take(Request(**{**asked.__dict__, "public": True})) is None
    with pytest.raises(ChildProcessError):  # the worker was ended and reaped
        os.waitpid(pid, os.WNOHANG)
    ahead.start(config, edition=None, language=None)
    taken = ahead.take(asked)
    assert taken is not None and taken.tag == "en" and taken.pages
    here = ahead.generate(asked).pages
    assert here is not None
    assert [(p.path, p.title, p.markdown) for p in taken.pages] == [(p.path, p.title, p.markdown) for p in here]
    ahead.discard()


def test_the_workers_defaults_are_the_plugins() -> None:
    """A default the worker guessed otherwise would only cost the overlap (nothing taken); pinned, so it never does."""
    from generator.plugin import PlaybookConfig

    assert {name: getattr(PlaybookConfig, name).default for name in ahead._DEFAULTS} == ahead._DEFAULTS


def _streamed(pages: list[Page], *, request: Request | None = None, hold: int | None = None,
              stop: int | None = None, then: tuple[str, str] | None = None, verdict: int | None = None) -> int:
    """Start a worker that sends the head (asked ``request``, default REQUEST) and ``pages``. Before page ``hold``
    it waits until the pipe returned is written to or closed; before page ``stop`` it sends ``then`` (a message:
    kind, text), if any, and ends. With ``verdict`` (a pipe's end to read), the head is unsettled: the check's
    verdict comes through that pipe."""
    go_read, go_write = os.pipe()

    def work(send: Callable[[object], None]) -> None:
        send((request or REQUEST, ahead.Outcome(opened=Opened(None, []), tag="en", settled=verdict is None,  # type: ignore[arg-type]
                                                titles=[(p.path, p.title) for p in pages])))
        for place, page in enumerate(pages):
            if place == hold:
                os.read(go_read, 1)
            if place == stop:
                break
            send(("page", page))
        if then is not None:
            send(then)

    pid, read = ahead._forked(work)
    os.close(go_read)
    ahead._worker = ahead._Stream(pid, read, verdict)
    return go_write


REQUEST = Request(playbook=Path("/p/playbook.yml"), display_name="playbook.yml", strict=False, private=False,
                  templates=Path("/p/templates"), public=False, language=None, public_key=Path("/p/signing.pub"),
                  protected=False)
PAGES = [Page("index.md", "Home", "# Home\n"), Page("contacts.md", "Contacts", "# Contacts\n"),
         Page("print.md", "Print", "# Print\n")]


def test_a_page_is_handed_over_while_the_worker_still_renders_the_next(ran_alone: bool) -> None:
    if ran_alone:
        return
    go = _streamed(PAGES, hold=1)
    taken = ahead.take(REQUEST)
    assert taken is not None and taken.opened == Opened(None, []) and taken.pages is not None  # type: ignore[arg-type]
    assert [(p.path, p.title) for p in taken.pages] == [("index.md", "Home"), ("contacts.md", "Contacts"),
                                                        ("print.md", "Print")]
    assert taken.pages[0].markdown == "# Home\n"  # the worker waits before the second page: this did not
    os.write(go, b"x")
    os.close(go)
    assert taken.pages[1].markdown == "# Contacts\n"
    assert taken.pages[2].markdown == "# Print\n"
    ahead.discard()


def test_a_render_error_is_met_at_the_page_it_stopped_at(ran_alone: bool) -> None:
    from generator.errors import RenderError

    if ran_alone:
        return

    go = _streamed(PAGES, stop=1, then=("error", "templates/contacts.md.j2:3: UndefinedError: boom"))
    os.close(go)
    taken = ahead.take(REQUEST)
    assert taken is not None and taken.pages is not None
    assert taken.pages[0].markdown == "# Home\n"
    for later in taken.pages[1:]:
        with pytest.raises(RenderError) as caught:
            _ = later.markdown
        assert str(caught.value) == "templates/contacts.md.j2:3: UndefinedError: boom"
    assert taken.pages[0].markdown == "# Home\n"
    ahead.discard()


def test_pages_a_dead_worker_did_not_send_are_rendered_here(tmp_path: Path, ran_alone: bool) -> None:
    if ran_alone:
        return
    config = copy_example(tmp_path)
    found = settings(config)
    assert found is not None
    asked = ahead.request_for(config, found, None, None)
    here = ahead.generate(asked).pages
    assert here is not None
    os.close(_streamed(here, request=asked, stop=2))  # sends two pages, then ends without a word
    taken = ahead.take(asked)
    assert taken is not None and taken.pages is not None
    assert [p.markdown for p in taken.pages] == [p.markdown for p in here]
    ahead.discard()
