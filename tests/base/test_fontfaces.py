"""ReportLab's parsed faces kept in the user's cache give the fonts ReportLab itself would make."""

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from pipeline.base import diskcache, fontfaces, fonts


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private, empty cache folder of this test's own; return the faces' folder in it."""
    monkeypatch.setenv(diskcache.FOLDER_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(diskcache.OFF_VARIABLE, raising=False)
    return tmp_path / "cache" / fontfaces.KIND


def _same_face(made, parsed) -> None:
    """Assert two faces hold the same state and scale widths alike."""
    assert made.__dict__.keys() == parsed.__dict__.keys()
    for name, value in parsed.__dict__.items():
        if name != "_pdfScale":
            assert made.__dict__[name] == value, name
    for units in (0, 1, 7, 512, 1000, 1234, 2048, -3, 0.5):
        assert made._pdfScale(units) == parsed._pdfScale(units)


@pytest.mark.parametrize("name", sorted(fonts.SHA256))
def test_a_kept_face_is_the_face_reportlab_parses(name, cache):
    path = fonts.verified_path(name)
    first = fontfaces.face(fonts.SHA256[name], path)  # parsed, and kept
    assert len(list(cache.iterdir())) == 1
    kept = fontfaces.face(fonts.SHA256[name], path)  # read back
    assert kept is not first
    _same_face(kept, TTFontFace(str(path)))
    _same_face(first, TTFontFace(str(path)))


@pytest.mark.parametrize("name", sorted(fonts.SHA256))
def test_a_font_made_with_a_kept_face_is_the_font_reportlab_makes(name, cache):
    path = fonts.verified_path(name)
    made = fonts._nbsp_font_class().with_face(name, fontfaces.face(fonts.SHA256[name], path))
    stock = TTFont(name, str(path))
    assert made.__dict__.keys() == stock.__dict__.keys()
    for attribute, value in stock.__dict__.items():
        if attribute == "face":
            _same_face(made.face, value)
        elif attribute == "encoding":
            assert type(made.encoding) is type(value) and vars(made.encoding) == vars(value)
        elif attribute == "state":  # no document yet: an empty table of them
            assert type(made.state) is type(value) and len(made.state) == len(value) == 0
        else:
            assert made.__dict__[attribute] == value, attribute


def test_a_damaged_entry_is_parsed_again(cache):
    name = sorted(fonts.SHA256)[0]
    path = fonts.verified_path(name)
    fontfaces.face(fonts.SHA256[name], path)
    for entry in cache.iterdir():
        entry.write_bytes(entry.read_bytes()[:-1] + b"\0")  # its checksum no longer matches
    _same_face(fontfaces.face(fonts.SHA256[name], path), TTFontFace(str(path)))
