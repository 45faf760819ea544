"""Fact-sheet pipeline: YAML fact records to Word and PDF fact sheets."""

__version__ = "0.1.0"
