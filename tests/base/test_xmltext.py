"""The writers' XML escaping gives exactly the standard library's strings, without its imports."""

import itertools
import subprocess
import sys
from pathlib import Path
from xml.sax import saxutils

from hypothesis import given
from hypothesis import strategies as st

from pipeline.base import xmltext

ROOT = Path(__file__).resolve().parents[2]
SPECIAL = "&<>\"'\n\r\t a"


def _texts() -> list[str]:
    """Every string of up to three of the characters XML escaping cares about, and every line of the samples."""
    made = ["".join(chars) for n in range(4) for chars in itertools.product(SPECIAL, repeat=n)]
    lines = [line for file in sorted((ROOT / "sources").rglob("*.yaml"))
             for line in file.read_text(encoding="utf-8").splitlines()]
    return made + lines


def test_the_same_strings_as_saxutils():
    for text in _texts():
        assert xmltext.escape(text) == saxutils.escape(text), text
        assert xmltext.quoteattr(text) == saxutils.quoteattr(text), text


@given(st.text())
def test_any_text_is_escaped_as_saxutils_does(text):
    assert xmltext.escape(text) == saxutils.escape(text)
    assert xmltext.quoteattr(text) == saxutils.quoteattr(text)


def test_the_writers_do_not_import_urllib():
    """saxutils imports urllib.request (http.client, ssl, email): a sheet's writers must not need it."""
    code = "import sys, pipeline.writers.docx, pipeline.writers.pdf; print('urllib.request' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert found.stdout.strip() == "False"
