"""The stale-figure ledger names every sheet printing a stale shared figure, once, however many sheets."""

import datetime as dt
from pathlib import Path

from pipeline.figures import shared as data
from pipeline.figures import staleness

ROOT = Path(__file__).resolve().parents[2]


def _stale_keys(dataset, since) -> list[str]:
    """Return a dependency key of each shared figure in sources/data dated before `since`."""
    return [f"data.{name}.{figure_name}" for name, file in sorted(dataset.files.items())
            for figure_name, figure in sorted(file.figures.items())
            if figure.as_of is not None and figure.as_of < since]


def test_every_sheet_is_named_in_one_message_made_once(monkeypatch):
    """2,000 sheets print the same stale figure: each sheet's stand-in becomes the one message naming
    all 2,000, and that message is made once, not once per sheet (it was: quadratic in the sheets)."""
    dataset = data.load(ROOT / "sources" / "data", "sources/data")
    since = dt.date(2100, 1, 1)  # every dated shared figure is stale
    keys = _stale_keys(dataset, since)
    assert keys  # the samples' shared data has dated figures
    ledger = staleness.Ledger(dataset, since, 18, "warning")
    paths = [f"sources/{n:04}.yaml" for n in range(2000)]
    noted = [ledger.note(path, keys[:1]) for path in paths]
    made = []
    real = ledger._diagnostic
    monkeypatch.setattr(ledger, "_diagnostic", lambda name, found: made.append(name) or real(name, found))
    replaced = [ledger.replace(diagnostics) for diagnostics in noted]
    assert len(made) == 1
    assert all(len(r) == 1 and r[0] is replaced[0][0] for r in replaced)
    assert replaced[0][0].message.endswith(", ".join(paths))
    assert ledger.replace([]) == []
