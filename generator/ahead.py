"""Stage 4 ahead of the engine: `playbook build` opens and renders the playbook in a second process while the
first imports MkDocs and loads mkdocs.yml.

Generating the pages (load, validate, model, render) is most of what a full build does beyond the engine's own
build, and it needs nothing from MkDocs. :func:`start`, called first thing by `playbook build`, forks a worker
that reads the playbook plugin's settings from mkdocs.yml as written, opens the playbook and renders the pages
of the build's first language and edition, and sends back what it was asked (a :class:`Request`) and what came
of it (an :class:`Outcome`, pickled). The plugin's on_config builds the Request it would itself make and
:func:`take` hands over the outcome only when the two are equal; anything else (another playbook, edition,
language or templates folder than the worker guessed; a worker that failed; no fork on this system; threads
already running, where forking is unsafe; $PLAYBOOK_IN_PROCESS set) and the plugin does the work in process,
as plain `mkdocs build` always does. An error comes back as the text the plugin would have raised.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

#: Set (any value but empty or 0): `playbook build` generates the pages in its own process.
IN_PROCESS_VARIABLE = "PLAYBOOK_IN_PROCESS"
#: Set by `playbook publish` for the build mike runs: the edition published, over mkdocs.yml's (plugin.py).
EDITION_VARIABLE = "PLAYBOOK_EDITION"
#: The plugin's settings the worker reads from mkdocs.yml, and their defaults (plugin.PlaybookConfig's).
_DEFAULTS = {"playbook": "playbook.yml", "templates": "templates", "private": "contacts.private.yml",
             "strict": False, "edition": "internal", "language": None}


@dataclass(frozen=True)
class Request:
    """What the pages are generated from: the arguments of open_playbook and of render_pages."""

    playbook: Path
    display_name: str
    strict: bool
    private: Path | Literal[False]  #: as open_playbook takes it (False: no private file)
    templates: Path
    public: bool
    language: str | None  #: as asked (--language, the plugin's ``language:``); None: the plan's own


@dataclass(frozen=True)
class Outcome:
    """The playbook opened (or the text of why not), and the pages in language ``tag`` (or why not)."""

    opened: Any = None
    error: str | None = None
    tag: str = ""
    pages: list[Any] | None = None
    render_error: str | None = None


_worker: tuple[int, int] | None = None  # its pid, and the pipe's end it writes to


def start(config_file: Path, *, edition: str | None, language: str | None) -> None:
    """Fork the worker, where that is safe; else nothing (the plugin then generates in process)."""
    global _worker
    discard()  # one left by a build that stopped early, in a process that builds again (tests)
    if os.environ.get(IN_PROCESS_VARIABLE, "") not in ("", "0") or not hasattr(os, "fork") \
            or threading.active_count() > 1:
        return
    # What both processes need, imported once, before the fork: the worker then spends its time generating,
    # and this process would import them anyway (the plugin uses them).
    from . import model, multilingual, render, translations  # noqa: F401

    _worker = _forked(lambda: _worked(config_file, edition, language))
    atexit.register(discard)


def _forked(work: Callable[[], Any]) -> tuple[int, int]:
    """A child process that does ``work`` and writes what it returns, pickled, to a pipe: its pid, and the
    pipe's end to read. The child ends there whatever happens, never returning into the caller (nothing
    written: the reader gets nothing to unpickle)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            said = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as stream:
                stream.write(said)
        finally:
            os._exit(0)
    os.close(write)
    return pid, read


def take(request: Request) -> Outcome | None:
    """The worker's outcome when it was asked ``request``; else None (and the worker is ended). Once."""
    global _worker
    if _worker is None:
        return None
    pid, read = _worker
    _worker = None
    with os.fdopen(read, "rb") as stream:
        said = stream.read()
    os.waitpid(pid, 0)
    try:
        asked, outcome = pickle.loads(said)
    except Exception:  # noqa: BLE001  (a worker that died: nothing to take, the plugin works in process)
        return None
    return outcome if asked == request else None


def discard() -> None:
    """End a worker nobody took (the build stopped before the plugin ran)."""
    global _worker
    if _worker is None:
        return
    pid, read = _worker
    _worker = None
    os.close(read)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


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


def request_for(config_file: Path, found: dict[str, Any], edition: str | None, language: str | None) -> Request:
    """The Request the plugin makes of these settings (see plugin._generate_pages)."""
    project = config_file.resolve().parent
    private = (project / found["private"]).resolve()
    named = found["private"] != _DEFAULTS["private"]
    chosen = os.environ.get(EDITION_VARIABLE) or edition or found["edition"]
    return Request(playbook=(project / found["playbook"]).resolve(), display_name=found["playbook"],
                   strict=found["strict"], private=private if private.exists() or named else False,
                   templates=(project / found["templates"]).resolve(), public=chosen == "public",
                   language=language if language is not None else found["language"])


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


def generate(request: Request, *, in_two: bool = False) -> Outcome:
    """Open the playbook and render its pages as ``request`` says; errors as the plugin would say them.
    ``in_two``: rendered in two processes (:func:`render_in_two`)."""
    from .errors import PlaybookError
    from .i18n import language
    from .model import public_edition
    from .multilingual import plan_in_language
    from .render import render_pages

    try:
        opened = open_as(request)
    except PlaybookError as exc:
        return Outcome(error=str(exc))
    playbook = public_edition(opened.playbook) if request.public else opened.playbook
    tag = first_tag(playbook, request.language)
    try:
        chosen = language(tag)
    except PlaybookError:  # no catalogue: the plugin decides (a warning, or a strict build's error)
        return Outcome(opened=opened, tag=tag)
    try:
        pages = render_in_two(plan_in_language(playbook, tag), request.templates, chosen) if in_two \
            else render_pages(plan_in_language(playbook, tag), request.templates, chosen)
    except PlaybookError as exc:
        return Outcome(opened=opened, tag=tag, render_error=str(exc))
    return Outcome(opened=opened, tag=tag, pages=pages)


def render_in_two(playbook: Any, templates: Path, language: Any) -> list[Any]:
    """render_pages, half the pages in a second worker (forked here, so the model is not sent to it): the build's
    own process only waits for the pages by then, so the two halves have the two cores. The same pages in the
    same order, and the same first error (render.render_share).

    Raises:
        RenderError: as render_pages.
    """
    from .errors import RenderError
    from .render import render_share

    pid, read = _forked(lambda: render_share(playbook, templates, language, 1, 2))
    mine = render_share(playbook, templates, language, 0, 2)
    with os.fdopen(read, "rb") as stream:
        said = stream.read()
    os.waitpid(pid, 0)
    try:
        theirs = pickle.loads(said)
    except Exception:  # noqa: BLE001  (the second worker died: its half is rendered here)
        theirs = render_share(playbook, templates, language, 1, 2)
    errors = [share.error for share in (mine, theirs) if share.error is not None]
    if errors:
        raise RenderError(min(errors)[1])
    return [page for _place, page in sorted({**mine.pages, **theirs.pages}.items())]


def _worked(config_file: Path, edition: str | None, language: str | None) -> tuple[Request | None, Outcome | None]:
    found = settings(config_file)
    if found is None or not isinstance(found.get("strict"), bool) or not all(
            isinstance(found.get(key), str) for key in ("playbook", "templates", "private", "edition")):
        return None, None
    request = request_for(config_file, found, edition, language)
    return request, generate(request, in_two=True)
