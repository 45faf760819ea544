"""Long tables generated from the samples: prose from their text, amounts from the shared data's series."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.figures import values as figures

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["Year", "What the program does", "Amount"]
DASH = "\u2014"  # a numeric column may say "none" with a dash


@dataclass(frozen=True)
class Row:
    """One generated row: the record's cells and the text the sheet prints in them."""

    cells: list[str]
    printed: list[str]


def sentences(sources: Path) -> list[str]:
    """Return every distinct sentence of the samples' lead, text, bullets and items, in file order."""
    found: list[str] = []
    for file in sorted(sources.glob("*.yaml")):
        record = yaml.safe_load(file.read_text(encoding="utf-8"))
        texts = [record.get("lead") or "", record.get("highlight") or ""]
        for section in record.get("sections", []):
            texts.append(section.get("text") or "")
            texts.extend(section.get("bullets") or [])
            texts.extend(item["text"] for item in section.get("items") or [])
        for text in texts:
            # An internal paper's portion marks ("(U) ") stay out: a public sheet's cells may not print one.
            text = re.sub(r"(^|\s)\((U|SBU|C|S|TS)(//[^)]*)?\) ", r"\1", text)
            for sentence in re.split(r"(?<=[a-z)][.!?])\s+(?=[A-Z])", " ".join(text.split())):
                # Only plain prose: a figure reference prints other text than the record holds.
                if sentence and "{{" not in sentence and "*" not in sentence and sentence not in found:
                    found.append(sentence)
    # A sentence inside another (one sample quoting another) would make a row's text ambiguous.
    return [s for s in found if not any(s != other and s in other for other in found)]


def series(data: Path):
    """Yield (data file name, figure name, figure) for every series figure of the shared data."""
    for file in sorted(data.glob("*.yaml")):
        for name, figure in yaml.safe_load(file.read_text(encoding="utf-8")).items():
            if isinstance(figure, dict) and "values" in figure:
                yield file.stem, name, figure


def values(data: Path) -> list[float]:
    """Return every value of every series in the shared data."""
    return [value for _, _, figure in series(data) for _, value in sorted(figure["values"].items())]


def amounts(data: Path) -> list[tuple[str, str, str]]:
    """Return (year, reference, printed text) for every year of every series in the shared data."""
    found = []
    for file, name, figure in series(data):
        money = figure.get("unit") == "USD"
        for year, value in sorted(figure["values"].items()):
            shown = figures.money(value) if money else figures.number(value)
            ref = f"{{{{ data.{file}.{name}[{year}] | {'money' if money else 'number'} }}}}"
            found.append((str(year), ref, shown))
    return found


def long_rows(sources: Path) -> list[Row]:
    """Return one row per sample sentence, amounts cycling through the shared series, the last a dash."""
    series = amounts(sources / "data")
    rows = []
    for n, sentence in enumerate(sentences(sources)):
        year, ref, shown = series[n % len(series)]
        rows.append(Row([year, sentence, ref], [year, sentence, shown]))
    rows[-1] = Row([*rows[-1].cells[:2], DASH], [*rows[-1].printed[:2], DASH])
    return rows


def long_table_record(sources: Path, base: str = "laos-inl.yaml") -> dict:
    """Return a record on the layout of `base` whose only text is the long table."""
    record = yaml.safe_load((sources / base).read_text(encoding="utf-8"))
    record = {k: v for k, v in record.items() if k not in ("sections", "notes", "highlight", "lead", "id")}
    record["title"] = "Program funding by year"
    record["sources"] = False  # the sheet ends with the table
    record["sections"] = [{"heading": "Programs and their funding",
                           "table": {"columns": COLUMNS, "rows": [row.cells for row in long_rows(sources)]}}]
    return record


def write_long_table(sources: Path, name: str = "long-table.yaml") -> Path:
    """Write the long-table record into a (scratch) sources folder; return its file."""
    target = sources / name
    target.write_text(yaml.safe_dump(long_table_record(sources), allow_unicode=True, sort_keys=False, width=100),
                      encoding="utf-8")
    return target
