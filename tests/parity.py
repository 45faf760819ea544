"""Page parity: LibreOffice lays out the .docx with the bundled fonts; per-page body lines of both PDFs compared."""

from __future__ import annotations

import copy
import io
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import tables
import yaml

from pipeline.base.fonts import FONT_DIR
from pipeline.document.tree import PageSetup
from pipeline.layouts.loader import load_layouts
from pipeline.records.schema import ALWAYS

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
# Slack around the margins: LibreOffice's line boxes are taller than ReportLab's (it declares
# the font's full bounding box), so a body line's centre may sit a little past the margin.
TOLERANCE = 4.0
# Taller than any body text box (the 22 pt Title is a 29 pt box in LibreOffice's PDFs): only the
# 100 pt diagonal DRAFT of the ReportLab PDF reaches this. LibreOffice draws its watermark as a
# shape, without text.
WATERMARK_HEIGHT = 40.0
GENERATED_PAGES = (1, 2, 3, 4, 5)
_XHTML = "{http://www.w3.org/1999/xhtml}"
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <alias binding="same">
    <family>Times New Roman</family>
    <prefer><family>Liberation Serif</family></prefer>
  </alias>
</fontconfig>
"""


# --- LibreOffice -------------------------------------------------------------------------------

def write_fonts_conf(folder: Path, fonts: Path = FONT_DIR) -> Path:
    """Write a fontconfig file that adds the bundled fonts and maps Times New Roman onto them."""
    conf = folder / "fonts.conf"
    # Our own cache folder comes first so fontconfig never writes into the user's cache.
    conf.write_text(_FONTS_CONF.format(cache=folder / "fc-cache", fonts=fonts), encoding="utf-8")
    return conf


def convert(docx_files: list[Path], outdir: Path, timeout: float = 180.0, fonts: Path = FONT_DIR) -> dict[Path, Path]:
    """Convert .docx files to PDF in one LibreOffice run, with the system's fonts and those of the
    `fonts` folder (default: the bundled ones) installed; return {docx: pdf}. RuntimeError on failure."""
    if not SOFFICE:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parity-lo-") as scratch:
        scratch = Path(scratch)
        env = {**os.environ, "FONTCONFIG_FILE": str(write_fonts_conf(scratch, fonts)),
               "HOME": str(scratch)}  # nothing of the user's LibreOffice or font caches is read
        # A private profile: no clash with another soffice running on the machine.
        command = [SOFFICE, f"-env:UserInstallation={(scratch / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                   *map(str, docx_files)]
        # A session of its own, so the whole group (oosplash, soffice.bin) can be killed.
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            proc.communicate()
            raise RuntimeError(f"LibreOffice did not finish converting within {timeout:g} s")
        finally:
            _kill_group(proc.pid)  # leave nothing running, even after a clean exit
    pdfs = {docx: outdir / f"{docx.stem}.pdf" for docx in docx_files}
    missing = [str(d) for d, pdf in pdfs.items() if not pdf.exists()]
    if proc.returncode or missing:
        raise RuntimeError(f"LibreOffice failed (exit {proc.returncode}) on {missing}: "
                           f"{err.decode(errors='replace')}{out.decode(errors='replace')}")
    return pdfs


def _kill_group(pgid: int) -> None:
    """Kill a process group; quietly if it is already gone."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def embedded_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """Return (font name without subset tag, embedded?) for each font pdffonts lists."""
    text = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = []
    for row in text.splitlines()[2:]:
        # Columns: name, type (may hold spaces), encoding, emb, sub, uni, object id, generation.
        cols = row.split()
        fonts.append((cols[0].split("+")[-1], cols[-5] == "yes"))
    return fonts


# --- Reading pages -----------------------------------------------------------------------------

@dataclass
class Word:
    """One word of pdftotext's bounding-box output (points, y downwards from the page top)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def middle(self) -> float:
        """Return the vertical centre."""
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        """Return the box height."""
        return self.y1 - self.y0


def page_words(pdf: Path) -> list[list[Word]]:
    """Return every page's words with their boxes, from `pdftotext -bbox-layout`."""
    xhtml = subprocess.run([PDFTOTEXT or "pdftotext", "-bbox-layout", str(pdf), "-"],
                           capture_output=True, check=True).stdout
    root = ET.parse(io.BytesIO(xhtml)).getroot()
    pages = []
    for page in root.iter(f"{_XHTML}page"):
        pages.append([Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                      for w in page.iter(f"{_XHTML}word")])
    return pages


def visual_lines(words: list[Word]) -> list[list[Word]]:
    """Group words into lines by vertical position, top to bottom, each left to right."""
    # Regrouped rather than taken from pdftotext's own <line>s: poppler puts a bullet and its
    # text, or the cells of a table row, into one line for one producer and several for the
    # other, and orders its blocks differently. A visual row is the same in both.
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.middle, w.x0)):
        if lines and abs(word.middle - lines[-1][0].middle) <= 0.4 * min(word.height, lines[-1][0].height):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def normalize(text: str) -> str:
    """Return text with ligatures and no-break spaces unfolded (NFKC) and spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def body_line_boxes(pdf: Path, page: PageSetup = PageSetup(),  # noqa: B008 (frozen: the default page)
                    tolerance: float = TOLERANCE) -> list[list[list[Word]]]:
    """Return, per page, the body lines as word lists: inside the margins, no watermark, nothing
    drawn inside a Figure (a chart's labels are text in the PDF, pixels of a picture in the .docx)."""
    top, bottom = page.margin_top - tolerance, page.height - page.margin_bottom + tolerance
    boxes = figure_boxes(pdf, page.height)
    result = []
    for index, words in enumerate(page_words(pdf)):
        kept = [w for w in words if w.height < WATERMARK_HEIGHT and top <= w.middle <= bottom
                and not any(x0 <= w.x0 and w.x1 <= x1 and y0 <= w.middle <= y1 for x0, y0, x1, y1 in
                            boxes.get(index, ()))]
        result.append(visual_lines(kept))
    return result


def figure_boxes(pdf: Path, height: float) -> dict[int, list[tuple[float, ...]]]:
    """Return, per page index, the boxes of the PDF's Figure elements, y downwards from the page top."""
    import pikepdf
    found: dict[int, list[tuple[float, ...]]] = {}
    with pikepdf.open(pdf) as doc:
        if "/StructTreeRoot" not in doc.Root:
            return found  # an untagged PDF marks no figures
        pages = {p.objgen: i for i, p in enumerate(doc.pages)}
        stack = [doc.Root.StructTreeRoot.K]
        while stack:
            elem = stack.pop()
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            if str(elem.get("/S")) == "/Figure" and "/A" in elem and "/BBox" in elem.A:
                x0, y0, x1, y1 = (float(v) for v in elem.A.BBox)
                for kid in kids:
                    if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid:
                        found.setdefault(pages[kid.Pg.objgen], []).append((x0, height - y1, x1, height - y0))
            stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem")
    return found


def body_lines(pdf: Path, page: PageSetup = PageSetup(),  # noqa: B008 (frozen: the default page)
               tolerance: float = TOLERANCE) -> list[list[str]]:
    """Return, per page, the texts of the body lines in reading order (header, footer, watermark dropped)."""
    return [[normalize(" ".join(w.text for w in line)) for line in lines]
            for lines in body_line_boxes(pdf, page, tolerance)]


# --- Comparing -----------------------------------------------------------------------------------

@dataclass
class PageParity:
    """One page's first and last body words in each format (None: the format lacks the page)."""

    number: int
    pdf_first: str | None
    pdf_last: str | None
    docx_first: str | None
    docx_last: str | None

    @property
    def same_ends(self) -> bool:
        """Return whether both formats start and end the page with the same word."""
        return (self.pdf_first, self.pdf_last) == (self.docx_first, self.docx_last)


@dataclass
class Parity:
    """How the ReportLab PDF and LibreOffice's layout of the .docx break pages and lines."""

    pdf_pages: int
    docx_pages: int
    pages: list[PageParity] = field(default_factory=list)
    same_lines: int = 0
    total_lines: int = 0

    @property
    def line_share(self) -> float:
        """Return same_lines / total_lines (1.0 for two empty documents)."""
        return self.same_lines / self.total_lines if self.total_lines else 1.0

    @property
    def ok(self) -> bool:
        """Return whether page counts agree and every page starts and ends with the same words."""
        return self.pdf_pages == self.docx_pages and all(p.same_ends for p in self.pages)

    def describe(self) -> str:
        """Return a short report, one line per page, marking pages whose ends differ."""
        rows = [f"pages: pdf {self.pdf_pages}, docx {self.docx_pages}; lines identical "
                f"{self.same_lines}/{self.total_lines} = {self.line_share:.1%}"]
        for p in self.pages:
            rows.append(f"  {'ok' if p.same_ends else 'XX'} page {p.number}: "
                        f"pdf {p.pdf_first!r}…{p.pdf_last!r} | docx {p.docx_first!r}…{p.docx_last!r}")
        return "\n".join(rows)


def compare(pdf_pages: list[list[str]], docx_pages: list[list[str]]) -> Parity:
    """Compare per-page body lines of the PDF and of the LibreOffice-converted .docx.

    A line counts as identical when the line at index i of page n has the same text (after
    `normalize`) in both formats: same words, same page, same position in the page's line
    sequence. total_lines is the larger of the two formats' body line counts, so lines one format
    has and the other lacks count as different; line_share = same_lines / total_lines. One early
    break that moves a line to the next page therefore costs every later line of the page.
    """
    result = Parity(len(pdf_pages), len(docx_pages))
    for number in range(1, max(len(pdf_pages), len(docx_pages)) + 1):
        a = pdf_pages[number - 1] if number <= len(pdf_pages) else None
        b = docx_pages[number - 1] if number <= len(docx_pages) else None
        result.pages.append(PageParity(number, *_ends(a), *_ends(b)))
        if a and b:
            result.same_lines += sum(x == y for x, y in itertools.zip_longest(a, b))  # pages may differ in length
    result.total_lines = max(sum(map(len, pdf_pages)), sum(map(len, docx_pages)))
    return result


def _ends(lines: list[str] | None) -> tuple[str | None, str | None]:
    """Return the first and last word of a page's lines ('' for a page without body text)."""
    if lines is None:
        return None, None
    words = " ".join(lines).split()
    return (words[0], words[-1]) if words else ("", "")


# --- Building ----------------------------------------------------------------------------------

@dataclass
class Sheet:
    """One sheet in both formats: the PDF writer's file, LibreOffice's PDF of the .docx, the tree."""

    id: str
    pdf: Path
    docx: Path
    converted: Path
    tree: object

    def parity(self) -> Parity:
        """Return the comparison of this sheet's two layouts."""
        return compare(body_lines(self.pdf, self.tree.page), body_lines(self.converted, self.tree.page))


def build_sheets(base: Path, sources: Path = ROOT / "sources", templates: Path = TEMPLATES,
                 long_pages: tuple[int, ...] = ()) -> list[Sheet]:
    """Copy `sources` into `base`, add the generated sheets (and, with `long_pages`, a sheet of each of
    those page counts for every layout: tests/longsheets.py), build both formats, convert every .docx.

    The build is the CLI in-process; the conversion is one LibreOffice run for all sheets.
    """
    import longsheets
    from sheets import document

    from pipeline.cli import command as cli
    copy_of = base / "sources"
    shutil.copytree(sources, copy_of)
    write_generated(copy_of, lambda f: pdf_page_count(f, copy_of, templates), templates=templates)
    if long_pages:
        longsheets.write_long(copy_of, lambda f: pdf_page_count(f, copy_of, templates), long_pages, templates)
    out = base / "out"
    # Absolute paths, so the working directory does not matter.
    code = cli.main(["build", str(copy_of), "--out", str(out), "--templates", str(templates)])
    if code != 0:
        raise RuntimeError(f"factsheets build exited with {code}")
    ids = [f.stem for f in sample_files(copy_of)]
    converted = convert([out / f"{sid}.docx" for sid in ids], base / "libreoffice")
    return [Sheet(sid, out / f"{sid}.pdf", out / f"{sid}.docx", converted[out / f"{sid}.docx"],
                  document(copy_of / f"{sid}.yaml", templates, copy_of / "data"))
            for sid in ids]


# --- Generated sheets ----------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """A YAML dumper without anchors and aliases, which the record loader refuses."""

    def ignore_aliases(self, data):
        """Never write an alias, even for an object used twice."""
        return True


def sample_files(sources: Path = ROOT / "sources") -> list[Path]:
    """Return the sample records in `sources`, sorted."""
    return sorted(sources.glob("*.yaml"))


def _first_sentence(text: str) -> str:
    """Return the first sentence of a text field, on one line."""
    flat = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0]


def content_units(samples: list[dict], amounts: list[str] = ()) -> list[dict]:
    """Return sections built from the samples, small ones first, covering every block kind.

    `amounts` (figures as the filters print them) fill a right-aligned column of the tables, so
    the tables mix prose, year and number columns.
    """
    sections = [s for record in samples for s in record.get("sections", [])]
    bullets = [b for s in sections for b in s.get("bullets", [])]
    items = [i for s in sections for i in s.get("items", [])]
    rows = [[i["term"].rstrip(".:"), _first_sentence(i["text"]), str(1989 + 3 * n)]
            + ([amounts[n % len(amounts)]] if amounts else [])
            for n, i in enumerate(items)]
    table = {"columns": ["Program", "What it does", "Since"] + (["Funding"] if amounts else [])}
    units = []
    if bullets:
        units.append({"heading": "Highlights", "bullets": bullets[:2]})
    if rows:
        units.append({"heading": "Programs at a glance",
                      "table": {**table, "caption": "Programs and their first year", "rows": rows[:3]}})
    for section in sections:
        units.extend(_pieces(section))
    if rows:  # a longer table, so that a later page break can fall inside one
        units.append({"heading": "More programs", "table": {**table, "rows": rows[3:9] or rows}})
    return units


def _pieces(section: dict) -> list[dict]:
    """Split a section into units of at most two items or bullets or one paragraph, heading on the first."""
    kinds = [k for k in section if k in ("text", "items", "bullets")]
    if len(kinds) != 1:
        return [section]
    kind = kinds[0]
    if kind == "text":
        chunks = [[p] for p in re.split(r"\n\s*\n", section["text"].strip())]
    else:
        chunks = [section[kind][i:i + 2] for i in range(0, len(section[kind]), 2)]
    pieces = []
    for n, chunk in enumerate(chunks):
        piece = {k: v for k, v in section.items() if k not in ("text", "items", "bullets")} if n == 0 else {}
        piece[kind] = "\n".join(chunk) if kind == "text" else chunk
        pieces.append(piece)
    return pieces


def generated_record(base: dict, units: list[dict], count: int, pages: int, samples: list[dict],
                     prints: tuple[str, ...]) -> dict:
    """Return a draft record on `base`'s layout with the first `count` units (cycling), a callout and notes,
    each only if the layout prints it (`prints`: its Layout.prints), so any layout takes the record."""
    record = {k: v for k, v in base.items() if k not in ("sections", "highlight", "notes", "id")}
    record["title"] = f"Generated sheet of {pages} page{'s' * (pages > 1)}"
    record["subtitle"] = "Page-parity test sheet built from the samples"
    record["status"] = "draft"
    highlights = [r["highlight"] for r in samples if r.get("highlight")]
    leads = [r["lead"] for r in samples if r.get("lead")]
    record["highlight"] = (highlights or leads or ["Parity."])[0]
    record["sections"] = [copy.deepcopy(units[i % len(units)]) for i in range(count)]
    texts = [_first_sentence(i["text"]) for r in samples for s in r.get("sections", [])
             for i in s.get("items", [])]
    record["notes"] = texts[:2] or ["Generated for the page-parity test."]
    return {k: v for k, v in record.items() if k in prints or k in ALWAYS}


def write_generated(sources: Path, page_count, pages=GENERATED_PAGES, limit: int = 200,
                    templates: Path = TEMPLATES) -> dict[int, Path]:
    """Write one generated record per wanted page count into `sources`; return {pages: file}.

    `page_count(file)` returns how many pages the PDF of a record file has; for each wanted count
    the record takes the middle of the range of unit counts that give it, so no last page is
    just barely full or just barely started.
    """
    # Generated sheets mix the samples' sections freely, so they take only the samples of layouts
    # that allow any heading and no portion marks (not bilateral-relations or briefing-paper).
    layouts = load_layouts(templates)
    free = free_layouts(templates)
    samples = [record for record in (yaml.safe_load(f.read_text(encoding="utf-8")) for f in sample_files(sources)
                                     if not f.name.startswith(("generated-", "long-")))
               if record["layout"] in free]
    units = content_units(samples, [shown for _, _, shown in tables.amounts(sources / "data")])
    files = {}
    for n in pages:
        base = samples[(n - 1) % len(samples)]
        target = sources / f"generated-{n}-page{'s' * (n > 1)}.yaml"
        seen: list[int] = []
        for count in range(1, limit):
            target.write_text(yaml.dump(generated_record(base, units, count, n, samples, layouts[base["layout"]].prints), Dumper=_Dumper,
                                        allow_unicode=True, sort_keys=False, width=100),
                              encoding="utf-8")
            got = page_count(target)
            if got == n:
                seen.append(count)
            elif got > n:
                break
        if not seen:
            raise RuntimeError(f"no generated sheet has exactly {n} pages")
        count = seen[len(seen) // 2]
        target.write_text(yaml.dump(generated_record(base, units, count, n, samples, layouts[base["layout"]].prints), Dumper=_Dumper,
                                    allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
        files[n] = target
    return files


def free_layouts(templates: Path = TEMPLATES) -> set[str]:
    """Return the layouts whose records may have any section headings and carry no portion marks."""
    return {name for name, layout in load_layouts(templates).items()
            if not layout.headings and not layout.classified}


def pdf_page_count(record: Path, sources: Path, templates: Path = TEMPLATES) -> int:
    """Return the page count of a record's PDF, rendered in-process (no files written)."""
    import pypdf
    from sheets import document

    from pipeline.writers import pdf
    data = pdf.render(document(record, templates, sources / "data"))
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


# --- Looking at a word ---------------------------------------------------------------------------

def word_ink(pdf: Path, page: int, box: tuple[float, float, float, float], dpi: int = 300) -> list[list[bool]]:
    """Return the inked pixels of a page region (points: x0, y0 from the top, x1, y1), trimmed to the ink."""
    scale = dpi / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    gray = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                           "-x", str(x0), "-y", str(y0), "-W", str(x1 - x0), "-H", str(y1 - y0), str(pdf)],
                          capture_output=True, check=True).stdout
    magic, width, height, _maxval, pixels = gray.split(maxsplit=4)  # binary PGM: P5 w h 255, then bytes
    assert magic == b"P5", magic
    width, height = int(width), int(height)
    rows = [[pixels[r * width + c] < 128 for c in range(width)] for r in range(height)]
    inked_rows = [r for r, row in enumerate(rows) if any(row)]
    inked_cols = [c for c in range(width) if any(row[c] for row in rows)]
    if not inked_rows:
        return []
    return [row[inked_cols[0]:inked_cols[-1] + 1] for row in rows[inked_rows[0]:inked_rows[-1] + 1]]


def ink_similarity(a: list[list[bool]], b: list[list[bool]], cell: int = 4) -> float:
    """Return how alike two inked regions are, 0 to 1: the overlap (intersection over union) of their
    inked cells of `cell` pixels, the regions aligned at their top left (a pixel's rounding aside)."""
    def cells(ink):
        return {(r // cell, c // cell) for r, row in enumerate(ink) for c, on in enumerate(row) if on}
    first, second = cells(a), cells(b)
    return len(first & second) / len(first | second) if first | second else 0.0
