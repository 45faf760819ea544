"""Strict YAML loading: a tree of located nodes whose scalars stay text as written."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

try:  # libyaml's scanner and parser: the same events, several times faster (see parse)
    from yaml._yaml import CParser
except ImportError:  # a PyYAML built without libyaml: the pure-Python loader does everything
    CParser = None

from ..base.errors import Diagnostic, Location, RecordError
from ..base.limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from . import yamlhints


@dataclass
class Scalar:
    """A scalar exactly as written; `plain` when it had no quotes or block style."""

    value: str
    plain: bool
    loc: Location
    start: int  # character offsets of the scalar in its file's text
    end: int
    style: str | None = None
    source: str = field(default="", repr=False)

    @property
    def raw(self) -> str:
        """Return the scalar as it stands in the file, quotes and escapes included."""
        return self.source[self.start:self.end]

    def locate(self, needle: str, nth: int = 0) -> Location:
        """Return the location of the `nth` (from 0) `needle` in this scalar's source text, else its start."""
        at = self.raw.find(needle) if needle else -1
        for _ in range(nth):
            at = self.raw.find(needle, at + 1) if at >= 0 else -1
        if at < 0:
            return self.loc
        offset = self.start + at
        line_start = self.source.rfind("\n", 0, offset) + 1
        return Location(self.loc.path, self.source.count("\n", 0, offset) + 1, offset - line_start + 1)


@dataclass
class Mapping:
    """A mapping as ordered (key, value) pairs; keys are scalars."""

    items: list[tuple[Scalar, "Node"]]
    loc: Location


@dataclass
class Sequence:
    """A sequence of nodes."""

    items: list["Node"]
    loc: Location


Node = Scalar | Mapping | Sequence

# PyYAML's own words for common slips, and what a record writer should do instead.
_PLAIN_WORDS = {
    "found character '\\t' that cannot start any token":
        ("a tab character is not allowed here", "indent with spaces; YAML does not accept tabs"),
    "mapping values are not allowed here":
        ("a second ': ' on one line: the value holds a colon followed by a space",
         'put the whole value in double quotes: key: "text: more text"'),
    "could not find expected ':'":
        ("this line starts like a 'key: value' line but has no ': ' (or its key is over 1,024 characters)",
         "write 'key: value', or continue the value of the line above with deeper indentation"),
    "found incompatible YAML document (version 1.* is required)":
        ("the file declares a YAML version other than 1 (a '%YAML' line)",
         "remove the '%YAML' line; records need no directives"),
    "but found another document":
        ("the file holds more than one YAML document (a second '---')",
         "keep one record per file: remove the extra '---' or split the file"),
}


# Byte-order marks of encodings other than UTF-8; UTF-32 first, as its LE mark starts like UTF-16's.
_FOREIGN_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                 (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


class _Refused(Exception):
    """A YAML feature the record format does not allow."""

    def __init__(self, mark, message: str, hint: str):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


class _Strict:
    """Refuses aliases, anchors, tags and deep nesting as nodes are composed; resolves nothing."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent, index):
        """Compose one node after checking the event for refused features."""
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refused(event.start_mark, "aliases ('*name') are not allowed in a record",
                           "write the value out in full where it is needed")
        if event.anchor is not None:
            raise _Refused(event.start_mark, "anchors ('&name') are not allowed in a record",
                           "remove the '&' anchor and write values out in full")
        if event.tag not in (None, "!"):
            raise _Refused(event.start_mark, f"YAML tags such as '{event.tag}' are not allowed",
                           "remove the tag; write plain values (quote text that looks like a number)")
        if self._depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"the record nests deeper than {MAX_DEPTH} levels",
                           "flatten the structure; records need only a few levels")
        self._nodes += 1
        if self._nodes > MAX_NODES:  # checked as events arrive, so a flood stops early
            raise _Refused(event.start_mark, f"the record holds more than {MAX_NODES:,} values",
                           "a fact sheet needs far fewer; split the record or shorten its lists")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StrictLoader(_Strict, Reader, Scanner, Parser, Composer, BaseResolver):
    """The pure-Python loader: the reference, whose error messages the diagnostics are written for."""

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)


if CParser is not None:
    class _FastLoader(_Strict, Composer, CParser, BaseResolver):
        """libyaml's events composed by the same strict composer: same nodes, same marks."""

        def __init__(self, text: str):
            CParser.__init__(self, text)
            Composer.__init__(self)
            BaseResolver.__init__(self)

        def compose_scalar_node(self, anchor):
            """Compose a scalar, giving up on an empty plain one: libyaml places it elsewhere."""
            event = self.peek_event()
            if not event.value and not event.style:
                raise _Unsure()
            return super().compose_scalar_node(anchor)


class _Unsure(Exception):
    """The fast loader met something on which libyaml and PyYAML may differ."""


def decode(data: bytes, path: str) -> str:
    """Return the UTF-8 text of a record file (BOM dropped); RecordError if not UTF-8."""
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            raise RecordError([Diagnostic(Location(path), f"the file is {name} encoded",
                                          "save it as UTF-8 (without BOM) and run again")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise RecordError([Diagnostic(
            Location(path, line, column), f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8; text pasted from other programs may carry another encoding")])


def load_file(file: Path, path: str, **how) -> Node:
    """Read and parse one YAML file (never through a symbolic link); `path` is how messages name it."""
    return parse_bytes(read_file(file, path, **how), path)


def read_file(file: Path, path: str, *, dir_fd: int | None = None, one_name: bool = False) -> bytes:
    """Return a file's bytes, at most one past the size limit, never through a link; RecordError.

    With `dir_fd` the file is `file.name` in that open folder; with `one_name` a file with more
    than one hard link is refused (a record's or data file's contents must be its own).
    """
    _check_name(file, path)
    try:
        # A link committed into sources/ could point at any file the run can read (a key, a
        # password file) and have it quoted in messages or printed; O_NOFOLLOW refuses it unread.
        # O_NONBLOCK: a named pipe put in place of a record must not stall the run at open().
        fd = os.open(file.name if dir_fd is not None else file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK,
                     dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RecordError([Diagnostic(Location(path), "the file is a symbolic link; records, shared-data "
                                                          "and layout files are read only from real files",
                                          "replace the link by a copy of the file it points to")])
        raise RecordError([Diagnostic(Location(path), f"cannot read the file: {exc.strerror or exc}")])
    with os.fdopen(fd, "rb") as handle:
        _check_kind(os.fstat(fd), path, one_name)
        try:
            return handle.read(MAX_FILE_BYTES + 1)  # never read more than the limit into memory
        except OSError as exc:
            raise RecordError([Diagnostic(Location(path), f"cannot read the file: {exc.strerror or exc}")])


def _check_kind(info: os.stat_result, path: str, one_name: bool) -> None:
    """Refuse what is not a regular file, and (with `one_name`) a file with other hard links."""
    if not stat.S_ISREG(info.st_mode):
        raise RecordError([Diagnostic(Location(path), "this is not a regular file (a folder, device or pipe)",
                                      "records and shared-data files are ordinary files")])
    if one_name and info.st_nlink > 1:
        # A hard link shares another file's contents (a key, a password file) without being a
        # symbolic link; an error would quote its first characters.
        raise RecordError([Diagnostic(Location(path), f"the file has {info.st_nlink} hard links: its "
                                                      f"contents are shared with another file",
                                      "replace it by a copy (cp the file to a new name, then rename it back)")])


def _check_name(file: Path, path: str) -> None:
    """Refuse a file whose name is not UTF-8: manifests, reports and messages could not hold it."""
    raw = os.fsencode(file)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError([Diagnostic(Location(path), f"the file name is not valid UTF-8 (byte "
                                                      f"0x{raw[exc.start]:02x})",
                                      "rename the file with plain letters; names from archives made on "
                                      "other systems may use another encoding")]) from None


def parse_bytes(data: bytes, path: str) -> Node:
    """Check the size and encoding of a file's bytes, then parse them (see `parse`)."""
    if len(data) > MAX_FILE_BYTES:
        raise RecordError([Diagnostic(Location(path), f"the file is larger than {MAX_FILE_BYTES:,} bytes",
                                      "a fact record is a few kilobytes; split it or shorten its text")])
    return parse(decode(data, path), path)


def parse(text: str, path: str) -> Node:
    """Parse YAML text into located nodes; RecordError with a location on any problem."""
    try:
        root = _compose(text)
    except _Refused as exc:
        raise RecordError([Diagnostic(_loc(path, exc.mark), exc.message, exc.hint)])
    except yaml.MarkedYAMLError as exc:
        raise RecordError([_yaml_diagnostic(exc, path, text)])
    except yaml.YAMLError as exc:  # a ReaderError has a position but no mark
        raise RecordError([_reader_diagnostic(exc, text, path)])
    if root is None:
        raise RecordError([Diagnostic(Location(path), "the file is empty",
                                      "a record is a mapping of fields, starting with 'layout:'")])
    return _convert(root, path, text)


_PYTHON_ONLY = ("\t", "\ufeff", "?")  # where libyaml's columns or acceptance differ from PyYAML's


def _compose(text: str):
    """Compose the text's one document with libyaml where it agrees with PyYAML, else with PyYAML.

    libyaml reports its errors and refused features in other words, treats tabs and '?' a little
    differently, counts a U+FEFF in no column and places an empty value elsewhere; so a file with
    such a character, an empty value, a top level that is no mapping or any error is composed by the pure-Python loader,
    whose result or error is then the answer (tests/test_yaml_parity.py holds the two to the same
    nodes, also for damaged copies of every YAML file of the project).
    """
    if CParser is not None and not any(char in text for char in _PYTHON_ONLY):
        try:
            root = _FastLoader(text).get_single_node()
            if isinstance(root, MappingNode):  # anything else is refused anyway, in PyYAML's words
                return root
        except (yaml.YAMLError, _Refused, _Unsure):
            pass
    return _StrictLoader(text).get_single_node()


def _loc(path: str, mark) -> Location:
    """Return the Location of a PyYAML mark (0-based) in 1-based terms."""
    return Location(path, mark.line + 1, mark.column + 1)


def _yaml_diagnostic(exc: yaml.MarkedYAMLError, path: str, text: str) -> Diagnostic:
    """Return a plain-words diagnostic for a PyYAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"
    if problem == "could not find expected ':'" and exc.context_mark is not None:
        mark = exc.context_mark  # the scanner notices at the line's end; the key starts here
    if mark is not None and "another document" not in problem:
        # PyYAML names its parser's states; the lines around the mark usually say what the writer did.
        plain = yamlhints.explain(text, mark.line + 1, mark.column + 1, f"{problem} {exc.context or ''}", path)
        if plain is not None:
            return plain
    if problem == "could not find expected ':'" and exc.context_mark is not None:
        mark = exc.context_mark  # the scanner notices at the line's end; the key starts here
    if ("<stream end>" in problem or "end of stream" in problem) and exc.context_mark is not None:
        # The parser only notices at the end of the file; the mistake is where it opened.
        if "quoted" in (exc.context or ""):
            return Diagnostic(_loc(path, exc.context_mark), "this quote is never closed",
                              "add the closing quote at the end of the value")
        return Diagnostic(_loc(path, exc.context_mark), "this bracket is never closed",
                          "close the list with ']' (or '}'), or quote text that starts with '[' or '{'")
    message, hint = _PLAIN_WORDS.get(problem, (f"YAML syntax error: {problem}", None))
    if exc.context and problem not in _PLAIN_WORDS:
        message += f" ({exc.context})"
    if hint is None:
        hint = "check the indentation and quoting around this place"
    return Diagnostic(_loc(path, mark), message, hint)


def _reader_diagnostic(exc: yaml.YAMLError, text: str, path: str) -> Diagnostic:
    """Return a diagnostic for a character YAML cannot hold at all."""
    position = getattr(exc, "position", 0)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = getattr(exc, "character", None)
    code = f"U+{ord(char) if isinstance(char, str) else char:04X}" if char is not None else "a control character"
    return Diagnostic(Location(path, line, column), f"the file contains {code}, which YAML does not allow",
                      "delete the invisible character (often pasted from another program)")


def _convert(node, path: str, text: str) -> Node:
    """Turn a composed PyYAML node into located Scalar/Mapping/Sequence nodes."""
    loc = _loc(path, node.start_mark)
    if isinstance(node, ScalarNode):
        style = node.style or None  # libyaml calls plain '', PyYAML None
        return Scalar(node.value, style is None, loc, node.start_mark.index, node.end_mark.index, style, text)
    if isinstance(node, MappingNode):
        return Mapping(_convert_pairs(node, path, text), loc)
    return Sequence([_convert(child, path, text) for child in node.value], loc)


def _convert_pairs(node: MappingNode, path: str, text: str) -> list[tuple[Scalar, Node]]:
    """Convert mapping pairs, refusing non-scalar and duplicate keys."""
    pairs, seen = [], {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, text)
        if not isinstance(key, Scalar):
            raise RecordError([Diagnostic(key.loc, "a key must be a name, not a list or mapping",
                                          "write 'name: value'")])
        if key.value in seen:
            raise RecordError([Diagnostic(key.loc, f"duplicate key '{key.value}' (first at line "
                                                   f"{seen[key.value].line})",
                                          "keep one of them; YAML would silently drop the other")])
        seen[key.value] = key.loc
        pairs.append((key, _convert(value_node, path, text)))
    return pairs
