"""The bench's generated records (bench/recordgen.py) pass `factsheets check`, cover every layout, and
a change of the bench's one figure rebuilds exactly the records that read it; charted records draw
their own pictures or share one. Nothing here is timed."""

import math
import re
from pathlib import Path

import benchcode
import pytest

ROOT = Path(__file__).resolve().parents[2]


recordgen = benchcode.load("recordgen")
LAYOUTS = recordgen.layout_names(ROOT / "templates")
EVERY = 3


def test_generated_records_pass_check_and_cover_every_layout(tmp_path, run_cli):
    count = 3 * len(LAYOUTS) + 1
    generated = recordgen.generate(tmp_path, count, EVERY)
    result = run_cli("check", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert f"checked {count} of {count} records" in result.out
    records = sorted((tmp_path / "sources").glob("*.yaml"))
    assert len(records) == count
    assert sorted(set(generated.layouts.values())) == LAYOUTS
    reading = {path.stem for path in records if generated.reference in path.read_text(encoding="utf-8")}
    assert reading == generated.readers
    assert len(reading) == math.ceil(count / EVERY)
    samples = recordgen.samples(ROOT / "sources", ROOT / "templates")
    printing = {s.layout for s in samples if generated.figure in s.figures}
    assert {generated.layouts[r] for r in reading} == printing


def test_changing_the_bench_figure_rebuilds_exactly_its_readers(tmp_path, run_cli):
    generated = recordgen.generate(tmp_path, 2 * len(LAYOUTS), EVERY)
    assert run_cli("build", "--jobs", "1", "-q", cwd=tmp_path).code == 0
    recordgen.write_figure(generated, step=1)
    result = run_cli("build", "--jobs", "1", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    rebuilt = set(re.findall(r"(?m)^rebuilt (\S+) ", result.out))
    assert rebuilt == generated.readers
    assert f": {len(generated.readers)} rebuilt, " in result.out


def test_a_lengthened_sample_checks_and_prints_more_pages(project, run_cli):
    """The preview bench's long sheet: a sample's sections written over, headings numbered. Layouts with
    a fixed list of headings refuse the numbered ones; at least one sample's layout takes them."""
    import pypdfium2

    built = []
    for file in sorted((project / "sources").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        longer = project / "sources" / f"{file.stem}-longer.yaml"
        longer.write_text(recordgen.lengthened(text, 3), encoding="utf-8")
        assert longer.read_text(encoding="utf-8").count("heading:") == 3 * text.count("heading:")
        if run_cli("build", "-q", "--out", "out", str(file), str(longer), cwd=project).code == 0:
            pages = [len(pypdfium2.PdfDocument(project / "out" / f"{stem}.pdf")) for stem in (file.stem, longer.stem)]
            assert pages[1] > pages[0], file.name
            built.append(file.name)
        longer.unlink()
    assert built, "no sample's layout takes its sections written over"


@pytest.mark.slow  # builds two projects of one record per layout
@pytest.mark.parametrize("own", [True, False], ids=["own", "shared"])
def test_charted_records_check_and_draw_their_own_or_one_shared_picture(tmp_path, run_cli, own):
    """recordgen.add_charts (issue 27's target 5): every layout takes the chart; each sheet's picture is
    its own, or one picture is in every sheet."""
    import zipfile

    generated = recordgen.generate(tmp_path, len(LAYOUTS), len(LAYOUTS))
    recordgen.add_charts(generated, own=own)
    result = run_cli("build", "--jobs", "1", "--no-daemon", cwd=tmp_path)
    assert result.code == 0 and f"{len(LAYOUTS)} rebuilt, 0 up to date, 0 failed" in result.out, result.out + result.err
    pictures = []
    for record_id in sorted(generated.layouts):
        with zipfile.ZipFile(tmp_path / "output" / f"{record_id}.docx") as docx:
            pictures.append({docx.read(n) for n in docx.namelist() if n.startswith("word/media/")})
    if own:
        assert all(mine - set().union(*(p for p in pictures if p is not mine)) for mine in pictures)
    else:
        assert set.intersection(*pictures)
