"""Rewrite the golden files from the current code: run only when an output change is intended.

Usage: make goldens              every golden (then review `git diff tests/` before committing)
       make goldens ONLY=<id>    one sample's goldens only: its tree dump and its structure dump
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import tempfile  # noqa: E402

import badlook  # noqa: E402
import corpus  # noqa: E402
import records  # noqa: E402
import tagged  # noqa: E402
from sheets import document  # noqa: E402

from pipeline.base import fonts  # noqa: E402
from pipeline.document.tree import dump  # noqa: E402


def main(argv: list[str], goldens: Path = HERE / "goldens") -> int:
    """Regenerate every golden, or with a sheet id only that sample's; return the exit code."""
    samples = records.samples()
    if not argv:
        _regen_all(samples, goldens)
        return 0
    known = {record.id: record for record in samples}
    unknown = [sid for sid in argv if sid not in known]
    if unknown:
        print(f"make goldens: no record in sources/ has the id {', '.join(unknown)}; "
              f"the ids are: {', '.join(sorted(known))}", file=sys.stderr)
        return 2
    chosen = [known[sid] for sid in argv]
    _regen_trees(chosen, goldens)
    _regen_structure(chosen, goldens)
    print(f"goldens of {', '.join(argv)} rewritten; review them with: git diff tests/goldens")
    return 0


def _regen_trees(samples, goldens: Path) -> None:
    """Rewrite each sample's document-tree dump."""
    for record in samples:
        (goldens / f"{record.id}.tree").write_text(dump(document(record.file)), encoding="utf-8")


def _regen_all(samples, goldens: Path) -> None:
    """Regenerate tree dumps of the samples and the expected diagnostics of every bad record and look."""
    _regen_trees(samples, goldens)
    for orphan in sorted(set(goldens.glob("*.tree")) - {goldens / f"{r.id}.tree" for r in samples}):
        orphan.unlink()  # its record was removed or renamed; the golden test refuses leftovers
    _regen_structure(samples, goldens)
    for bad in sorted((HERE / "bad").glob("*.yaml")):
        result = subprocess.run([sys.executable, "-m", "pipeline", "check", str(bad.relative_to(ROOT))],
                                cwd=ROOT, capture_output=True, text=True)
        bad.with_suffix(".expected").write_text(result.stderr, encoding="utf-8")
    for case in corpus.cases():
        _regen_case(case)
    for case in [*badlook.cases(), *badlook.cases(badlook.ACCESS_CASES)]:
        with tempfile.TemporaryDirectory() as folder:
            result = badlook.run(badlook.project_with(case, Path(folder)), *badlook.check_args(case))
        case.with_suffix(".expected").write_text(result.stderr, encoding="utf-8")
    fonts.COVERAGE_FILE.write_text(fonts.coverage_file(fonts.measured_family_coverage()), encoding="ascii")
    subprocess.run([sys.executable, "-m", "pipeline", "schema", "-o", "factsheets.schema.json"], cwd=ROOT,
                   check=True, capture_output=True)  # the editor schema follows the layouts' fields
    print("goldens, pipeline/fonts/coverage.txt and factsheets.schema.json rewritten; review them with: git diff")


def _regen_structure(samples, goldens: Path) -> None:
    """Rewrite each sample's structure-tree dump (poppler's pdfinfo -struct-text of its PDF)."""
    from pipeline.writers import pdf
    if not tagged.PDFINFO:
        print("pdfinfo (poppler-utils) is not installed: structure goldens left as they are")
        return
    with tempfile.TemporaryDirectory() as folder:
        for record in samples:
            path = Path(folder) / f"{record.id}.pdf"
            path.write_bytes(pdf.render(document(record.file)))
            (goldens / f"{record.id}.struct").write_text(tagged.struct_text(path), encoding="utf-8")


def _regen_case(case: Path) -> None:
    """Rewrite the diagnostics of a refused corpus case; its why, exit and texts stay as reviewed."""
    expected = corpus.read_expected(case)
    with tempfile.TemporaryDirectory() as folder:
        outcome = corpus.run_case(case, Path(folder), expected)
    if outcome.code != expected.exit:
        print(f"{case}: exit {outcome.code}, expected {expected.exit}; fix the case or the code")
    if expected.exit != 0:
        expected.stderr = outcome.err
        corpus.write_expected(case, expected, corpus.raw_texts(case), corpus.raw_name(case))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
