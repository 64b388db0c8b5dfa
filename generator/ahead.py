"""Stage 4 ahead of the engine: `playbook build` opens and renders the playbook in a second process while the
first runs MkDocs, and hands MkDocs each page as soon as it is rendered.

Generating the pages (load, validate, model, render) is most of what a full build does beyond the engine's own
build, and it needs nothing from MkDocs. :func:`start`, called first thing by `playbook build`, forks a worker
that reads the playbook plugin's settings from mkdocs.yml as written and opens the playbook; it sends back what it
was asked (a :class:`Request`) and what came of it (an :class:`Outcome`: the playbook opened, and the path and
title of every page of the build's first language and edition), then renders the pages one by one in navigation
order and sends each as it is done, through a pipe, pickled. The plugin's on_config builds the Request it would
itself make and :func:`take` hands over the outcome only when the two are equal; anything else (another playbook,
edition, language or templates folder than the worker guessed; a worker that failed; no fork on this system;
threads already running, where forking is unsafe; $PLAYBOOK_IN_PROCESS set) and the plugin does the work in
process, as plain `mkdocs build` always does. The pages taken are :class:`StreamedPage`: reading one's Markdown
waits for it, so MkDocs converts the first pages while the worker renders the next. An error comes back as the
text the plugin would have raised; a worker that dies mid-way leaves the rest of the pages to be rendered here.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .errors import PlaybookError
from .render import Page

#: Set (any value but empty or 0): `playbook build` generates the pages in its own process.
IN_PROCESS_VARIABLE = "PLAYBOOK_IN_PROCESS"
#: Set by `playbook publish` for the build mike runs: the edition published, over mkdocs.yml's (plugin.py).
EDITION_VARIABLE = "PLAYBOOK_EDITION"
#: The plugin's settings the worker reads from mkdocs.yml, and their defaults (plugin.PlaybookConfig's).
_DEFAULTS = {"playbook": "playbook.yml", "templates": "templates", "private": "contacts.private.yml",
             "strict": False, "edition": "internal", "language": None, "public_key": "signing.pub"}
#: The assets made of the playbook, by the name the worker sends each under (plugin.py writes them into the site).
ASSETS = ("data", "css")


@dataclass(frozen=True)
class Request:
    """What the pages are generated from: the arguments of open_playbook and of sitepages.site_pages."""

    playbook: Path
    display_name: str
    strict: bool
    private: Path | Literal[False]  #: as open_playbook takes it (False: no private file)
    templates: Path
    public: bool
    language: str | None  #: as asked (--language, the plugin's ``language:``); None: the plan's own
    public_key: Path  #: the committed public key the *Check this copy* page names, if the file exists
    protected: bool  #: the edition is sealed (`playbook build --protect`): the bundle's name says so


@dataclass(frozen=True)
class Outcome:
    """The playbook opened (or the text of why not), and the pages in language ``tag`` (or why not): ``titles``,
    the path and title of each, as soon as the playbook is open; ``pages``, the pages themselves."""

    opened: Any = None
    error: str | None = None
    tag: str = ""
    titles: list[tuple[str, str]] | None = None
    pages: list[Any] | None = None
    render_error: str | None = None
    fingerprint: str | None = None  #: of the public key the *Check this copy* page names (None: no key)
    #: False: the playbook's check has not ended yet (the worker made the model while another process checks):
    #: ``opened.warnings`` is empty for now, and what the check says comes through :func:`verdict`
    settled: bool = True


#: The worker not yet taken, and the one taken (its pages may still be coming); both ended by :func:`discard`.
_worker: _Stream | None = None
_taken: _Stream | None = None
#: How much the worker may write ahead of what this process has read (Linux lets a pipe hold this much).
_PIPE_BYTES = 1 << 20


def start(config_file: Path, *, edition: str | None, language: str | None, protected: bool = False) -> None:
    """Fork the worker, where that is safe; else nothing (the plugin then generates in process)."""
    global _worker
    discard()  # one left by a build that stopped early, in a process that builds again (tests)
    if os.environ.get(IN_PROCESS_VARIABLE, "") not in ("", "0") or not hasattr(os, "fork") \
            or threading.active_count() > 1:
        return
    # What both processes need, imported once, before the fork: the worker then spends its time generating,
    # and this process would import them anyway (the plugin uses them).
    from . import model, multilingual, render, translations  # noqa: F401

    verdict_read, verdict_write = os.pipe()
    pid, read = _forked(lambda send: _worked(config_file, edition, language, protected, send, verdict_write))
    os.close(verdict_write)
    _worker = _Stream(pid, read, verdict_read)
    atexit.register(discard)


def _forked(work: Callable[[Callable[[Any], None]], None]) -> tuple[int, int]:
    """A child process that does ``work``, which sends its messages (each pickled, in order) through a pipe: its
    pid, and the pipe's end to read. The child ends there whatever happens, never returning into the caller."""
    read, write = os.pipe()
    try:
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (AttributeError, OSError):  # not Linux, or over the system's limit: the pipe's own size
        pass
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            with os.fdopen(write, "wb") as stream:
                def send(message: Any) -> None:
                    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
                    stream.flush()
                work(send)
        finally:
            os._exit(0)
    os.close(write)
    return pid, read


class _Broken(Exception):
    """The worker stopped before it sent everything (it died, or what it sent was not what was expected)."""


class _Stream:
    """The worker's messages, read as they are needed: the header first, then the pages in navigation order."""

    def __init__(self, pid: int, read: int, verdict: int | None = None) -> None:
        self.pid = pid
        self.file = os.fdopen(read, "rb")
        self.verdict_file = os.fdopen(verdict, "rb") if verdict is not None else None
        self.said: tuple[str, Any] | None = None  #: the check's verdict, once read (see verdict)
        self.request: Request | None = None
        self.titles: list[tuple[str, str]] = []
        self.markdown: list[str] = []  #: of the pages received, by place
        self.assets: dict[str, str] = {}  #: received after the pages, by name (ASSETS)
        self.error: str | None = None  #: the render error the worker met after the pages received
        self.broken = False
        self.here: Outcome | None = None  #: the pages rendered in this process, after the worker broke

    def receive(self) -> Any:
        try:
            return pickle.load(self.file)
        except Exception as exc:  # EOF, a truncated or foreign message: the worker is gone
            raise _Broken from exc

    def page(self, place: int) -> str:
        """The Markdown of the page at ``place``, waiting for it.

        Raises:
            RenderError: the first page that failed to render is at or before ``place``.
        """
        from .errors import RenderError

        while place >= len(self.markdown) and self._next():
            pass
        if place < len(self.markdown):
            return self.markdown[place]
        if self.error is not None:
            raise RenderError(self.error)
        if self.verdict_file is not None or self.said is not None:  # the worker may have been ended by the check
            said = self.verdict(block=True)
            if said is not None and said[0] == "invalid":
                raise RenderError(said[1])
        return self._rendered_here(place)

    def asset(self, name: str) -> str | None:
        """The asset ``name`` (one of ASSETS), waiting for it; None when the worker will not send it (it stopped)."""
        while name not in self.assets and self._next():
            pass
        return self.assets.get(name)

    def _next(self) -> bool:
        """Take the worker's next message; False when there are no more (it ended, stopped at an error, or broke)."""
        if self.error is not None or self.broken:
            return False
        try:
            kind, value = self.receive()
            if kind == "page" and value.path == self.titles[len(self.markdown)][0]:
                self.markdown.append(value.markdown)
            elif kind == "asset" and value[0] in ASSETS and isinstance(value[1], str):
                self.assets[value[0]] = value[1]
            elif kind == "error" and isinstance(value, str):
                self.error = value
            else:
                raise _Broken
        except (_Broken, ValueError, TypeError, AttributeError, IndexError):
            self.broken = True
            self.close()
        return self.error is None and not self.broken

    def arrived(self) -> bool:
        """Whether every page has been received, taking what the worker has sent by now without waiting for more
        (a message it is writing is read to its end). False when not every page will come from it (it stopped at a
        render error, or broke)."""
        while len(self.markdown) < len(self.titles) and self.error is None and not self.broken \
                and select.select([self.file], [], [], 0)[0]:
            self._next()
        return len(self.markdown) == len(self.titles) and self.error is None and not self.broken

    def verdict(self, *, block: bool) -> tuple[str, Any] | None:
        """What the playbook's check said: ``("valid", warnings)`` or ``("invalid", the error's text)``; None when it
        has not said it yet and ``block`` is False. A checker that died is replaced by the check in this process."""
        if self.said is None and self.verdict_file is None:
            self.said = self._checked_here() if block else None
        elif self.said is None and self.verdict_file is not None:
            if not block and not select.select([self.verdict_file], [], [], 0)[0]:
                return None
            try:
                kind, value = pickle.load(self.verdict_file)
                if (kind, type(value)) not in (("valid", list), ("invalid", str)):
                    raise _Broken
                self.said = (kind, value)
            except Exception:  # noqa: BLE001  (it died, or said something else: checked here)
                self.said = self._checked_here()
            self.verdict_file.close()
        return self.said

    def _checked_here(self) -> tuple[str, Any]:
        assert self.request is not None
        try:
            return "valid", open_as(self.request).warnings
        except PlaybookError as exc:
            return "invalid", str(exc)

    def _rendered_here(self, place: int) -> str:
        from .errors import RenderError

        assert self.request is not None  # taken
        if self.here is None:
            self.here = generate(self.request)
        if self.here.render_error is not None:
            raise RenderError(self.here.render_error)
        if self.here.pages is None or [(p.path, p.title) for p in self.here.pages] != self.titles:
            raise RenderError(self.here.error or "the pages changed while the build ran; build again")
        return str(self.here.pages[place].markdown)

    def close(self, *, verdict_too: bool = False) -> None:
        """End the worker (whatever it was doing) and reap it; once. The check's verdict can still be read (a worker
        the check ended, see _checked_apart), unless ``verdict_too``."""
        if verdict_too and self.verdict_file is not None and not self.verdict_file.closed:
            self.verdict_file.close()
        if self.pid == 0:
            return
        pid, self.pid = self.pid, 0
        self.file.close()
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


class StreamedPage(Page):
    """A generated page taken from the worker: its path and title are known, its Markdown is read (waited for) when
    first asked. Raises RenderError then, when rendering stopped at or before it."""

    _place: int
    _stream: _Stream

    def __init__(self, path: str, title: str, place: int, stream: _Stream) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "_place", place)
        object.__setattr__(self, "_stream", stream)

    @property  # type: ignore[override]  # Page's field, read-only here: the page is made by the worker
    def markdown(self) -> str:
        return self._stream.page(self._place)


def take(request: Request, *, speculate: bool = False) -> Outcome | None:
    """The worker's outcome when it was asked ``request``; else None (and the worker is ended). Once. Its pages
    are :class:`StreamedPage`. With ``speculate`` the outcome may be unsettled (its ``settled`` False): the model
    was made while the playbook is still being checked, and the caller must have :func:`verdict` say the check
    passed before anything of it leaves the process; otherwise this waits for the check."""
    global _worker, _taken
    stream, _worker = _worker, None
    if stream is None:
        return None
    try:
        asked, outcome = stream.receive()
    except _Broken:
        asked = outcome = None
    if asked != request or not isinstance(outcome, Outcome):
        stream.close(verdict_too=True)
        return None
    stream.request, stream.titles = request, outcome.titles or []
    if not outcome.settled and (not speculate or outcome.titles is None):
        outcome = _settled(outcome, stream)
        if outcome is None or outcome.error is not None:
            stream.close(verdict_too=True)
            return outcome
    if outcome.titles is None:  # nothing more comes
        stream.close(verdict_too=True)
        return outcome
    _taken = stream
    return replace(outcome, pages=[StreamedPage(path, title, place, stream)
                                   for place, (path, title) in enumerate(outcome.titles)])


def _settled(outcome: Outcome, stream: _Stream) -> Outcome | None:
    """``outcome`` once the check has ended: its error, or its warnings; None when the model could not be made of a
    playbook that passed (made again in process, it fails there as it would have)."""
    said = stream.verdict(block=True)
    assert said is not None  # it blocks until there is one
    kind, value = said
    if kind == "invalid":
        return Outcome(error=value)
    if outcome.opened is None:
        return None
    return replace(outcome, opened=replace(outcome.opened, warnings=value), settled=True)


def verdict(*, block: bool) -> tuple[str, Any] | None:
    """What the check of the playbook whose pages were taken unsettled said (see _Stream.verdict); None while it
    has not said it (``block`` False), or when there is no such check."""
    return _taken.verdict(block=block) if _taken is not None else None


def pages_arrived() -> bool:
    """Whether the pages taken from the worker have all been received (see _Stream.arrived), without waiting; True
    when no pages were taken from a worker (they were generated in process)."""
    return _taken is None or _taken.arrived()


def asset(name: str) -> str | None:
    """The asset ``name`` (ASSETS) from the worker whose pages were taken; None when it will not send it."""
    return _taken.asset(name) if _taken is not None else None


def discard() -> None:
    """End the workers: one nobody took (the build stopped before the plugin ran), one whose pages were taken."""
    global _worker, _taken
    for stream in (_worker, _taken):
        if stream is not None:
            stream.close(verdict_too=True)
    _worker = _taken = None


def settings(config_file: Path) -> dict[str, Any] | None:
    """The playbook plugin's settings as mkdocs.yml writes them (defaults filled in); None when mkdocs.yml cannot
    be read this simply (the plugin then reads it through MkDocs, in process)."""
    import yaml

    class Lenient(yaml.SafeLoader):
        """MkDocs' own tags (!ENV, !relative, !!python/name) read as nothing: the plugin's settings use none."""

    Lenient.add_multi_constructor("", lambda _loader, _suffix, _node: None)
    try:
        raw = yaml.load(config_file.read_text(encoding="utf-8"), Lenient)  # a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    plugins = raw.get("plugins") if isinstance(raw, dict) else None
    entries = plugins.items() if isinstance(plugins, dict) else \
        [next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None) for p in plugins or []]
    for name, options in entries:
        if name == "playbook":
            return {**_DEFAULTS, **(options if isinstance(options, dict) else {})}
    return None


def request_for(config_file: Path, found: dict[str, Any], edition: str | None, language: str | None,
                protected: bool = False) -> Request:
    """The Request the plugin makes of these settings (see plugin._generate_pages)."""
    project = config_file.resolve().parent
    private = (project / found["private"]).resolve()
    named = found["private"] != _DEFAULTS["private"]
    chosen = os.environ.get(EDITION_VARIABLE) or edition or found["edition"]
    return Request(playbook=(project / found["playbook"]).resolve(), display_name=found["playbook"],
                   strict=found["strict"], private=private if private.exists() or named else False,
                   templates=(project / found["templates"]).resolve(), public=chosen == "public",
                   language=language if language is not None else found["language"],
                   public_key=(project / found["public_key"]).resolve(), protected=protected)


def first_tag(playbook: Any, asked: str | None) -> str:
    """The language of a build's first (or only) site: as asked, else the plan's first site language, else its own."""
    document = playbook.document
    return asked or (document.site_languages or (document.language,))[0]


def open_as(request: Request) -> Any:
    """open_playbook as ``request`` says.

    Raises:
        PlaybookError: as open_playbook.
    """
    from . import open_playbook

    return open_playbook(request.playbook, strict=request.strict, display_name=request.display_name,
                         private=request.private)


def generate(request: Request) -> Outcome:
    """Open the playbook and render its pages as ``request`` says, in this process; errors as the plugin would
    say them."""
    try:
        opened = open_as(request)
    except PlaybookError as exc:
        return Outcome(error=str(exc))
    outcome, pages, _assets = _opened(request, opened)
    if pages is None:
        return outcome
    try:
        return replace(outcome, pages=list(pages))
    except PlaybookError as exc:
        return replace(outcome, render_error=str(exc))


def _opened(request: Request, opened: Any) -> tuple[Outcome, Iterator[Any] | None, Callable[[], dict[str, str]]]:
    """The playbook ``opened`` as ``request`` says, with the paths and titles of its site's pages
    (sitepages.site_pages); the pages, to be rendered one by one (None: there are none to render here: its language
    has no catalogue or its public key cannot be read, and the plugin decides); and its assets, to be made."""
    from .i18n import language
    from .model import public_edition
    from .multilingual import plan_in_language
    from .sign import read_public_key
    from .sitepages import site_pages

    written = public_edition(opened.playbook) if request.public else opened.playbook
    tag = first_tag(written, request.language)
    try:
        chosen = language(tag)
        public_key = read_public_key(request.public_key) if request.public_key.exists() else None
        plan = plan_in_language(written, tag)
        made = site_pages(plan, written, request.templates, chosen,
                          playbook_path=request.playbook, public_of=opened.playbook if request.public else None,
                          public_key=public_key, edition="public" if request.public else "internal",
                          protected=request.protected)
    except PlaybookError:  # no catalogue, an unreadable key: the plugin decides (a warning, or an error)
        return Outcome(opened=opened, tag=tag), None, dict
    fingerprint = public_key.fingerprint if public_key else None
    return (Outcome(opened=opened, tag=tag, titles=made.titles, fingerprint=fingerprint), made.pages,
            lambda: assets(plan, chosen))


def assets(plan: Any, chosen: Any) -> dict[str, str]:
    """The assets made of the playbook (ASSETS): the incident tools' data and the page stylesheet."""
    from .sitedata import data_script, page_css

    return {"data": data_script(plan, chosen), "css": page_css(plan, chosen)}


def _worked(config_file: Path, edition: str | None, language: str | None, protected: bool,
            send: Callable[[Any], None], verdict: int) -> None:
    """The worker: the request it guessed and the outcome's head, then each page as it is rendered (``("page",
    page)``) and the assets (``("asset", (name, text))``), or the text of the error rendering stopped at
    (``("error", text)``). Once the playbook is read, a process of its own checks it (writing its verdict to the
    pipe ``verdict``) while this one makes the model and the pages: the head is unsettled."""
    from . import Loaded, Opened, cycles_collected_after

    found = settings(config_file)
    if found is None or not isinstance(found.get("strict"), bool) or not all(
            isinstance(found.get(key), str) for key in ("playbook", "templates", "private", "edition", "public_key")):
        send((None, None))
        return
    request = request_for(config_file, found, edition, language, protected)
    checker = 0
    try:
        with cycles_collected_after():
            try:
                loaded = Loaded.of(request.playbook, request.display_name, request.private)
            except PlaybookError as exc:
                send((request, Outcome(error=str(exc))))
                return
            checker = _checked_apart(loaded, request.strict, verdict)
            try:  # made of a playbook not yet checked: used only once the check has passed (see take)
                opened = Opened(loaded.model(), [])
            except Exception:  # noqa: BLE001  (an invalid playbook can break the model: the check says why)
                send((request, Outcome(settled=False)))
                return
        try:
            outcome, pages, made = _opened(request, opened)
        except Exception:  # noqa: BLE001  (as above)
            send((request, Outcome(settled=False)))
            return
        send((request, replace(outcome, settled=False)))
        if pages is None:
            return
        try:
            for page in pages:
                send(("page", page))
            for name, text in made().items():
                send(("asset", (name, text)))
        except PlaybookError as exc:
            send(("error", str(exc)))
    finally:
        if checker:
            os.waitpid(checker, 0)


def _checked_apart(loaded: Any, strict: bool, verdict: int) -> int:
    """Fork a process that checks ``loaded`` and writes its verdict, pickled, to the pipe ``verdict``; its pid. When
    the playbook fails, it ends the worker too: a model of an invalid playbook may make rendering take any time,
    and the build's own process, waiting for a page, then finds the worker gone and asks the verdict."""
    from . import accepted

    worker = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            try:
                said: tuple[str, Any] = ("valid", accepted(loaded.problems(None), strict))
            except PlaybookError as exc:
                said = ("invalid", str(exc))
            with os.fdopen(verdict, "wb") as stream:
                pickle.dump(said, stream, protocol=pickle.HIGHEST_PROTOCOL)
            if said[0] == "invalid" and os.getppid() == worker:  # not a process that took this one over
                os.kill(worker, signal.SIGKILL)
        finally:
            os._exit(0)
    os.close(verdict)
    return pid
