"""The one-shot command's trimmed start-up (base/lazyimport): what ReportLab imports for some sheets only
is loaded, or compiled, at its first use, and then behaves as the real thing.

Fails on the code before it: there was no lazyimport, and importing ReportLab's platypus loaded Pillow's
Image module and HarfBuzz and compiled its URL pattern at once. Each check runs in a fresh process.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import re, sys
from pipeline.base import lazyimport
lazyimport.install()
import reportlab.platypus
from reportlab.platypus import paragraph
assert "uharfbuzz._harfbuzz" not in sys.modules, "HarfBuzz was loaded"
assert type(sys.modules["PIL.Image"]).__name__ == "_OnUse", "Pillow's Image was loaded"
assert not isinstance(paragraph.uri_pat, re.Pattern), "the URL pattern was compiled"
real = re.compile(paragraph.uri_pat.pattern, re.I)
for text in ("https://www.state.gov/laos", "not a uri", "ftp://10.0.0.1:21/x"):
    assert bool(paragraph.uri_pat.match(text)) == bool(real.match(text)), text
from PIL import Image
Image.MAX_IMAGE_PIXELS = 1234
assert sys.modules["PIL.Image"].MAX_IMAGE_PIXELS == 1234 and type(sys.modules["PIL.Image"]).__name__ == "module"
import uharfbuzz
assert uharfbuzz.Blob is sys.modules["uharfbuzz._harfbuzz"].Blob
assert re.compile is lazyimport._real_compile, "re.compile was left patched"
print("ok")
"""


def test_reportlab_loads_pillow_harfbuzz_and_its_url_pattern_on_first_use():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
