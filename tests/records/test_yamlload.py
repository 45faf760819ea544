"""The strict loader: YAML 1.1 surprises stay text as written; every node keeps its place."""

import pytest

from pipeline.base.errors import RecordError
from pipeline.records.yamlload import Mapping, Scalar, Sequence, decode, parse


def values(text):
    """Return {key: scalar value} of a flat mapping."""
    return {k.value: v.value for k, v in parse(text, "r.yaml").items}


@pytest.mark.parametrize("written", ["NO", "off", "yes", "01234", "1:30", "1.10", "2003-03-11", "~x", "0x1F"])
def test_plain_scalars_stay_as_written(written):
    """No implicit typing: Norway stays 'NO', a code keeps its zero, a time stays a time."""
    assert values(f"title: {written}\n") == {"title": written}


def test_every_node_has_a_line_and_column():
    """Locations are 1-based and point at the value, not the key."""
    root = parse("a: 1\nb:\n  - x\n  - {c: d}\n", "r.yaml")
    (_, a), (_, b) = root.items
    assert (a.loc.line, a.loc.column) == (1, 4)
    assert isinstance(b, Sequence) and (b.items[0].loc.line, b.items[0].loc.column) == (3, 5)
    assert isinstance(b.items[1], Mapping)


def test_plain_and_quoted_are_told_apart():
    """A quoted '5700' is text; the schema needs to know that."""
    root = parse('a: 5700\nb: "5700"\n', "r.yaml")
    assert [v.plain for _, v in root.items] == [True, False]


def test_locate_finds_text_inside_a_block_scalar():
    """A needle in line 3 of a literal block maps to its file line and column."""
    root = parse("lead: |\n  one\n  two {{ x }}\n", "r.yaml")
    scalar = root.items[0][1]
    assert isinstance(scalar, Scalar)
    loc = scalar.locate("x }}")
    assert (loc.line, loc.column) == (3, 10)


@pytest.mark.parametrize("text, message", [
    ("a: &x 1\nb: *x\n", "anchors"),
    ("a: *x\n", "aliases"),
    ("a: !custom 1\n", "YAML tags such as '!custom'"),
    ("a: 1\na: 2\n", "duplicate key 'a' (first at line 1)"),
    ("? [a]\n: 1\n", "a key must be a name"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", "nests deeper than 32"),
])
def test_refused_yaml_features(text, message):
    """Aliases, anchors, tags, duplicate keys, complex keys and deep nesting are refused."""
    with pytest.raises(RecordError) as info:
        parse(text, "r.yaml")
    assert message in str(info.value)


def test_alias_bomb_is_refused_before_expansion():
    """The billion-laughs shape fails at its first anchor, fast."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8))
    with pytest.raises(RecordError, match="anchors"):
        parse(bomb, "r.yaml")


def test_bom_is_dropped_and_utf16_refused():
    """A UTF-8 BOM is harmless; UTF-16 gets a message saying how to save the file."""
    assert decode(b"\xef\xbb\xbfa: 1\n", "r.yaml") == "a: 1\n"
    with pytest.raises(RecordError, match="UTF-16"):
        decode("a: 1\n".encode("utf-16"), "r.yaml")
