"""The sample records of sources/, found and read the way the CLI finds and reads them."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.base.paths import display
from pipeline.builder.recipe import discover
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import load_file

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Sample:
    """One record of sources/: its output name, its layout and its file."""

    id: str
    layout: str
    file: Path

    @property
    def sheets(self) -> list[str]:
        """Return the file names a build writes for this record."""
        return [f"{self.id}.{fmt}" for fmt in FORMATS]


def samples(sources: Path = ROOT / "sources", templates: Path = ROOT / "templates") -> list[Sample]:
    """Return every record of a sources folder, in the order a build takes them."""
    layouts = load_layouts(templates)
    found = []
    for file in discover([sources]):
        record = schema.validate(load_file(file, display(file)), file, display(file), layouts)
        found.append(Sample(record.id, record.layout, file))
    return found


def sheet_names(records: list[Sample]) -> list[str]:
    """Return the sorted file names a build of these records writes."""
    return sorted(name for record in records for name in record.sheets)


PLACEHOLDER = re.compile(r'"?<<([^\n]*?)>>"?')


def filled(text: str) -> str:
    """Return the record with each placeholder replaced as a writer would: a date, or the text it asks for."""
    def value(match):
        inner = match[1]
        return "2026-01-02" if "YYYY-MM-DD" in inner else json.dumps(inner, ensure_ascii=False)
    return PLACEHOLDER.sub(value, text)
