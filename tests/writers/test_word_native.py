"""Every sample's .docx is Word's own: current, small, only the styles it uses, true properties."""

import re
import zipfile

import pypdf
import pytest
from conftest import ROOT

from pipeline import __version__

RECORDS = sorted((ROOT / "sources").glob("*.yaml"))  # every sample, whatever the folder holds
MAX_BYTES = 15 * 1024  # a sheet of up to two pages, without the fonts it embeds
# Each embedded face (word/fonts/, compressed): a whole Noto Serif Lao, Khmer or Thai face is
# 19-63 KB; more would mean a face that is not one of them, or one stored uncompressed.
MAX_FONT_BYTES = 64 * 1024


@pytest.fixture(scope="module")
def sheets(built):
    """Every sample's files, built once for the session: {id: (docx path, pdf path)}."""
    return {sid: (paths["docx"], paths["pdf"]) for sid, paths in built.items()}


def test_one_sheet_per_record(sheets):
    assert len(sheets) == len(RECORDS) > 0


def test_small_current_and_honest(sheets):
    """At most 15 KB for up to two pages, compatibility mode 15, properties that claim nothing false.

    The 15 KB hold the package without its embedded fonts: those come with the Lao, Khmer or Thai a
    sheet prints (Word has no Noto Serif faces), whole, and have their own bound, per face. A sheet
    with all three scripts in bold and regular carries six.
    """
    for stem, (docx_path, pdf_path) in sheets.items():
        pages = len(pypdf.PdfReader(str(pdf_path)).pages)
        fonts_size = font_parts(docx_path)
        if pages <= 2:
            assert docx_path.stat().st_size - sum(fonts_size) <= MAX_BYTES, (stem, docx_path.stat().st_size)
        assert all(size <= MAX_FONT_BYTES for size in fonts_size), (stem, fonts_size)
        with zipfile.ZipFile(docx_path) as package:
            settings = package.read("word/settings.xml").decode()
            app = package.read("docProps/app.xml").decode()
            styles = package.read("word/styles.xml").decode()
            document = "".join(package.read(n).decode() for n in package.namelist()
                               if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n))
            names = package.namelist()
        assert 'w:name="compatibilityMode"' in settings and 'w:val="15"' in settings, stem
        assert "ja-JP" not in settings + styles, stem
        assert f"<Application>factsheets/{__version__}</Application>" in app and "<Pages>" not in app
        assert "latentStyles" not in styles and "theme" not in " ".join(names), stem
        used = set(re.findall(r'<w:pStyle w:val="([^"]+)"/>', document))
        defined = set(re.findall(r'<w:style w:type="paragraph"[^>]*w:styleId="([^"]+)"', styles))
        assert used <= defined, stem
        assert defined - used <= {"Normal", "Caption", "TableText"}, (stem, defined - used)


def font_parts(path) -> list[int]:
    """Return the bytes each embedded font takes in a .docx's zip: compressed data, its local header
    and its central directory entry (with the name twice; no extra fields: fixed zip attributes)."""
    with zipfile.ZipFile(path) as package:
        return [info.compress_size + 30 + 46 + 2 * len(info.filename.encode())
                for info in package.infolist() if info.filename.startswith("word/fonts/")]


def test_accessible_in_word_terms(sheets):
    """Language on the defaults and in the properties, a title, no empty paragraph used as spacing."""
    import docx
    for stem, (docx_path, _) in sheets.items():
        word = docx.Document(str(docx_path))
        with zipfile.ZipFile(docx_path) as package:
            styles = package.read("word/styles.xml").decode()
            body = package.read("word/document.xml").decode()
        language = word.core_properties.language
        assert language and f'<w:lang w:val="{language}"' in styles, stem
        assert word.core_properties.title, stem
        assert [p.style.name for p in word.paragraphs].count("Title") == 1, stem
        assert not re.search(r"<w:p>(<w:pPr>(?:(?!</w:pPr>).)*</w:pPr>)?</w:p>", body), stem
