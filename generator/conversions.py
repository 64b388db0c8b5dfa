"""Pages' Markdown converted on the machine's second core while MkDocs works on the first: in `playbook serve`
(:class:`ConversionWorker`) and in `playbook build` (:func:`in_two`).

MkDocs converts a build's pages one after another, on one core. When MkDocs asks for its first conversion of a
build, every other page's Markdown can be known already: it is the generated page's (or content/ file's) text with
what the playbook plugin's on_page_markdown adds, where that is the only plugin that sees a page's Markdown
(:func:`speculated`).

`playbook serve`: after a save, MkDocs converts the pages whose Markdown changed: after a checklist edit, eight
pages, the phase's, the home page, the five exercise packs and the print page, half of a rebuild. A worker
process, forked once when the server starts (before it starts any thread), converts the last ones while the
server converts the first. Of the pages whose conversion is not kept (serve.RenderedPages), the last ones in
MkDocs' order, 40 % of the text, go to the worker at once. A result from the worker is used for a page only where
everything the conversion reads (RenderedPages' key) is what MkDocs then asks for; anything else is converted
here. A worker that failed on a page, or is gone, leaves the page to be converted here; a worker that is gone is
not asked again.

`playbook build`: every page is converted, so the two processes share them out as they go (:func:`in_two`).

Either way, what a conversion there logged (a link to a missing page) is logged here when the page is reached, as
it would have been. Nothing is forked where the system cannot fork, where threads already run (forking is unsafe
then), or with $PLAYBOOK_IN_PROCESS set: every page is converted here.
"""
from __future__ import annotations

import contextlib
import logging
import mmap
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from . import ahead
from .ahead import IN_PROCESS_VARIABLE

#: The worker takes the last pages to convert until it has this share of their text; the server converts the rest
#: and does the rest of the build. After a checklist edit (the example, in process, 8 rebuilds each, in turn with no
#: worker): 0.4, 0.41 against 0.52 s; 0.5, 0.40 against 0.51 s, but the server waited 0.08 s for the worker at
#: the print page (under load it waits longer: the worker has no core of its own then); 0.6, 0.43 against 0.53 s.
WORKER_SHARE = 0.4


class _Settings(dict):  # type: ignore[type-arg]
    """What a page's conversion reads of mkdocs.yml (Page and MkDocs' tree processors): by key and by name."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def read_settings(config: Any) -> dict[str, Any]:
    """The settings whose values a page's conversion reads: the Markdown extensions and their settings, whether
    addresses are folders, and the link checks (``absolute_links: relative_to_docs`` changes a link; the others
    what is logged). As plain values: part of serve.RenderedPages' key, and sent to the worker."""
    links = config.validation.links
    return {"markdown_extensions": config["markdown_extensions"], "mdx_configs": config["mdx_configs"],
            "use_directory_urls": config.use_directory_urls,
            "links": (links.absolute_links, links.unrecognized_links, links.not_found, links.anchors)}


def settings_of(config: Any) -> dict[str, Any]:
    """What the worker needs of the configuration to convert a page: :func:`read_settings`, and where the site is
    written (File objects are made with it; no conversion reads it)."""
    return {**read_settings(config), "site_dir": config.site_dir}


def _configuration(settings: dict[str, Any]) -> _Settings:
    absolute, unrecognized, not_found, anchors = settings["links"]
    links = _Settings(absolute_links=absolute, unrecognized_links=unrecognized, not_found=not_found, anchors=anchors)
    return _Settings(markdown_extensions=settings["markdown_extensions"], mdx_configs=settings["mdx_configs"],
                     use_directory_urls=settings["use_directory_urls"], site_dir=settings["site_dir"],
                     validation=_Settings(links=links), site_url=None, repo_url=None, edit_uri=None,
                     edit_uri_template=None)


def conversion(page: Any) -> tuple[Any, ...]:
    """What MkDocs' conversion of ``page`` (Page.render) gave it: its HTML, table of contents, title, anchors and the
    anchors its links point to (by file), as plain values that can be kept and sent."""
    links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
    return (page.content, page.toc, page._title_from_render, set(page.present_anchor_ids or ()), links)


def give(page: Any, converted: tuple[Any, ...], files: Any) -> None:
    """Give ``page`` a :func:`conversion` made elsewhere (kept, or made by a worker), as its own conversion would."""
    page.content, page.toc, page._title_from_render, anchors, links = converted
    page.present_anchor_ids = set(anchors)
    page.links_to_anchors = {files.get_file_from_path(uri): value for uri, value in links.items()
                             if files.get_file_from_path(uri) is not None}


def log_said(said: list[tuple[str, int, str]]) -> None:
    """Log here what a worker's conversion logged, as the conversion here would have."""
    for name, level, message in said:
        logging.getLogger(name).log(level, message)


class _Said(logging.Handler):
    """What MkDocs logs while the worker converts a page."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    @classmethod
    def instead(cls) -> _Said:
        """In a worker: what MkDocs logs kept, and not said by the handlers that came along with the fork (the
        process that forked it says it, when it comes to the page)."""
        said = cls()
        mkdocs_logger = logging.getLogger("mkdocs")
        mkdocs_logger.handlers = [said]
        mkdocs_logger.propagate = False
        return said

    def converted(self, page_of: Callable[[], Any], markdown: str, config: Any, files: Any, convert: Any) -> Any:
        """In a worker: the page ``page_of()`` converted from ``markdown`` by ``convert`` (Page.render as MkDocs has
        it), as :func:`conversion`, with what MkDocs logged meanwhile; None where that failed (the process that
        forked the worker converts the page itself, and meets the failure)."""
        self.records.clear()
        try:
            page = page_of()
            page.markdown = markdown
            convert(page, config, files)
            return conversion(page), list(self.records)
        except Exception:  # noqa: BLE001  (whatever the conversion raises is met again where the page is converted)
            return None


def _convert_forever(requests: Connection, results: Connection) -> None:
    """The worker: for each batch (a build's), each page converted as MkDocs would, and sent back with what was
    logged; None for a page whose conversion failed (the server converts it, and meets the failure itself)."""
    from mkdocs.structure.files import File, Files, InclusionLevel
    from mkdocs.structure.pages import Page

    said = _Said.instead()
    while True:
        try:
            batch, settings, addresses, jobs = requests.recv()
        except EOFError:  # the server is gone
            return
        config = _configuration(settings)
        files = Files([File(src_uri, None, config.site_dir, config.use_directory_urls, dest_uri=dest_uri,
                            inclusion=InclusionLevel[inclusion]) for src_uri, dest_uri, inclusion in addresses])
        for number, src_uri, markdown in jobs:
            made = partial(Page, None, files.get_file_from_path(src_uri), config)  # type: ignore[arg-type]
            results.send((batch, number, said.converted(made, markdown, config, files, Page.render)))


#: A page to convert: its number in the build, its file (src_uri) and its Markdown.
Job = tuple[int, str, str]
#: The results pipe's size asked for (Linux: up to /proc/sys/fs/pipe-max-size, 1 MiB by default): the worker writes
#: each page's HTML into it as soon as it is converted, and the server reads it only when MkDocs comes to the page;
#: with the system's 64 KiB a page's result filled it, and the worker waited there instead of converting the next.
PIPE_BYTES = 1 << 20


def _widened(descriptor: int) -> None:
    """The pipe of ``descriptor`` made :data:`PIPE_BYTES` large where the system allows (else as it is)."""
    try:
        import fcntl

        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


class ConversionWorker:
    """The worker process, and the pages of this build sent to it."""

    def __init__(self, pid: int, requests: Connection, results: Connection) -> None:
        self.pid, self.requests, self.results = pid, requests, results
        self.alive = True
        self.batch = 0
        #: This build's pages sent to the worker: the number of each, by RenderedPages' key.
        self.sent: dict[tuple[Any, ...], int] = {}
        self.received: dict[int, Any] = {}
        #: Results still to come from the worker (of this build or an earlier one that stopped).
        self.outstanding = 0
        #: How many of the worker's conversions the server used (for tests and figures).
        self.used = 0

    @classmethod
    def start(cls) -> ConversionWorker | None:
        """The worker, forked now; None where it cannot be (see the module's text)."""
        if not hasattr(os, "fork") or os.environ.get(IN_PROCESS_VARIABLE, "") not in ("", "0") \
                or threading.active_count() > 1:
            return None
        requests_read, requests_write = os.pipe()
        results_read, results_write = os.pipe()
        _widened(results_write)
        pid = os.fork()
        if pid == 0:  # the worker
            status = 0
            try:
                os.close(requests_write)
                os.close(results_read)
                _convert_forever(Connection(requests_read, writable=False), Connection(results_write, readable=False))
            except BaseException:  # noqa: BLE001  (a worker that fails just ends: the server converts every page)
                status = 1
            finally:
                os._exit(status)
        os.close(requests_read)
        os.close(results_write)
        return cls(pid, Connection(requests_write, readable=False), Connection(results_read, writable=False))

    def stop(self) -> None:
        """Close the pipes (the worker ends at them) and wait for it."""
        if self.pid:
            for connection in (self.requests, self.results):
                with contextlib.suppress(OSError):
                    connection.close()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        self.alive = False

    def send(self, config: Any, files: Any, jobs: dict[tuple[Any, ...], Job]) -> None:
        """Start a build: the pages of ``jobs`` (by RenderedPages' key) go to the worker."""
        self.batch += 1
        self.sent, self.received = {}, {}
        if not self.alive or not jobs:
            return
        addresses = [(file.src_uri, file.dest_uri, file.inclusion.name) for file in files]
        try:  # a setting that cannot be sent (a function made at run time in mdx_configs): every page here
            message = pickle.dumps((self.batch, settings_of(config), addresses, list(jobs.values())),
                                   protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001  (pickle raises whatever the object's reduction raises)
            return
        try:
            while self.outstanding:  # an earlier build's results it did not read (it stopped): the pipe emptied first
                self.results.recv()
                self.outstanding -= 1
            self.requests.send_bytes(message)
        except (OSError, EOFError):
            self.alive = False
            return
        self.outstanding += len(jobs)
        self.sent = {key: number for key, (number, _, _) in jobs.items()}

    def result(self, key: tuple[Any, ...]) -> Any:
        """The worker's conversion of the page of ``key`` and what it logged; None if there is none."""
        number = self.sent.pop(key, None)
        if number is None:
            return None
        try:
            while number not in self.received:
                batch, done, result = self.results.recv()
                self.outstanding -= 1
                if batch == self.batch:
                    self.received[done] = result
        except (OSError, EOFError):
            self.alive = False
            self.sent = {}
            return None
        found = self.received.pop(number)
        if found is not None:
            self.used += 1
        return found


def share(jobs: dict[tuple[Any, ...], Job]) -> dict[tuple[Any, ...], Job]:
    """Of the pages to convert, in the order MkDocs converts them, those the worker takes: the last ones, until they
    hold :data:`WORKER_SHARE` of the text. The server converts the first ones meanwhile, and finds the worker's
    done when it comes to them; the worker converts them in that order."""
    total = sum(len(markdown) for _, _, markdown in jobs.values())
    taken: list[tuple[tuple[Any, ...], Job]] = []
    held = 0
    for key, job in reversed(jobs.items()):
        if held >= total * WORKER_SHARE:
            break
        taken.append((key, job))
        held += len(job[2])
    return dict(reversed(taken))


def speculated(config: Any, files: Any) -> list[tuple[Any, str]]:
    """Every page's Markdown as MkDocs will have it when it converts the page: its text without front matter, as
    the playbook plugin's on_page_markdown gives it back. Empty where another plugin may change a page before its
    conversion (on_pre_page, on_page_read_source, on_page_markdown), and without the pages MkDocs has no Page for
    yet (outside the navigation)."""
    from mkdocs.utils.meta import get_data

    from .plugin import PlaybookPlugin

    events = config.plugins.events
    handlers = events["page_markdown"]
    if events["pre_page"] or events["page_read_source"] \
            or not all(isinstance(getattr(handler, "__self__", None), PlaybookPlugin) for handler in handlers):
        return []
    pages = []
    for file in files.documentation_pages():
        if file.page is None:
            continue
        try:
            markdown, _ = get_data(file.content_string)
        except (OSError, ValueError):
            continue  # MkDocs says why when it reads the page
        for handler in handlers:
            markdown = handler(markdown, page=file.page, config=config, files=files)
        pages.append((file, markdown))
    return pages


#: True while `playbook build` runs (:func:`two_cores_allowed`): its MkDocs builds convert pages on two cores.
in_two_allowed = False


@contextmanager
def two_cores_allowed() -> Iterator[None]:
    """For `playbook build` (cli.py): the MkDocs builds it runs meanwhile convert their pages on two cores
    (:func:`in_two`); not the next command's of the same process (tests run many)."""
    global in_two_allowed
    in_two_allowed = True
    try:
        yield
    finally:
        in_two_allowed = False


@contextmanager
def in_two() -> Iterator[None]:
    """While MkDocs builds (`playbook build`): its pages converted on two cores. MkDocs converts the pages one after
    another, on one core, most of a build. Once every page's Markdown is known (at the first conversion, or when the
    last page has come from the worker of ahead.py, which renders them), a process forked from this one (so it has
    MkDocs' configuration, files and pages as they are) converts pages from the last one backwards while this one
    goes on from the first forwards; each takes the next page not yet taken by the other (:class:`_Halves`), until
    they meet. A page the other process converted is given its conversion (:func:`give`) and what the conversion
    logged; the build's pages are the same, byte for byte. Nothing of it where it is not allowed (``in_two_allowed``,
    $PLAYBOOK_IN_PROCESS), where the system cannot fork or threads already run (forking is unsafe then), or where a
    plugin other than the playbook's may change a page's Markdown before its conversion (see :func:`speculated`)."""
    from mkdocs.structure.pages import Page

    if not in_two_allowed or not hasattr(os, "fork") or os.environ.get(IN_PROCESS_VARIABLE, "") not in ("", "0"):
        yield
        return
    convert = Page.render
    halves = _Halves(convert)

    def render(page: Any, config: Any, files: Any) -> None:
        halves.render(page, config, files)

    Page.render = render  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Page.render = convert  # type: ignore[method-assign]
        halves.end()


#: How long the build's own process waits for the lock of :class:`_Shares` before it takes the other process for
#: dead and converts every page itself.
LOCK_WAIT = 10.0


class _Shares:
    """How two processes share out a build's pages: the next page from the front is the build's own process's, the
    next from the back the other's; the two numbers are kept in memory both processes share (made before the fork),
    and read and changed under a lock."""

    _NUMBERS = struct.Struct("qq")

    def __init__(self, count: int) -> None:
        import multiprocessing

        self.lock = multiprocessing.get_context("fork").Lock()
        self.memory = mmap.mmap(-1, self._NUMBERS.size)  # anonymous: shared with the children forked after
        self.memory[:] = self._NUMBERS.pack(0, count)

    def front(self, number: int) -> bool | None:
        """Take the page ``number`` for the build's own process; False when the other process has it; None when the
        lock was not free for :data:`LOCK_WAIT` seconds (the other process died holding it: a live one holds it for
        microseconds)."""
        if not self.lock.acquire(timeout=LOCK_WAIT):
            return None
        try:
            front, back = self._NUMBERS.unpack(self.memory)
            if number >= back:
                return False
            self.memory[:] = self._NUMBERS.pack(max(front, number + 1), back)
            return True
        finally:
            self.lock.release()

    def back(self) -> int | None:
        """Take the last page not taken for the other process: its number; None when none is left."""
        with self.lock:
            front, back = self._NUMBERS.unpack(self.memory)
            if back <= front:
                return None
            self.memory[:] = self._NUMBERS.pack(front, back - 1)
            return int(back) - 1


class _Halves:
    """One build's pages converted by two processes: this one from the front, a forked one from the back."""

    def __init__(self, convert: Any) -> None:
        self.convert = convert
        self.started = False  #: the other process was forked, or will not be
        self.converted: set[str] = set()  #: the pages converted here before it was (by src_uri)
        #: The pages shared out, by src_uri: the number of each, and the Markdown it was converted from.
        self.jobs: dict[str, tuple[int, str]] = {}
        self.pid = 0
        self.results: Connection | None = None
        self.received: dict[int, Any] = {}
        self.shares: _Shares | None = None
        #: How many of the other process's conversions were used (for tests and figures).
        self.used = 0

    def render(self, page: Any, config: Any, files: Any) -> None:
        src_uri = page.file.src_uri
        if not self.started and ahead.pages_arrived():
            self._start(config, files, first=src_uri)
        self._drain()
        job = self.jobs.get(src_uri)
        if job is None or not self._taken_there(job[0]) or job[1] != page.markdown:
            self.convert(page, config, files)
            self.converted.add(src_uri)
            return
        found = self._result(job[0])
        if found is None:  # the other process failed on the page, or is gone
            self.convert(page, config, files)
            return
        converted, said = found
        log_said(said)
        give(page, converted, files)
        self.used += 1

    def _start(self, config: Any, files: Any, *, first: str) -> None:
        self.started = True
        if threading.active_count() > 1:
            return
        jobs = [(file, markdown) for file, markdown in speculated(config, files)
                if file.src_uri != first and file.src_uri not in self.converted]
        if len(jobs) < 2:
            return
        self.jobs = {file.src_uri: (number, markdown) for number, (file, markdown) in enumerate(jobs)}
        shares = self.shares = _Shares(len(jobs))
        read, write = os.pipe()
        _widened(write)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                os.close(read)
                self._convert_from_the_back(jobs, shares, config, files, Connection(write, readable=False))
            except BaseException:  # noqa: BLE001  (the build's own process converts what it does not get)
                status = 1
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.results = pid, Connection(read, writable=False)

    def _convert_from_the_back(self, jobs: list[tuple[Any, str]], shares: _Shares, config: Any, files: Any,
                               results: Connection) -> None:
        """The other process: the last page not yet taken, converted and sent, until the two meet."""
        said = _Said.instead()
        while (back := shares.back()) is not None:
            file, markdown = jobs[back]
            results.send((back, said.converted(partial(getattr, file, "page"), markdown, config, files, self.convert)))

    def _taken_there(self, number: int) -> bool:
        """Whether the page ``number`` is the other process's; else it is this one's from now on (and every page is,
        once the other process is ended: see _Shares.front)."""
        if self.pid == 0 or self.shares is None:
            return False
        taken = self.shares.front(number)
        if taken is None:
            self.end()
            self.jobs = {}
            return False
        return not taken

    def _drain(self) -> None:
        """Take the other process's conversions sent by now, without waiting: the pipe never fills while this
        process converts its own pages (the other would then wait instead of converting)."""
        try:
            while self.results is not None and self.results.poll():
                done, result = self.results.recv()
                self.received[done] = result
        except (OSError, EOFError):  # it is gone: _result finds out
            pass

    def _result(self, number: int) -> Any:
        """The other process's conversion of the page ``number`` and what it logged; None if there is none."""
        if self.results is None:
            return None
        try:
            while number not in self.received:
                done, result = self.results.recv()
                self.received[done] = result
        except (OSError, EOFError):  # it is gone: the pages it took and did not send are converted here
            return None
        return self.received.pop(number)

    def end(self) -> None:
        """The other process ended (it may still be converting, when the build stopped) and reaped; once."""
        if self.pid:
            pid, self.pid = self.pid, 0
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if self.results is not None:
            self.results.close()
            self.results = None
        if self.shares is not None:
            self.shares.memory.close()
            self.shares = None
