"""Stage 1: read ``playbook.yml`` into plain data, remembering where every value sits.

Only plain YAML is accepted: mappings with string keys, lists and scalars. Tags
(``!!python/object``…), anchors and aliases (and with them alias bombs), duplicate
keys, several documents, very deep nesting and oversized or binary files are refused
with one message that names the file and, where there is one, the line.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
import yaml.cyaml
from yaml.composer import Composer
from yaml.events import AliasEvent, StreamEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .errors import LoadError, Problem, excerpt

#: Larger files are refused before parsing. A real playbook is far below this
#: (the example is about 60 KB); the limit keeps a runaway file from hanging the tool.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and lists; the format itself needs six levels.
MAX_DEPTH = 32
#: Longest text of one value (or key), in characters. A message body is rarely over 5,000.
MAX_TEXT = 20_000
#: Most items in one list, or keys in one mapping.
MAX_ENTRIES = 5_000
#: Most values (scalars, lists and mappings, keys included) in the whole file; the example has
#: about 5,000. Counted while parsing, so a file of a million tiny values is refused early.
MAX_NODES = 200_000
#: Positions are remembered down to this depth: no rule looks deeper (the format has six levels),
#: and a problem deeper down is shown at its nearest remembered ancestor. Remembering every one of
#: a million nodes nested 30 deep took 1 GiB and 25 s.
POSITIONS_DEPTH = 12

#: The tags plain YAML resolves to; any other tag is refused.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)

KeyPath = tuple[str | int, ...]


class Position(NamedTuple):
    """A 1-based line and column in the source file (a named tuple: one is made per value loaded, and a
    frozen dataclass took twice as long to make)."""

    line: int
    column: int


@dataclass
class Source:
    """A loaded playbook: its data and where each piece of it was written."""

    file: str
    data: dict[str, Any]
    #: For a mapping entry, where its key is written; for a list item, where the item starts.
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    #: Where each value itself starts (for a block scalar, the line of ``|``).
    value_positions: dict[KeyPath, Position] = field(default_factory=dict)
    #: Block-scalar style of string values (``|`` or ``>``), for locating lines inside them.
    styles: dict[KeyPath, str | None] = field(default_factory=dict)
    #: The source text, split into lines.
    lines: list[str] = field(default_factory=list)
    #: Offsets of the line breaks in string values, per path; built on first use (see text_position).
    _breaks: dict[KeyPath, list[int]] = field(default_factory=dict, repr=False, compare=False)
    #: The written pieces of plain and quoted multi-line texts, per path; built on first use.
    _folds: dict[KeyPath, list[tuple[int, int, int, int]]] = field(default_factory=dict, repr=False, compare=False)

    def text_position(self, path: KeyPath, offset: int) -> Position:
        """Where character ``offset`` of the string value at ``path`` is written.

        Exact for literal block scalars (``|``) and for plain or quoted ones written over several
        lines (read back through YAML's line folding); escapes in a double-quoted text and folded
        blocks (``>``) may shift the column, never the line.
        """
        start = self.value_positions.get(path) or self.position(path)
        if not self.styles.get(path):
            if not self.lines or not 0 < start.line <= len(self.lines):
                return start
            pieces = self._folded_pieces(path, start)
            piece_offset, number, column, length = pieces[bisect.bisect_right(pieces, (offset, 1 << 62)) - 1]
            return Position(number, column + min(offset - piece_offset, length))
        breaks = self._breaks.get(path)
        if breaks is None:  # once per value: thousands of blanks in one text cost one pass over it
            value = value_at(self.data, path)
            text = value if isinstance(value, str) else ""
            breaks = self._breaks[path] = [match.start() for match in re.finditer("\n", text)]
        line_in_value = bisect.bisect_left(breaks, offset)
        in_line = offset - (breaks[line_in_value - 1] + 1 if line_in_value else 0)
        line = start.line + 1 + line_in_value
        text_line = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        indent = len(text_line) - len(text_line.lstrip(" "))
        return Position(line, indent + in_line + 1)

    def _folded_pieces(self, path: KeyPath, start: Position) -> list[tuple[int, int, int, int]]:
        """The written pieces of a plain or quoted text starting at ``start``, once per value: for each
        source line, the value offset it starts at, its line, column and length. YAML folds such a
        text: a line break between two written lines is one space, each empty line between them one
        line break of the value."""
        pieces = self._folds.get(path)
        if pieces is not None:
            return pieces
        value = value_at(self.data, path)
        size = len(value) if isinstance(value, str) else 0
        first_char = self.lines[start.line - 1][start.column - 1:start.column]
        number, column = start.line, start.column + (first_char in ("'", '"'))
        line = self.lines[number - 1]
        length = len(line.rstrip()) - (column - 1)
        pieces, offset = [], 0
        while True:
            pieces.append((offset, number, column, length))
            offset += length
            empty = 0
            while number < len(self.lines) and not self.lines[number].strip():
                number, empty = number + 1, empty + 1
            offset += max(empty, 1)  # the space, or one break per empty line
            if offset >= size or number >= len(self.lines):
                break
            number += 1
            line = self.lines[number - 1]
            column = len(line) - len(line.lstrip()) + 1
            length = len(line.strip())
        self._folds[path] = pieces
        return pieces

    def position(self, path: KeyPath) -> Position:
        """Where ``path`` is written, or its nearest written ancestor."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Position(1, 1))


def value_at(data: Any, path: KeyPath) -> Any:
    """The value at ``path`` in ``data``, or None where there is none."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Refused(Exception):
    """Raised from inside the composer to stop at the first unsafe construct."""

    def __init__(self, node_or_mark: Any, message: str) -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        self.position = Position(mark.line + 1, mark.column + 1)
        self.message = message


class _PythonEvents(Reader, Scanner, Parser):
    """PyYAML's pure-Python event source, for installations without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class _PlainComposer(Composer):
    """Composes nodes from parser events, refusing anchors, aliases and deep nesting.

    A mixin over an event source (see :func:`_plain_loader`); PyYAML's own loaders stay untouched.
    """

    def __init__(self) -> None:
        Composer.__init__(self)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # from the event-source mixin
        if isinstance(event, AliasEvent):
            raise _Refused(event.start_mark, f"alias {excerpt(f'*{event.anchor}')} is not allowed; {_NO_ANCHORS}")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark, f"anchor {excerpt('&' + anchor)} is not allowed; {_NO_ANCHORS}")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(event.start_mark, f"more than {MAX_NODES:,} values in one file; the limit is "
                                             f"{MAX_NODES:,} (a playbook needs far fewer)")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels is refused")
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            self._depth -= 1


#: What a playbook is, said where a file is empty; the loaders of other files (translation files) say their own.
PLAYBOOK_STARTS = "a playbook is a YAML mapping that starts with 'document:'"
_NO_ANCHORS = "anchors and aliases are refused in a playbook, write the value out in full"


_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"


class _Yaml12Booleans(Resolver):
    """PyYAML's resolver with YAML 1.2's booleans: only true and false. ``yes``, ``no``, ``on``, ``off``
    (YAML 1.1 booleans) stay text, as editors and JSON Schema tools (YAML 1.2) read them: so
    ``out_of_band: yes`` fails in both, and ``country: NO`` is the text 'NO' in both."""

    yaml_implicit_resolvers = {  # noqa: RUF012  # PyYAML reads the table from the class
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


_Yaml12Booleans.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _plain_loader(events: type) -> type:
    """A loader class: our composer over ``events`` (an event source) with YAML 1.2's booleans."""

    class _PlainLoader(_PlainComposer, events, _Yaml12Booleans):  # type: ignore[valid-type,misc]
        def __init__(self, stream: str) -> None:
            events.__init__(self, stream)  # type: ignore[misc]
            _PlainComposer.__init__(self)
            _Yaml12Booleans.__init__(self)

    return _PlainLoader


#: Event sources by name. libyaml parses about seven times faster; composing stays in
#: Python either way, so the same checks run on both.
EVENT_SOURCES: dict[str, type] = {"python": _PythonEvents}
if yaml.__with_libyaml__:
    EVENT_SOURCES["libyaml"] = yaml.cyaml.CParser  # type: ignore[attr-defined]
_LOADERS = {name: _plain_loader(events) for name, events in EVENT_SOURCES.items()}
DEFAULT_EVENTS = "libyaml" if "libyaml" in EVENT_SOURCES else "python"


def _decode(raw: bytes, file: str, starts: str = PLAYBOOK_STARTS) -> str:
    if not raw.strip():
        raise LoadError([Problem(file, 0, 0, "", f"the file is empty; {starts}")])
    if b"\0" in raw:
        raise LoadError([Problem(file, 0, 0, "", "this is a binary file, not YAML text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            [Problem(file, line, column, "",
                     f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]
        ) from None


def _compose(text: str, file: str, events: str, starts: str = PLAYBOOK_STARTS) -> Node:
    loader: Any = None
    try:
        loader = _LOADERS[events](text)
        loader.get_event()  # StreamStart
        if loader.check_event(StreamEndEvent):
            raise LoadError([Problem(file, 0, 0, "", f"the file holds only comments; {starts}")])
        root = loader.compose_document()
        if not loader.check_event(StreamEndEvent):
            mark = loader.peek_event().start_mark
            raise LoadError(
                [Problem(file, mark.line + 1, mark.column + 1, "",
                         "a second YAML document starts here; a playbook is one document (remove the '---')")]
            )
        assert isinstance(root, Node)  # the stream was not empty
        return root
    except _Refused as refused:
        raise LoadError([Problem(file, refused.position.line, refused.position.column, "", refused.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        detail = exc.problem or "malformed YAML"
        context = f" ({exc.context})" if exc.context else ""
        hint = next((hint for start, hint in _YAML_TRAPS if detail.startswith(start)), "")
        raise LoadError([Problem(file, line, column, "", f"YAML syntax error: {detail}{context}", hint=hint)]) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else 0
        reason = getattr(exc, "reason", None) or str(exc)
        column = position - (text.rfind("\n", 0, position) + 1) + 1 if position is not None else 0
        raise LoadError([Problem(file, line, column, "", f"not plain YAML text: {reason}")]) from None
    finally:
        if loader is not None and hasattr(loader, "dispose"):
            loader.dispose()


#: The usual YAML traps behind a syntax error, and what to do (the error's start → the hint).
_YAML_TRAPS = (
    ("mapping values are not allowed", 'a colon followed by a space starts a key: if this is a sentence with a '
                                       'colon, put the whole text in quotes ("Call the bank: ask for fraud")'),
    ("did not find expected ',' or '}'", "inside {…} a text with a colon or a comma must be in quotes "
                                         '({note: "home: weekends only"})'),
    ("did not find expected ',' or ']'", "inside […] each item is separated by a comma: an item with a colon or "
                                         "a comma of its own must be in quotes "
                                         '(["Call the bank: ask for fraud", email])'),
)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, SequenceNode) else "a single value"


def _too_long(text: str) -> str:
    return (f"{len(text):,} characters of text; the limit is {MAX_TEXT:,} "
            "(shorten it, or link to a longer document)")


def _tag_refused(tag: str) -> str:
    return f"tag {excerpt(tag)} is not allowed; only plain YAML values are accepted"


#: An escaped surrogate (``"\ud800"``), which YAML reads into a string but is not a character. A regular
#: expression: a character-by-character test of every scalar was a tenth of the loading time.
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, noting positions and problems."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._scalars = yaml.SafeLoader("")

    def _problem(self, node: Node, path: KeyPath, message: str) -> None:
        position = _position(node)
        self.problems.append(Problem(self.source.file, position.line, position.column, format_path(path), message))

    def build(self, node: Node, path: KeyPath) -> Any:
        remember = len(path) < POSITIONS_DEPTH
        if remember:
            self.source.value_positions[path] = _position(node)
        if node.tag not in _PLAIN_TAGS:
            self._problem(node, path, _tag_refused(node.tag))
            return None
        if isinstance(node, (MappingNode, SequenceNode)) and len(node.value) > MAX_ENTRIES:
            what = "keys in a mapping" if isinstance(node, MappingNode) else "items in a list"
            self._problem(node, path, f"{len(node.value):,} {what}; the limit is {MAX_ENTRIES:,}")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                if remember:
                    self.source.positions[(*path, index)] = _position(item)
                items.append(self.build(item, (*path, index)))
            return items
        assert isinstance(node, ScalarNode)
        if len(node.value) > MAX_TEXT:
            self._problem(node, path, _too_long(node.value))
            return None
        if remember and node.style in ("|", ">"):
            self.source.styles[path] = node.style
        if _SURROGATE.search(node.value):
            self._problem(node, path, "contains an escaped surrogate (\\ud800-\\udfff), which is not a character")
            return None
        if node.tag == _STR:  # what PyYAML's constructor returns for text, without its bookkeeping per value
            return node.value
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self._problem(node, path, f"cannot read this value: {exc.problem}")
            return None
        except ValueError:  # e.g. a timestamp-shaped scalar that is not a real date
            self._problem(node, path, f"{excerpt(node.value)} looks like a date but is not a valid one")
            return None

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        positions: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _PLAIN_TAGS:
                self._problem(key_node, path, _tag_refused(key_node.tag))
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                if isinstance(key_node, ScalarNode):
                    kind = key_node.tag.rsplit(":", 1)[-1]
                    message = f"key {excerpt(key_node.value)} is read by YAML as a {kind}, not text; put it in quotes"
                else:
                    message = f"a key must be text, not {_describe(key_node)}"
                self._problem(key_node, path, message)
                continue
            key = key_node.value
            if len(key) > MAX_TEXT:
                self._problem(key_node, path, f"a key of {_too_long(key)}")
                continue
            if key in result:
                first = positions[key]
                self._problem(key_node, (*path, key),
                              f"duplicate key {excerpt(key)} (first written on line {first.line})")
                continue
            positions[key] = _position(key_node)
            if len(path) < POSITIONS_DEPTH:
                self.source.positions[(*path, key)] = positions[key]
            result[key] = self.build(value_node, (*path, key))
        return result


def format_path(path: KeyPath) -> str:
    """``('contacts', 3, 'fills', 0)`` → ``contacts[3].fills[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_text(text: str, file: str = "playbook.yml", *, events: str = DEFAULT_EVENTS,
              starts: str = PLAYBOOK_STARTS) -> Source:
    """Load a playbook from text; ``file`` is the name used in messages.

    ``events`` picks the YAML parser ("libyaml" or "python"); both accept and refuse the same input.
    ``starts`` says what the file should be, where it is empty or holds only comments (another kind of file:
    a translation file).
    """
    root = _compose(text, file, events, starts)
    if not isinstance(root, MappingNode):
        position = _position(root)
        raise LoadError(
            [Problem(file, position.line, position.column, "",
                     f"the top level must be a mapping of sections (document:, roles:, …), not {_describe(root)}")]
        )
    source = Source(file=file, data={}, lines=text.splitlines())
    builder = _Builder(source)
    source.data = builder.build(root, ())
    if builder.problems:
        raise LoadError(builder.problems)
    return source


def _too_large(file: str, size: str) -> LoadError:
    return LoadError([Problem(file, 0, 0, "", f"the file is {size} bytes; the limit is {MAX_FILE_BYTES:,} bytes")])


def read_bounded(path: Path, file: str) -> bytes:
    """The bytes of the regular file ``path``, at most :data:`MAX_FILE_BYTES` of them.

    A link is followed only to a file inside the folder ``path`` is in (the project): a
    ``playbook.yml`` pointing at ``/etc/shadow`` is refused, not read. Devices, pipes and sockets
    are refused before anything is read from them (``/dev/zero`` would never end).

    Raises:
        LoadError: missing, a directory, not a regular file, a link out of its folder, or too large.
    """
    folder = path.absolute().parent.resolve()
    target = path.resolve()
    if path.is_symlink() and not target.is_relative_to(folder):
        raise LoadError([Problem(file, 0, 0, "", f"is a link to {target}, outside the project; "
                                 "copy the file into the project instead")])
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise LoadError([Problem(file, 0, 0, "", "no such file")]) from None
    except OSError as exc:
        raise LoadError([Problem(file, 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError([Problem(file, 0, 0, "", "is a directory; give the path of playbook.yml")])
        if not stat.S_ISREG(info.st_mode):
            raise LoadError([Problem(file, 0, 0, "", "is not a regular file (a device, pipe or socket); "
                                     "give the path of playbook.yml")])
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(file, f"{info.st_size:,}")
        raw = b""
        # The file may have grown since fstat: read never more than the limit and one byte.
        while len(raw) <= MAX_FILE_BYTES and (chunk := os.read(descriptor, MAX_FILE_BYTES + 1 - len(raw))):
            raw += chunk
    except OSError as exc:
        raise LoadError([Problem(file, 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    finally:
        os.close(descriptor)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(file, f"more than {MAX_FILE_BYTES:,}")
    return raw


def load(path: str | Path, display_name: str | None = None, *, starts: str = PLAYBOOK_STARTS) -> Source:
    """Read and load the playbook at ``path`` (see :func:`read_bounded` for what is refused).

    Raises:
        LoadError: the file is missing, not a regular file inside its folder, too large, not UTF-8,
            or not a plain YAML mapping.
    """
    path = Path(path)
    file = display_name or str(path)
    return load_bytes(read_bounded(path, file), file, starts=starts)


def load_bytes(raw: bytes, file: str, *, starts: str = PLAYBOOK_STARTS) -> Source:
    """Load a playbook from bytes read from anywhere (a file, a git revision); ``file`` names it.

    Raises:
        LoadError: more than :data:`MAX_FILE_BYTES`, not UTF-8, or not a plain YAML mapping.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(file, f"more than {MAX_FILE_BYTES:,}")
    return load_text(_decode(raw, file, starts), file, starts=starts)
