"""Figure filters and the record-text sandbox."""

import datetime as dt

import pytest

from pipeline.base.errors import Location
from pipeline.figures.sandbox import evaluate
from pipeline.figures.values import FigureError, long_date, money, number, percent
from pipeline.records.model import Figure

FIGS = {"opium_ha": Figure("opium_ha", Location("r"), values={2007: 1500, 2018: 5700},
                           as_of=dt.date(2018, 12, 31), unit="ha"),
        "total": Figure("total", Location("r"), value=48_000_000)}


@pytest.mark.parametrize("call, expected", [
    (lambda: number(5700), "5,700"), (lambda: number(1234567.5), "1,234,567.5"),
    (lambda: number(2.0), "2"), (lambda: number(3.14159, 2), "3.14"),
    (lambda: money(1_984_000), "$1,984,000"), (lambda: money(48_000_000, "short"), "$48 million"),
    (lambda: money(1_500_000, "short"), "$1.5 million"), (lambda: money(2.5e9, "short"), "$2.5 billion"),
    (lambda: money(999_999, "short"), "$999,999"), (lambda: money(12.5), "$12.50"),
    (lambda: percent(12.5), "12.5%"), (lambda: long_date(dt.date(2003, 3, 11)), "March 11, 2003"),
])
def test_filters(call, expected):
    """Each filter prints the Department's way."""
    assert call() == expected


def test_references_are_evaluated():
    """Series years, single values, metadata and arithmetic work."""
    text = ("from {{ opium_ha[2007] | number }} to {{ opium_ha[2018] | number }} {{ opium_ha.unit }}; "
            "{{ total | money('short') }}; as of {{ opium_ha.as_of | date }}; "
            "up {{ (opium_ha[2018] - opium_ha[2007]) | number }}")
    assert evaluate(text, FIGS) == ("from 1,500 to 5,700 ha; $48 million; as of December 31, 2018; "
                                    "up 4,200")


@pytest.mark.parametrize("text, message", [
    ("{{ opium }}", "unknown figure 'opium' — did you mean 'opium_ha'?"),
    ("{{ opium_ha[2019] }}", "has no value for 2019 (years: 2007, 2018)"),
    ("{{ opium_ha | number }}", "is a series; pick a year"),
    ("{{ total | nmber }}", "unknown filter 'nmber' — did you mean 'number'?"),
    ("{{ ''.__class__.__mro__ }}", "'__mro__' is not a figure attribute"),
    ("{{ total.__init__ }}", "'__init__' is not a figure attribute"),
    ("{{ range(100000000) }}", "'call' is not allowed"),
    ("{% for x in opium_ha %}{% endfor %}", "'for' is not allowed"),
    ("{% include 'x' %}", "'include' is not allowed"),
    ("{% import 'x' as y %}", "'import' is not allowed"),
    ("{{ 9 ** 999999 }}", "'pow' is not allowed"),
    ("{{ total / 0 }}", "division by zero"),
    ("{{ total", "syntax error"),
])
def test_bad_references_fail_cleanly(text, message):
    """Unknown names, escapes and statements are refused, never executed."""
    with pytest.raises(FigureError) as info:
        evaluate(text, FIGS)
    assert message in info.value.message


def test_text_without_braces_skips_jinja():
    """Plain prose, even with braces-free markup, comes back untouched."""
    assert evaluate("R&D <b> {not jinja} 100%", FIGS) == "R&D <b> {not jinja} 100%"


def test_a_figure_without_a_filter_prints_in_house_style():
    """`{{ officers_trained }}` prints 1,240 as `| number` does, not 1240."""
    from pipeline.base.errors import Location
    from pipeline.figures.sandbox import evaluate
    from pipeline.records.model import Figure
    figures = {"officers_trained": Figure("officers_trained", Location("r.yaml"), value=1240)}
    assert evaluate("{{ officers_trained }}", figures) == evaluate("{{ officers_trained | number }}", figures)
    assert evaluate("{{ officers_trained }}", figures) == "1,240"
