"""`make goldens ONLY=<id>`: one sample's goldens rewritten, nothing else; an unknown id refused."""

import regen_goldens
import tagged
from conftest import RECORDS

GOLDENS = regen_goldens.HERE / "goldens"


def test_one_id_rewrites_only_that_samples_goldens_as_the_full_run_would(tmp_path, monkeypatch):
    """Its tree (and structure) dump, byte for byte the reviewed golden; no other golden is touched."""
    record = RECORDS[0]
    monkeypatch.setattr(regen_goldens, "_regen_all", lambda *args: (_ for _ in ()).throw(AssertionError))
    assert regen_goldens.main([record.id], goldens=tmp_path) == 0
    expected = [f"{record.id}.struct"] if tagged.PDFINFO else []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{record.id}.tree", *expected])
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (GOLDENS / path.name).read_bytes(), path.name


def test_an_unknown_id_is_refused_with_the_known_ones_and_exit_2(tmp_path, capsys):
    """A typo writes nothing and says which ids there are."""
    assert regen_goldens.main(["no-such-sheet"], goldens=tmp_path) == 2
    err = capsys.readouterr().err
    assert "no-such-sheet" in err and all(record.id in err for record in RECORDS)
    assert list(tmp_path.iterdir()) == []
