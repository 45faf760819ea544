"""Shared-data files parsed once per process per content: each load still gets its own, current figures."""

from pipeline.figures import shared

FILE = """\
officers:
  label: Officers trained
  source: INL
  value: {value}
"""


def _load(folder):
    """Load the folder's shared data."""
    return shared.load(folder, "sources/data")


def test_a_second_load_gets_its_own_figures(tmp_path):
    """Two loads of one file: equal figures in separate containers; editing one leaves the next alone."""
    (tmp_path / "unodc.yaml").write_text(FILE.format(value=1240), encoding="utf-8")
    first = _load(tmp_path).files["unodc"]
    first.figures.clear()
    first.diagnostics.append("edited")
    second = _load(tmp_path).files["unodc"]
    assert second.figures["officers"].value == 1240
    assert second.diagnostics == []


def test_a_changed_file_is_read_again(tmp_path):
    """The same file with new contents gives the new value, never the kept one."""
    data = tmp_path / "unodc.yaml"
    for value in (1240, 5700, 1240):
        data.write_text(FILE.format(value=value), encoding="utf-8")
        assert _load(tmp_path).files["unodc"].figures["officers"].value == value


def test_a_broken_file_is_refused_every_time(tmp_path):
    """A file that does not parse is reported on every load (errors are not kept)."""
    (tmp_path / "unodc.yaml").write_text("officers: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        assert _load(tmp_path).files["unodc"].diagnostics
        assert not _load(tmp_path).files["unodc"].figures
