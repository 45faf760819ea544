"""The seal or flag: opt-in, from a file the user supplies, checked, drawn and described in both formats."""

import io
import json
import os
import re
import zipfile

import docsample
import pikepdf
import pytest
import tagged
from conftest import ROOT

RECORD = "sources/laos-embassy-inl.yaml"
ALT = "Placeholder seal of the U.S. Embassy in Vientiane"


def _supply(project, picture: bytes, name="assets/seal.png") -> None:
    """Put a picture in the scratch project (generated here: the repository ships none)."""
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture)


def _with_seal(project, line=f"seal: {{file: assets/seal.png, alt: {ALT}}}\n") -> None:
    """Give the embassy sample a seal line after its layout line."""
    record = project / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"^(layout: .*\n)", lambda m: m.group(1) + line, text, count=1, flags=re.M),
                      encoding="utf-8")


def _build(run_cli, project, *args):
    """Build the embassy sample in the scratch project."""
    return run_cli("build", "--out", project / "output", RECORD, *args, cwd=project)


def _figures(pdf_path):
    """Return the PDF's Figure elements as (alt, bbox)."""
    with pikepdf.open(pdf_path) as pdf:
        return [(str(e.get("/Alt", "")), [float(v) for v in e.A.BBox])
                for e in tagged.elements(pdf) if str(e.S) == "/Figure"]


def _doc_prs(docx_path):
    """Return the docPr attributes of every picture in the .docx."""
    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode("utf-8")
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<wp:docPr [^>]*>", xml)]


def test_no_sample_and_no_layout_draws_a_picture_unasked(built):
    """Never invented: without a seal field or setting, no sheet holds a picture but its charts."""
    for sid, paths in built.items():
        names = zipfile.ZipFile(paths["docx"]).namelist()
        charts = len([p for p in _doc_prs(paths["docx"]) if p.get("descr", "").endswith(" chart")
                      or " chart: " in p.get("descr", "")])
        assert len([n for n in names if n.startswith("word/media/")]) == charts, sid
    assert not list((ROOT / "assets").glob("*")) if (ROOT / "assets").exists() else True


def test_a_records_seal_is_a_figure_with_alt_text_in_both_formats(project, run_cli):
    _supply(project, docsample.placeholder_png(300, 200))
    _with_seal(project)
    assert _build(run_cli, project).code == 0
    out = project / "output"
    (alt, box), = _figures(out / "laos-embassy-inl.pdf")
    assert alt == ALT
    assert box[2] - box[0] == pytest.approx(72) and box[3] - box[1] == pytest.approx(48)  # the look's width
    (doc_pr,) = _doc_prs(out / "laos-embassy-inl.docx")
    assert doc_pr["descr"] == ALT
    xml = zipfile.ZipFile(out / "laos-embassy-inl.docx").read("word/document.xml").decode()
    assert f'<wp:extent cx="{72 * 12700}" cy="{48 * 12700}"/>' in xml
    media = [n for n in zipfile.ZipFile(out / "laos-embassy-inl.docx").namelist() if n.startswith("word/media/")]
    assert [zipfile.ZipFile(out / "laos-embassy-inl.docx").read(n) for n in media] == \
        [docsample.placeholder_png(300, 200)]


def test_a_jpeg_seal_is_taken(project, run_cli):
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (120, 120), "#B31942").save(out, format="JPEG")
    _supply(project, out.getvalue(), "assets/seal.jpg")
    _with_seal(project, f"seal: {{file: assets/seal.jpg, alt: {ALT}}}\n")
    assert _build(run_cli, project).code == 0
    assert [alt for alt, _ in _figures(project / "output" / "laos-embassy-inl.pdf")] == [ALT]


def test_a_new_picture_in_the_same_file_rebuilds_the_sheet(project, run_cli):
    """The manifest holds the picture's hash: changing the image rebuilds the sheet, nothing else."""
    _supply(project, docsample.placeholder_png(300, 200))
    _with_seal(project)
    assert _build(run_cli, project).code == 0
    assert "0 rebuilt, 1 up to date" in _build(run_cli, project).err + _build(run_cli, project).out
    _supply(project, docsample.placeholder_png(300, 200, "#B31942"))
    result = _build(run_cli, project)
    assert result.code == 0 and "picture changed (assets/seal.png)" in result.out + result.err
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert "file:assets/seal.png" in manifest["records"][RECORD]["data"]


@pytest.mark.parametrize("picture,message", [
    (docsample.placeholder_png(4100, 8), "is 4,100 × 8 pixels; a picture may be at most 4,000 pixels a side"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 2_000_000, "is 2,000,008 bytes; a picture may be at most 2,000,000 bytes"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "is a damaged PNG file (it cannot be read as a picture)"),
    (docsample.placeholder_png(300, 200)[:-30], "is a damaged PNG file (it cannot be read as a picture)"),
    (b"GIF89a" + b"\0" * 40, "is not a PNG or JPEG picture"),
], ids=["too-many-pixels", "too-many-bytes", "damaged", "cut-short", "gif"])
def test_a_bad_picture_is_refused_at_the_field(project, run_cli, picture, message):
    _supply(project, picture)
    _with_seal(project)
    result = _build(run_cli, project)
    assert result.code == 1
    lines = (project / RECORD).read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("seal:"))
    column = lines[at - 1].index("assets/") + 1
    assert f"sources/laos-embassy-inl.yaml:{at}:{column}: error: 'assets/seal.png' {message}\n" in result.err
    assert not (project / "output" / "laos-embassy-inl.pdf").exists()


def test_a_link_out_of_the_assets_folder_is_refused(project, run_cli, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "seal.png"
    outside.write_bytes(docsample.placeholder_png())
    (project / "assets").mkdir()
    (project / "assets" / "seal.png").symlink_to(outside)
    _with_seal(project)
    result = _build(run_cli, project)
    assert result.code == 1 and "'assets/seal.png': the file is a symbolic link" in result.err


def test_an_assets_folder_that_is_a_link_out_of_the_project_is_refused(project, run_cli, tmp_path_factory):
    """The folder itself a link: its files resolved inside the folder it points to, so it passed before."""
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "seal.png").write_bytes(docsample.placeholder_png())
    (project / "assets").symlink_to(outside)
    _with_seal(project)
    result = _build(run_cli, project)
    assert result.code == 1 and "is a symbolic link" in result.err, result.err
    assert not (project / "output" / "laos-embassy-inl.pdf").exists()


def test_a_named_pipe_in_place_of_the_seal_is_refused_without_waiting(project, run_cli):
    """A FIFO is never opened for reading: the build would wait for a writer for ever, holding the lock."""
    (project / "assets").mkdir()
    os.mkfifo(project / "assets" / "seal.png")
    _with_seal(project)
    result = _build(run_cli, project)
    assert result.code == 1 and "is not a file inside the project's assets/ or templates/ folder" in result.err


def _layout_seal(project, lines: str) -> None:
    """Add seal defaults to the embassy layout."""
    layout = project / "templates" / "embassy-section" / "layout.yaml"
    layout.write_text(layout.read_text(encoding="utf-8").replace("defaults:\n", "defaults:\n" + lines),
                      encoding="utf-8")


def test_a_layouts_seal_setting_draws_it_on_its_sheets(project, run_cli):
    _supply(project, docsample.placeholder_png(300, 200))
    _layout_seal(project, f"  seal: assets/seal.png\n  seal_alt: {ALT}\n")
    assert _build(run_cli, project).code == 0
    assert [alt for alt, _ in _figures(project / "output" / "laos-embassy-inl.pdf")] == [ALT]


def test_a_layouts_seal_without_alt_text_stops_the_run_at_its_line(project, run_cli):
    _supply(project, docsample.placeholder_png(300, 200))
    _layout_seal(project, "  seal: assets/seal.png\n")
    result = _build(run_cli, project)
    assert result.code == 2
    assert "templates/embassy-section/layout.yaml:" in result.err and "needs 'seal_alt'" in result.err


def _jpeg(mode: str, jfif: bool = True) -> bytes:
    """Return a 120 × 80 JPEG in `mode`, with or without its JFIF header."""
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new(mode, (120, 80), (0, 128, 255, 0) if mode == "CMYK" else (255, 127, 0)).save(out, "JPEG")
    data = out.getvalue()
    if not jfif and data[2:4] == b"\xff\xe0":
        data = data[:2] + data[4 + int.from_bytes(data[4:6], "big"):]
    return data


def _rgba_png(width: int, height: int) -> bytes:
    """Return a blank RGBA PNG (small on disk, large once decoded)."""
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGBA", (width, height)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("picture", [_jpeg("CMYK"), _jpeg("RGB", jfif=False)], ids=["cmyk", "no-jfif"])
def test_a_jpeg_the_word_writer_cannot_place_is_converted_and_both_formats_show_it(project, run_cli, picture):
    """Before: a CMYK JPEG or one without a JFIF header passed the check, then the docx writer failed on it."""
    _supply(project, picture)
    _with_seal(project, f"seal: {{file: assets/seal.png, alt: {ALT}}}\n")
    result = _build(run_cli, project)
    assert result.code == 0, result.err
    with zipfile.ZipFile(project / "output" / "laos-embassy-inl.docx") as docx:
        [media] = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert docx.read(media).startswith(b"\x89PNG")
    assert [alt for alt, _ in _figures(project / "output" / "laos-embassy-inl.pdf")] == [ALT]


@pytest.mark.parametrize("picture,message", [
    (_rgba_png(2000, 1501), "would take 12,008,000 bytes once decoded"),
    (_jpeg("RGB")[:2] + b"\xff\xfe\x01\x30" + b"\xff\xda" * 151 + _jpeg("RGB")[2:],
     "is a JPEG of more than 100 scans"),
], ids=["decodes-too-large", "too-many-scans"])
def test_a_picture_too_costly_to_decode_is_refused_from_its_header(project, run_cli, picture, message):
    """Before: a PNG within the side limit peaked at 293 MB, a many-scan JPEG ran into the time limit."""
    _supply(project, picture)
    _with_seal(project)
    result = _build(run_cli, project)
    assert result.code == 1 and message in result.err, result.err
