"""The sandbox walks a checked reference instead of compiling it: the same text or the same error as Jinja.

The reference here is Jinja's own compiled code in the same sandbox environment, fed the same
checked tree; every text with a reference in the samples and the figure corpus, and generated
expressions over the samples' figures, must come out the same through both.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

from pipeline.base.errors import Location
from pipeline.figures import sandbox
from pipeline.figures import shared as data
from pipeline.figures.values import FigureError
from pipeline.records.model import Figure

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"[^\n]*\{[{%#][^\n]*")  # a line of YAML that holds a reference
FIGS = {"opium_ha": Figure("opium_ha", Location("r"), values={2007: 1500, 2018: 5700},
                           as_of=dt.date(2018, 12, 31), unit="ha", label="Opium"),
        "total": Figure("total", Location("r"), value=48_000_000),
        "share": Figure("share", Location("r"), value=12.5, unit="%")}


def compiled(source: str, figures: dict, scope) -> str:
    """Evaluate as before the walker: compile the checked tree with Jinja and render it."""
    if "{" not in source:
        return source
    env = sandbox.environment()
    try:
        tree = env.parse(source, name=sandbox.TEMPLATE_NAME)
    except TemplateSyntaxError as exc:
        raise FigureError(f"figure reference syntax error: {exc.message}", "{", line=exc.lineno,
                          hint="write references as {{ name }} or {{ name[2018] | number }}")
    sandbox._check(tree, figures, scope)
    values = {name: sandbox.FigureValue(fig) for name, fig in figures.items()}
    if scope is not None:
        values["data"] = scope
    try:
        code = env.compile(tree, name=sandbox.TEMPLATE_NAME, filename=sandbox.TEMPLATE_NAME)
        return env.template_class.from_code(env, code, env.make_globals(None)).render(values)
    except FigureError as exc:
        exc.line = exc.line or _line()
        raise
    except (UndefinedError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        raise FigureError(f"cannot evaluate a figure reference: {sandbox._no_addresses(str(exc))}", line=_line())


def _line() -> int | None:
    """Return the template line of the exception being handled, as the compiled path found it."""
    tb, line = sys.exc_info()[2], None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == sandbox.TEMPLATE_NAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def outcome(function, source: str, figures: dict, scope):
    """Return the text, or what the error says and where."""
    try:
        return ("text", function(source, figures, scope))
    except FigureError as exc:
        return ("error", str(exc), exc.needle, exc.hint, exc.line)
    except (RecursionError, SyntaxError):  # sandbox.evaluate says so in words; the reference raises
        return ("error", "a figure reference is nested too deeply", "{{",
                "write references as {{ name }} or {{ (a - b) | number }}", None)


def texts() -> list[str]:
    """Return every line with a reference in the samples and the figure corpus."""
    files = sorted((ROOT / "sources").glob("*.yaml")) + sorted((ROOT / "tests" / "corpus" / "figures").glob("*.yaml"))
    found = [match.group(0).strip() for file in files
             for match in REFERENCE.finditer(file.read_text(encoding="utf-8", errors="replace"))]
    return sorted(set(found))


SCOPE = data.load(ROOT / "sources" / "data", "sources/data").scope(None)


def test_the_samples_and_corpus_have_references():
    """The comparison below has something to compare."""
    assert len(texts()) > 40


@pytest.mark.parametrize("source", texts())
def test_walker_and_jinja_agree_on_every_written_reference(source):
    """The same text or the same error for each reference the project's files write."""
    assert outcome(sandbox.evaluate, source, FIGS, SCOPE) == outcome(compiled, source, FIGS, SCOPE)


ATOMS = ["opium_ha[2007]", "opium_ha[2018]", "total", "share", "opium_ha.unit", "opium_ha.label",
         "opium_ha.as_of", "opium_ha[1999]", "opium_ha.values", "2", "0", "1.5", "-3", "'x'", "none",
         "data.unodc.laos_opium_ha[2018]", "total.value", "opium_ha"]
FILTERS = ["", " | number", " | number(1)", " | money", " | money('short')", " | percent", " | date",
           " | number(digits=2)"]


@st.composite
def expressions(draw, depth=0):
    """Return a small expression over the test figures: atoms, filters, arithmetic, signs."""
    if depth > 2 or draw(st.booleans()):
        return draw(st.sampled_from(ATOMS)) + draw(st.sampled_from(FILTERS))
    left, right = draw(expressions(depth=depth + 1)), draw(expressions(depth=depth + 1))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    sign = draw(st.sampled_from(["", "-", "+"]))
    return f"{sign}({left} {op} {right})" + draw(st.sampled_from(FILTERS))


@settings(max_examples=examples(300), deadline=None)
@given(expressions(), st.sampled_from(["", "Up to ", "a\nb "]), st.sampled_from(["", " ha.", "\n"]))
def test_walker_and_jinja_agree_on_generated_references(expression, before, after):
    """Arithmetic, filters, missing years and odd values: the same text or the same error."""
    source = f"{before}{{{{ {expression} }}}}{after}"
    assert outcome(sandbox.evaluate, source, FIGS, SCOPE) == outcome(compiled, source, FIGS, SCOPE)
