"""Peak memory and time per kind of input at its limits: the numbers behind docs/limits-and-threat-model.md.

Usage: .venv/bin/python bench/inputs.py [PART-OF-A-CASE-NAME]
Each case runs in a fresh Python process (so its peak resident set is its own): a seal picture is
built into both formats with one record; a workbook, a CSV file or a page is read by its import
command's reader. The largest inputs the limits allow, and hostile ones the limits refuse early.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.authoring.figureimport import MAX_ROWS, MAX_XLSX_UNPACKED
from pipeline.base.limits import MAX_IMAGE_SIDE, MAX_PAGE_BYTES

# Run in the child: do one thing, then print its wall seconds and peak resident set.
CHILD = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
kind, path = {kind!r}, Path({path!r})
start = time.perf_counter()
outcome = "ok"
try:
    if kind == "seal":
        from pipeline.cli import command
        import os
        os.chdir(path)
        code = command.main(["build", "-q", "--jobs", "1", "--force", "--out", "out", "sources/r.yaml"])
        outcome = "built" if code == 0 else "refused"
    elif kind in ("xlsx", "csv"):
        from pipeline.authoring.figureimport import read_figures
        outcome = f"{{len(read_figures(path, path.name))}} figures"
    else:
        from pipeline.authoring.pageimport import blocks_of_html, record_text
        outcome = f"{{len(record_text(blocks_of_html(path.read_text()), 'x', ('lead',), (), 'p'))}} chars"
except Exception as exc:
    outcome = f"refused: {{type(exc).__name__}}"
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) bench process that forked us.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "peak_mb": peak / 1024, "outcome": outcome}}))
"""

RECORD = "layout: embassy-section\ntitle: T\nissuer: I\ndate: 2003-03-11\nlead: A lead.\n" \
         "seal: {file: assets/seal.%s, alt: The seal}\n"


def _picture(kind: str, side: int, progressive: bool = False) -> bytes:
    """Return a smooth picture `side` pixels square (it compresses under the byte limit): PNG, RGBA PNG or JPEG."""
    from PIL import Image

    picture = Image.linear_gradient("L").resize((side, side)).convert("RGBA" if kind == "rgba" else "RGB")
    kind = "png" if kind == "rgba" else kind
    out = io.BytesIO()
    picture.save(out, kind.upper(), **({"progressive": progressive, "quality": 90} if kind == "jpeg" else {}))
    return out.getvalue()


def _seal_project(folder: Path, kind: str, data: bytes) -> Path:
    """Return a scratch project with one record whose seal is `data`."""
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "sources").mkdir()
    (folder / "assets").mkdir()
    (folder / "assets" / f"seal.{kind}").write_bytes(data)
    (folder / "sources" / "r.yaml").write_text(RECORD % kind, encoding="utf-8")
    return folder


def _xlsx(rows: int) -> bytes:
    """Return a workbook of `rows` figure rows, seven columns each."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["figure", "year", "value", "unit", "source", "as_of", "label"])
    for n in range(rows):
        ws.append([f"f{n}", 2000 + n % 20, n, "ha", "UNODC survey", "2018-12-31", f"Figure {n}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(data: bytes, change) -> bytes:
    """Return a workbook with its first sheet's XML changed by `change` (a hostile file)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            package.writestr(info.filename, body)
    return out.getvalue()


def cases(folder: Path) -> dict[str, tuple[str, Path]]:
    """Return {name: (kind, path)} of every case, written under `folder`."""
    found = {}
    # The largest pictures MAX_IMAGE_DECODED lets through (2,000 px square in RGB, 1,732 in RGBA), the
    # 4,000 px side it refuses since, and a typical 600 px seal.
    for kind, side, progressive in (("png", 2000, False), ("jpeg", 2000, False), ("jpeg", 2000, True),
                                    ("rgba", 1732, False), ("png", 600, False), ("png", MAX_IMAGE_SIDE, False)):
        name = f"seal-{kind}-{side}px{'-progressive' if progressive else ''}"
        suffix = "png" if kind == "rgba" else kind
        found[name] = ("seal", _seal_project(folder / name, suffix, _picture(kind, side, progressive)))
    small = _xlsx(1)
    workbooks = {
        f"xlsx-{MAX_ROWS}-rows": _xlsx(MAX_ROWS),
        "xlsx-claims-every-column": _rewritten(small, lambda x: re.sub(
            r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x).replace(
            "</sheetData>", '<row r="10001"><c r="A10001"/></row></sheetData>')),
        "xlsx-far-cells": _rewritten(small, lambda x: x.replace("</sheetData>", "".join(
            f'<row r="{r}"><c r="XFD{r}"/></row>' for r in range(3, MAX_ROWS + 3)) + "</sheetData>")),
        "xlsx-unpacks-past-the-limit": _rewritten(small, lambda x: x.replace("</sheetData>", '<row r="3"><c r="C3" '
            f't="inlineStr"><is><t>{"x" * MAX_XLSX_UNPACKED}</t></is></c></row></sheetData>')),
    }
    for name, data in workbooks.items():
        (folder / f"{name}.xlsx").write_bytes(data)
        found[name] = ("xlsx", folder / f"{name}.xlsx")
    (folder / "rows.csv").write_text("figure,year,value\n" + "".join(f"f{n},{2000 + n % 20},{n}\n"
                                                                      for n in range(MAX_ROWS)), encoding="utf-8")
    found[f"csv-{MAX_ROWS}-rows"] = ("csv", folder / "rows.csv")
    pages = {"page-unclosed-tags": "<p>" + "<a " * (MAX_PAGE_BYTES // 3 - 1),
             "page-tags": "<b>" * (MAX_PAGE_BYTES // 3),
             "page-paragraphs-and-items": "<li>a</li><p>b c.</p>" * (MAX_PAGE_BYTES // 21)}
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
        found[name] = ("page", folder / f"{name}.html")
    return found


def measure(kind: str, path: Path) -> dict:
    """Run one case in a fresh interpreter; return its seconds, peak MB and outcome."""
    code = CHILD.format(root=str(ROOT), kind=kind, path=str(path))
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    return json.loads(ran.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print one line per case: seconds, peak resident set, outcome."""
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory(prefix="factsheets-bench-inputs-") as scratch:
        for name, (kind, path) in cases(Path(scratch)).items():
            if wanted in name:
                result = measure(kind, path)
                print(f"{name:34} {path.stat().st_size if path.is_file() else '-':>12} B  "
                      f"{result['seconds']:6.2f} s  {result['peak_mb']:6.0f} MB  {result['outcome']}", flush=True)


if __name__ == "__main__":
    main()
