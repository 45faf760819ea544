"""The bundled fonts' coverage file: validation reads it so that it never imports ReportLab."""

from pipeline.base import fonts


def test_the_coverage_file_matches_the_fonts():
    """The cached coverage of each family is exactly what ReportLab reads from all its faces, and the
    preflight's is their union (`make goldens` rewrites the file)."""
    assert fonts.family_coverage() == fonts.measured_family_coverage()
    assert fonts.coverage() == fonts.measured_coverage()
    assert fonts.COVERAGE_FILE.read_text(encoding="ascii") == fonts.coverage_file(fonts.measured_family_coverage())


def test_coverage_covers_the_samples_characters_and_not_cjk():
    """Typographic characters are in; a CJK ideograph is not."""
    assert {"’", "“", "”", "–", "—", "•", "\xa0", "é"} <= fonts.coverage()
    assert "中" not in fonts.coverage() and fonts.uncovered("a中b") == ["中"]


def test_ranges_round_trip():
    """coverage_ranges writes single points and runs."""
    assert fonts.coverage_ranges({"a", "b", "c", "x"}) == "0061-0063\n0078\n"
