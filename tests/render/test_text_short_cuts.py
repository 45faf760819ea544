"""The prose parser's short cuts (one plain line, text without marks) give what the full parse gives."""

import re

import pytest

from pipeline.render import text

TEXTS = ["", " ", "\t", "Plain prose.", "  leading and trailing  ", "a  b", "a\u00a0b", "a\u00a0 b", "a \u00a0b",
         "one\ntwo", "one\n\ntwo", " \n ", "tab\there", "x * y", "**bold**", "*it*", "[link](https://state.gov)",
         "[not a link]", "trailing\n", "\n\nlead"]


def _full_paragraphs(value: str) -> list[str]:
    """The paragraphs as the regular expressions alone split and fold them."""
    return [text._SPACES.sub(" ", text._LINE_BREAK.sub(" ", part)).strip(" \t\n")
            for part in text._PARA_BREAK.split(value) if part.strip(" \t\n")]


@pytest.mark.parametrize("value", TEXTS)
def test_paragraphs_short_cut_matches_the_full_split(value):
    """One plain line is split and folded as the full rules would."""
    assert text.paragraphs(value) == _full_paragraphs(value)


@pytest.mark.parametrize("value", TEXTS)
def test_runs_short_cut_matches_the_parser(value):
    """Text without '*' or '[' gives the parser's runs."""
    assert text.runs(value) == tuple(text._merge(text._Parser(value).parse()))
    assert (re.search(r"[*\[]", value) is None) == (text._OPENER.search(value) is None)
