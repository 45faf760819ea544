"""libyaml and PyYAML give a record the same located nodes, or the pure-Python loader decides.

The loader composes libyaml's events for speed (pipeline/yamlload.py); every diagnostic is
written for PyYAML's behaviour, so wherever libyaml accepts a text PyYAML must accept it too,
with the same values, styles, lines, columns and offsets.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from pipeline.base.errors import RecordError
from pipeline.records import yamlload

ROOT = Path(__file__).resolve().parents[2]
# Every YAML file of the project: samples, layouts, starters, and the test corpora of good and bad input.
FILES = sorted(p for folder in ("sources", "templates", "tests") for p in (ROOT / folder).rglob("*.yaml"))
# Characters that change how YAML reads a line; the mutations put them where they would hurt.
HAZARDS = [": ", " #", "- ", "'", '"', "[", "{", "}", "|", ">", "&a ", "*a", "!t ", "\n", "  ", "\\", "\u00a0",
           "\ufeff", "\x85", "%", "@", "`", "?", ",", "ວ"]

pytestmark = pytest.mark.skipif(yamlload.CParser is None, reason="PyYAML was built without libyaml")


def utf8(files: list[Path]) -> list[Path]:
    """Return the files that are UTF-8 text (the others are refused before any YAML is read)."""
    def ok(file):
        try:
            yamlload.decode(file.read_bytes(), "x")
            return True
        except RecordError:
            return False
    return [file for file in files if ok(file)]


TEXTS = utf8(FILES)


def shape(node) -> tuple:
    """Return everything a located node carries, for comparing two loaders."""
    if isinstance(node, yamlload.Scalar):
        return ("scalar", node.value, node.plain, node.style, node.loc, node.start, node.end)
    if isinstance(node, yamlload.Mapping):
        return ("mapping", node.loc, tuple((shape(k), shape(v)) for k, v in node.items))
    return ("sequence", node.loc, tuple(shape(item) for item in node.items))


def outcome(compose, text: str):
    """Return the shape of the text's nodes, or the diagnostics a loader gives."""
    real = yamlload._compose
    yamlload._compose = compose
    try:
        return shape(yamlload.parse(text, "record.yaml"))
    except RecordError as exc:
        return ("error", tuple((d.location, d.message) for d in exc.diagnostics))
    finally:
        yamlload._compose = real


def python_only(text: str):
    """Compose with the pure-Python loader alone."""
    return yamlload._StrictLoader(text).get_single_node()


def mutations(text: str, seed: int, count: int = 12) -> list[str]:
    """Return the text with a hazard put at random places, several times."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        at = rng.randrange(len(text) + 1)
        out.append(text[:at] + rng.choice(HAZARDS) + text[at:])
    return out


def test_the_project_has_yaml_files_of_every_kind():
    """The comparison below reads samples, layouts and both good and bad corpora."""
    folders = {p.relative_to(ROOT).parts[0] for p in FILES}
    assert {"sources", "templates", "tests"} <= folders
    assert len(FILES) > 50


@pytest.mark.parametrize("file", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_loaders_agree_on_every_project_file(file):
    """Each file gives the same nodes or the same diagnostics, whichever loader starts."""
    text = yamlload.decode(file.read_bytes(), "record.yaml")
    assert outcome(yamlload._compose, text) == outcome(python_only, text)


@pytest.mark.parametrize("file", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_loaders_agree_on_damaged_copies(file):
    """Hazardous characters put at random places: the same nodes or the same diagnostics."""
    text = yamlload.decode(file.read_bytes(), "record.yaml")
    for seed, damaged in enumerate(mutations(text, zlib.crc32(file.name.encode()))):
        assert outcome(yamlload._compose, damaged) == outcome(python_only, damaged), f"mutation {seed}"


def test_libyaml_composes_the_samples():
    """The fast path really runs for an ordinary record (it is not always falling back)."""
    for file in sorted((ROOT / "sources").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        assert "\t" not in text
        assert yamlload._FastLoader(text).get_single_node() is not None
