"""The parsed texts kept per process never serve one record's values or one text's errors to another."""

import pytest

from pipeline.base.errors import Location
from pipeline.figures import sandbox
from pipeline.figures.values import FigureError
from pipeline.records.model import Figure


def _figures(value):
    """Return one figure named `officers` with `value`."""
    return {"officers": Figure("officers", Location("r.yaml"), value=value)}


def test_same_text_other_figures_prints_their_values():
    """One text evaluated for two records prints each record's own figure, also when parsed already."""
    text = "Trained {{ officers | number }} officers."
    for _ in range(2):
        assert sandbox.evaluate(text, _figures(1240)) == "Trained 1,240 officers."
        assert sandbox.evaluate(text, _figures(5700)) == "Trained 5,700 officers."


def test_same_text_unknown_figure_still_refused():
    """A kept parse is checked again against each record's figures: a missing name is an error each time."""
    text = "Trained {{ officers }}."
    assert sandbox.evaluate(text, _figures(7)) == "Trained 7."
    for _ in range(2):
        with pytest.raises(FigureError):
            sandbox.evaluate(text, {})


def test_same_text_forbidden_node_refused_every_time():
    """A kept text with a node outside the allowlist (a call) is refused on every evaluation."""
    for _ in range(2):
        with pytest.raises(FigureError, match="not allowed"):
            sandbox.evaluate("{{ officers() }}", _figures(7))


def test_syntax_error_raised_every_time():
    """A text that does not parse is refused on every evaluation, not only the first."""
    for _ in range(2):
        with pytest.raises(FigureError, match="syntax"):
            sandbox.evaluate("Trained {{ officers ", _figures(7))


def test_kept_parses_are_bounded():
    """The process keeps at most PARSED_KEPT parsed texts."""
    for n in range(sandbox.PARSED_KEPT + 10):
        sandbox.evaluate(f"{{{{ officers }}}} #{n}", _figures(n))
    assert sandbox._parsed.cache_info().currsize <= sandbox.PARSED_KEPT
    assert sandbox._nodes.cache_info().currsize <= sandbox.PARSED_KEPT  # and their nodes, listed for the check
