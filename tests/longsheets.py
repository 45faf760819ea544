"""Long generated sheets of every layout in templates/: 3, 5 and 10 pages, for the page-parity test.

Each layout takes its own sample record (sources/) as the base, so its required fields, banner and
country stay valid; the body is the samples' content pieces (parity.content_units) poured into
the layout's sections: free-heading layouts take each piece as a section of its own, layouts with
fixed headings pour them under the headings their sample uses, and internal papers get the
sample's portion mark on every paragraph that must carry one.
"""

from __future__ import annotations

import copy
import functools
import re
import tempfile
from pathlib import Path

import parity
import tables
import yaml

from pipeline.layouts.loader import Layout, load_layouts
from pipeline.records.marking import MARK

LONG_PAGES = (3, 5, 10)
_PARAGRAPHS = re.compile(r"\n\s*\n")


def long_id(layout: str, pages: int) -> str:
    """Return the id (and file stem) of a layout's generated sheet of `pages` pages."""
    return f"long-{layout}-{pages}-pages"


def excused(sources: Path, templates: Path = parity.TEMPLATES) -> dict[str, str]:
    """Return {layout: why it has no long sheets} for the layouts of `templates` that cannot grow long."""
    found = {}
    sampled = {_load(f).get("layout") for f in _samples(sources)}
    for name, layout in load_layouts(templates).items():
        if "sections" not in layout.prints:
            found[name] = "it prints no sections, so no field of it grows to several pages"
        elif name not in sampled:
            found[name] = "no sample record in sources/ gives its required fields to start from"
    return found


def write_long(sources: Path, page_count, pages=LONG_PAGES, templates: Path = parity.TEMPLATES,
               limit: int = 400) -> dict[tuple[str, int], Path]:
    """Write a generated record of each wanted page count for every layout that can grow long;
    return {(layout, pages): file}. `page_count(file)` is the page count of a record's PDF."""
    layouts = load_layouts(templates)
    samples = [_load(f) for f in _samples(sources)]
    free = parity.free_layouts(templates)
    amounts = [shown for _, _, shown in tables.amounts(sources / "data")]
    units = parity.content_units([s for s in samples if s["layout"] in free], amounts)
    skip = excused(sources, templates)
    files = {}
    with tempfile.TemporaryDirectory(prefix="long-") as scratch:  # the search's records, outside `sources`
        for name, layout in sorted(layouts.items()):
            if name not in skip:
                base = next(s for s in samples if s["layout"] == name)
                files.update(_write_lengths(sources, Path(scratch) / f"{name}.yaml", pages, limit,
                                            lambda count, base=base, layout=layout:
                                            long_record(base, units, count, samples, layout),
                                            page_count))
    return files


def _write_lengths(sources: Path, scratch: Path, pages, limit: int, record_of, page_count) -> dict:
    """Write one layout's record of each wanted page count; return {(layout, pages): file}."""
    @functools.cache  # a record depends on the count only, so one search serves every length
    def pages_of(count):
        _write(scratch, record_of(count))
        return page_count(scratch)
    files = {}
    for n in pages:
        count = _middle_count(pages_of, n, limit)
        if count is None:
            raise RuntimeError(f"no generated {scratch.stem} sheet has exactly {n} pages")
        target = sources / f"{long_id(scratch.stem, n)}.yaml"
        _write(target, record_of(count))
        files[(scratch.stem, n)] = target
    return files


def long_record(base: dict, units: list[dict], count: int, samples: list[dict], layout: Layout) -> dict:
    """Return a record on `base`'s layout with `count` content pieces, valid for that layout."""
    record = parity.generated_record(base, units, count, 0, samples, layout.prints)
    record["title"] = f"Generated long {layout.name} sheet"  # the same for every length: see write_long
    if layout.headings:
        record["sections"] = _under_headings(record["sections"], [s["heading"] for s in base["sections"]
                                                                  if s.get("heading")])
    mark = MARK.match(base.get("title", ""))
    if layout.classified and mark:
        _mark(record, mark.group())
    return record


def _under_headings(pieces: list[dict], headings: list[str]) -> list[dict]:
    """Return the pieces' content poured, in order, into one section per heading (as even as can be)."""
    sections = [{"heading": h} for h in headings]
    for index, piece in enumerate(pieces):
        section = sections[index * len(headings) // len(pieces)]
        for key in ("text", "bullets", "items", "table", "chart"):
            if key not in piece:
                continue
            value = copy.deepcopy(piece[key])
            if key not in section:
                section[key] = value
            elif key == "text":
                section[key] = f"{section[key].rstrip()}\n\n{value}"
            elif key in ("bullets", "items"):
                section[key] += value
            elif key == "table" and section[key]["columns"] == value["columns"]:
                section[key]["rows"] += value["rows"]
            # a second chart in one section has no key of its own: it is left out
    return [s for s in sections if len(s) > 1]


def _mark(record: dict, mark: str) -> None:
    """Open every paragraph an internal paper must mark with `mark` (fields.py: `marked`)."""
    def marked(text: str) -> str:
        return "\n\n".join(p if MARK.match(p) else f"{mark} {p}" for p in _PARAGRAPHS.split(text.strip()))
    for key in ("title", "subtitle", "lead", "highlight"):
        if key in record:
            record[key] = marked(record[key])
    if "notes" in record:
        record["notes"] = [marked(n) for n in record["notes"]]
    for section in record.get("sections", []):
        if "text" in section:
            section["text"] = marked(section["text"])
        if "bullets" in section:
            section["bullets"] = [marked(b) for b in section["bullets"]]
        for item in section.get("items", []):
            item["term"] = marked(item["term"])
        for key, field in (("table", "caption"), ("chart", "title")):
            if field in section.get(key, {}):
                section[key][field] = marked(section[key][field])


def _middle_count(pages_of, n: int, limit: int) -> int | None:
    """Return the middle of the range of counts whose sheet has `n` pages (the page count grows with the
    count), so no last page is just barely full or just barely started; None if no count gives `n`."""
    first = _first_count(pages_of, lambda got: got >= n, limit)
    if first is None:
        return None
    after = _first_count(pages_of, lambda got: got > n, limit) or limit + 1
    for count in sorted(range(first, after), key=lambda c: abs(c - (first + after - 1) / 2)):
        if pages_of(count) == n:
            return count
    return None


def _first_count(pages_of, wanted, limit: int) -> int | None:
    """Return the smallest count up to `limit` for which wanted(pages_of(count)): doubling, then bisection."""
    low, high = 1, 1
    while not wanted(pages_of(high)):
        if high >= limit:
            return None
        low, high = high + 1, min(2 * high, limit)
    while low < high:
        middle = (low + high) // 2
        if wanted(pages_of(middle)):
            high = middle
        else:
            low = middle + 1
    return low


def _samples(sources: Path) -> list[Path]:
    """Return the sample records of `sources`: not the generated ones."""
    return [f for f in parity.sample_files(sources) if not f.name.startswith(("generated-", "long-"))]


def _load(file: Path) -> dict:
    """Return a record file's YAML."""
    return yaml.safe_load(file.read_text(encoding="utf-8"))


def _write(target: Path, record: dict) -> None:
    """Write a record as YAML the loader takes (no aliases)."""
    target.write_text(yaml.dump(record, Dumper=parity._Dumper, allow_unicode=True, sort_keys=False, width=100),
                      encoding="utf-8")
