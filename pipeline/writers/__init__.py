"""The registry of output formats: one writer module per format, each a Visitor of the document tree.

A writer module defines `render(doc) -> bytes` and `Translator`, its doctree.Visitor subclass
with one `visit_<kind>` handler per node type. The build, the CLI and the workers read formats from here and nowhere else. Registering a
format imports nothing: a writer module is loaded on its first use, so a run that rebuilds
nothing never pays for python-docx or ReportLab. See docs/adding-an-output-format.md.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class OutputFormat:
    """One output format: its name on the command line, its file suffix and its writer module."""

    name: str
    suffix: str
    module: str
    description: str

    def render(self, doc) -> bytes:
        """Return the file for a document tree, loading the writer on first use."""
        return importlib.import_module(self.module).render(doc)

    def translator(self) -> type:
        """Return the writer's Visitor class (its module's `Translator`)."""
        return importlib.import_module(self.module).Translator


REGISTRY: dict[str, OutputFormat] = {}


def register(fmt: OutputFormat) -> None:
    """Add a format; ValueError if its name or suffix is already taken."""
    taken = [f.name for f in REGISTRY.values() if fmt.suffix == f.suffix or fmt.name == f.name]
    if taken:
        raise ValueError(f"output format {fmt.name!r} ({fmt.suffix}) clashes with {taken[0]!r}")
    REGISTRY[fmt.name] = fmt


def names() -> tuple[str, ...]:
    """Return the registered format names, in registration order."""
    return tuple(REGISTRY)


def get(name: str) -> OutputFormat:
    """Return the format called `name`; KeyError if none is."""
    return REGISTRY[name]


register(OutputFormat("docx", ".docx", "pipeline.writers.docx", "Word document (Office Open XML)"))
register(OutputFormat("pdf", ".pdf", "pipeline.writers.pdf", "PDF with embedded fonts"))
