"""Generate N realistic records from the samples into a scratch project: every layout, one shared figure.

The layouts are the folders of templates/ that hold a layout.yaml; the samples are sources/*.yaml,
both read at run time. Record i is a copy of a sample (its title numbered, its id the file name);
samples are taken in turn, so every layout is generated about equally often.

One shared figure is read by a known subset: 1 record in EVERY (100 of 1,000 by default). The
figure is one that every sample prints (or, when none is, the one most samples print, and the
subset comes from those samples only); its copy lives in sources/data/<BENCH_FILE>.yaml, and the
subset's references to it point there, so a change of that one copy touches exactly the subset.
The other records keep reading the shared-data files of sources/data, copied unchanged.
Standard library and PyYAML (which the project installs) only.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH_FILE = "bench"  # sources/data/bench.yaml: the figure the subset reads
REFERENCE = re.compile(r"\bdata\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")


class GeneratorError(Exception):
    """The samples cannot make the records asked for; the message says what to add or change."""


@dataclass(frozen=True)
class Sample:
    """One record of sources/: its file, text, layout and the shared figures it prints."""

    file: Path
    text: str
    layout: str
    figures: frozenset[str]  # "file.figure"


@dataclass
class Generated:
    """What generate() made: the project, each record's layout, and the subset that reads the figure."""

    project: Path
    figure: str  # the original shared figure, "file.figure"
    entry: dict  # its YAML entry, as sources/data holds it
    layouts: dict[str, str] = field(default_factory=dict)  # record id -> layout
    readers: set[str] = field(default_factory=set)  # record ids that read data.<BENCH_FILE>.<figure>

    @property
    def reference(self) -> str:
        """Return how the subset's records name the figure (data.bench.<figure>)."""
        return f"data.{BENCH_FILE}.{self.figure.split('.')[1]}"


def layout_names(templates: Path) -> list[str]:
    """Return the layouts of a templates folder: its sub-folders that hold a layout.yaml."""
    return sorted(p.parent.name for p in templates.glob("*/layout.yaml"))


def figures_of(data_folder: Path) -> dict[str, dict]:
    """Return every shared figure of a data folder as {"file.figure": its YAML entry}."""
    found = {}
    for path in sorted(data_folder.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found.update({f"{path.stem}.{name}": entry for name, entry in content.items()})
    return found


def samples(sources: Path, templates: Path) -> list[Sample]:
    """Return the sample records, checking that every layout of `templates` has at least one."""
    known = figures_of(sources / "data")
    found = []
    for file in sorted(sources.glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        layout = (yaml.safe_load(text) or {}).get("layout")
        reads = frozenset(f"{m[0]}.{m[1]}" for m in REFERENCE.findall(text)) & known.keys()
        found.append(Sample(file, text, str(layout), reads))
    missing = sorted(set(layout_names(templates)) - {s.layout for s in found})
    if missing:
        raise GeneratorError(f"no sample record in {sources} for the layout(s) {', '.join(missing)}: "
                             "add one sample per layout so the bench covers it")
    return found


def pick_figure(found: list[Sample]) -> tuple[str, list[Sample]]:
    """Return the figure to change and the samples that print it: every sample's, else the most-read."""
    counts: dict[str, int] = {}
    for sample in found:
        for name in sample.figures:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        raise GeneratorError("no sample prints a shared figure of sources/data, so no change can be timed")
    figure = min(counts, key=lambda name: (-counts[name], name))  # most samples, then by name
    return figure, [s for s in found if figure in s.figures]


def numbered_title(text: str, n: int | str) -> str:
    """Return the record text with ' (n)' after its one-line title; other titles are left alone."""
    match = re.search(r"(?m)^title:[^\n]*$", text)
    if match is None:
        return text
    try:
        value = yaml.safe_load(match.group(0))["title"]
    except yaml.YAMLError:
        return text
    if not isinstance(value, str) or not value.strip():
        return text  # a block scalar or an empty title: keep it as the sample has it
    line = "title: " + json.dumps(f"{value} ({n})", ensure_ascii=False)  # JSON strings are YAML
    return text[:match.start()] + line + text[match.end():]


def lengthened(text: str, copies: int) -> str:
    """Return the record text with its list of sections written `copies` times over: a longer sheet of
    the same kinds of content (the list is the lines after `sections:` up to the next top-level key)."""
    match = re.search(r"(?m)^sections:[ \t]*\n((?:[ \t]+[^\n]*\n|[ \t]*\n)+)", text)
    if match is None:
        raise GeneratorError("the sample has no list of sections to repeat: pick one with a 'sections:' list")
    body = match.group(1).rstrip("\n") + "\n\n"
    repeated = body + "".join(_headings_numbered(body, n) for n in range(2, copies + 1))
    return text[:match.start(1)] + repeated + text[match.end(1):]


def _headings_numbered(body: str, n: int) -> str:
    """Return a list of sections with ' (n)' after each one-line heading: a sheet's headings differ."""
    def numbered(match: re.Match) -> str:
        try:
            value = yaml.safe_load("h: " + match.group(2))["h"]
        except yaml.YAMLError:
            return match.group(0)
        if not isinstance(value, str):
            return match.group(0)
        return match.group(1) + json.dumps(f"{value.rstrip(':')} ({n}):" if value.endswith(":") else f"{value} ({n})",
                                           ensure_ascii=False)
    return re.sub(r"(?m)^([ \t]*(?:-[ \t]+)?heading:[ \t]*)([^\n]*)$", numbered, body)


def record_text(sample: Sample, record_id: str, n: int, redirect: str | None) -> str:
    """Return sample's text as record n: numbered title, its own id, the figure redirected if asked."""
    text = numbered_title(sample.text, n)
    text = re.sub(r"(?m)^id:[^\n]*$", f"id: {record_id}", text)  # a sample that names its id
    if redirect:
        file, name = redirect.split(".")
        text = re.sub(rf"\bdata\.{re.escape(file)}\.{re.escape(name)}\b", f"data.{BENCH_FILE}.{name}", text)
    return text


def write_figure(generated: Generated, step: int = 0) -> None:
    """Write the subset's copy of the figure, every value moved by `step` units of its second digit."""
    entry = dict(generated.entry)
    if "values" in entry:
        entry["values"] = {key: _moved(value, step) for key, value in entry["values"].items()}
    if "value" in entry:
        entry["value"] = _moved(entry["value"], step)
    name = generated.figure.split(".")[1]
    text = (f"# Written by bench/recordgen.py: a copy of data.{generated.figure}, read only by the "
            f"{len(generated.readers)} records of the changed subset.\n")
    text += yaml.safe_dump({name: entry}, sort_keys=False, allow_unicode=True, default_flow_style=False)
    (generated.project / "sources" / "data" / f"{BENCH_FILE}.yaml").write_text(text, encoding="utf-8")


def _moved(value, step: int):
    """Return a number moved by `step` units of its second digit (48,000,000 + 1 step = 49,000,000)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not step:
        return value
    unit = 10 ** max(len(str(int(abs(value)))) - 2, 0)
    return value + step * unit


def generate(project: Path, count: int, every: int = 10, root: Path = ROOT) -> Generated:
    """Make a project of `count` records from root's samples; 1 in `every` reads the bench figure."""
    if count < 1 or every < 1:
        raise GeneratorError("need at least 1 record and 1 in at least 1 reading the figure")
    found = samples(root / "sources", root / "templates")
    figure, reading = pick_figure(found)
    if (root / "sources" / "data" / f"{BENCH_FILE}.yaml").exists():
        raise GeneratorError(f"sources/data/{BENCH_FILE}.yaml exists; the bench needs that name for its figure")
    shutil.copytree(root / "templates", project / "templates")
    shutil.copytree(root / "sources" / "data", project / "sources" / "data")
    generated = Generated(project, figure, figures_of(root / "sources" / "data")[figure])
    width = max(4, len(str(count - 1)))
    taken = {"readers": 0, "others": 0}
    for n in range(count):
        reader = n % every == 0
        pool, key = (reading, "readers") if reader else (found, "others")
        sample = pool[taken[key] % len(pool)]  # readers and the rest each take the samples in turn
        taken[key] += 1
        record_id = f"{n:0{width}d}-{sample.file.stem}"
        text = record_text(sample, record_id, n, figure if reader else None)
        (project / "sources" / f"{record_id}.yaml").write_text(text, encoding="utf-8")
        generated.layouts[record_id] = sample.layout
        if reader:
            generated.readers.add(record_id)
    write_figure(generated)
    return generated


# --- charts (issue 27's target 5: a thousand sheets each with its own chart) -----------------------

CHART_FIGURE = "bench_chart"  # the record figure each generated chart draws
CHART_SERIES = {2013: 1500, 2014: 2100, 2015: 2600, 2016: 3400, 2017: 4700, 2018: 5700}


def add_charts(generated: Generated, own: bool) -> None:
    """Give every generated record a bar chart of a series figure of its own, first among its sections:
    each with its own values (`own`: the last year's moved by the record's number, so no two records
    draw the same chart) or all with the same values (the sheets of one layout share one picture)."""
    for n, record_id in enumerate(sorted(generated.layouts)):
        path = generated.project / "sources" / f"{record_id}.yaml"
        path.write_text(charted(path.read_text(encoding="utf-8"), n if own else 0), encoding="utf-8")


def charted(text: str, shift: int) -> str:
    """Return a record's text with CHART_FIGURE among its figures (its last value moved by `shift`) and
    a bar chart of it at the end of its first section (a layout may require its own first heading)."""
    values = dict(CHART_SERIES)
    values[max(values)] += shift
    series = ", ".join(f"{year}: {value}" for year, value in values.items())
    figure = (f"{CHART_FIGURE}: {{label: Hectares under cultivation, unit: ha, source: bench/recordgen.py, "
              f"values: {{{series}}}}}")
    first = re.search(r"(?m)^sections:[ \t]*\n(?:[ \t]*\n)*([ \t]*)-[ \t][^\n]*\n", text)
    if first is None:
        raise GeneratorError("the sample has no block list of sections to put a chart in")
    indent = first.group(1)
    # The first section ends where a line at most as indented as its dash begins (its next sibling or key).
    end = re.compile(rf"(?m)^(?!{indent}[ \t]|[ \t]*$)").search(text, first.end())
    at = end.start() if end else len(text)
    mark = "(U) " if "(U) " in text else ""  # a record whose paragraphs carry portion marks (internal papers)
    item = f"{indent}  chart: {{figure: {CHART_FIGURE}, kind: bar, title: {mark}Hectares under cultivation}}\n"
    text = text[:at].rstrip("\n") + "\n" + item + "\n" + text[at:]
    figures = re.search(r"(?m)^figures:[ \t]*\n(?:[ \t]*\n)*([ \t]+)\S", text)
    if figures is not None:  # a block mapping of the record's own figures: one more entry, as indented
        return text[:figures.start(1)] + figures.group(1) + figure + "\n" + text[figures.start(1):]
    if re.search(r"(?m)^figures:", text):
        raise GeneratorError("the sample writes its figures in flow style: write them one per line")
    return text.rstrip("\n") + f"\nfigures:\n  {figure}\n"
