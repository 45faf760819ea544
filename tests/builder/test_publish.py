"""Publishing in batches: built sheets reach the disk together (one flush), then each sheet is renamed in.

A flush that fails costs only the sheets of its batch: their previous files stay, no temporary
file is left, and the sheets published before are kept and remembered. The manifest's checkpoint (a
save every CHECKPOINT seconds) is pinned off by conftest's `pinned_checkpoint`, so the flushes
counted here do not depend on how loaded the machine is; the last test sets it on purpose.
"""

import json

from conftest import RECORDS, sheets_in

from pipeline.base import output
from pipeline.builder import manifest as manifests
from pipeline.builder import recipe as build


def _build(project, run_cli):
    """Build every sample of the scratch project into project/out."""
    return run_cli("build", "--out", project / "out", project / "sources", "--templates", project / "templates")


def test_every_batch_is_flushed_before_its_sheets_appear_and_after(project, run_cli, monkeypatch):
    """With batches of two: one flush before each batch's renames (its files' data), one after
    (the folder's entries); no sheet is published unflushed."""
    monkeypatch.setattr(build, "PUBLISH_BATCH", 2)
    flushed, published = [], []
    real_flush, real_publish = output.flush, output.publish
    monkeypatch.setattr(output, "flush", lambda folder: (flushed.append(len(published)), real_flush(folder)))
    monkeypatch.setattr(output, "publish", lambda staged, **how: (
        published.extend(path for _, path in staged if path.suffix == ".pdf"), real_publish(staged, **how)))
    result = _build(project, run_cli)
    assert result.code == 0, result.err
    expected, done = [], 0  # sheets published at each flush: before a batch's renames, then after
    for start in range(0, len(RECORDS), 2):
        size = len(RECORDS[start:start + 2])
        expected += [done, done + size]
        done += size
    expected += [done, done]  # then the run's records (manifest, changes, status): together, two flushes
    assert flushed == expected
    assert len(published) == len(RECORDS)
    assert sheets_in(project / "out") == sorted(f"{r.id}{s}" for r in RECORDS for s in (".docx", ".pdf"))


def test_a_failed_flush_keeps_the_old_files_of_its_batch_only(project, run_cli, monkeypatch):
    """The second batch's flush fails: the first batch is new, the rest keep their previous files."""
    assert _build(project, run_cli).code == 0
    out = project / "out"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".docx", ".pdf")}
    for record in RECORDS:  # every record changes, so every sheet is rebuilt
        path = project / "sources" / record.file.name
        path.write_text(path.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    monkeypatch.setattr(build, "PUBLISH_BATCH", 2)
    calls = []
    real_syncfs = output._syncfs

    def second_batch_fails(fd):
        calls.append(fd)
        if len(calls) == 3:  # before the first batch, after it, then before the second batch
            raise OSError(5, "Input/output error")
        real_syncfs(fd)
    monkeypatch.setattr(output, "_syncfs", second_batch_fails)
    result = _build(project, run_cli)
    assert result.code == 1
    assert result.err.count("Input/output error; nothing was replaced, the previous files were kept") == 2
    assert f"{len(RECORDS) - 2} rebuilt" in result.out + result.err
    assert not list(out.glob(".factsheets-*"))  # no temporary file left behind
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    failed = sorted(RECORDS, key=lambda r: r.file.name)[2:4]  # the second batch, in input order
    for record in failed:
        for suffix in (".docx", ".pdf"):
            assert (out / f"{record.id}{suffix}").read_bytes() == before[f"{record.id}{suffix}"]
    again = _build(project, run_cli)  # the disk is well again: exactly the two failed sheets are rebuilt
    assert again.code == 0
    assert sorted(line.split()[1] for line in again.out.splitlines() if line.startswith("rebuilt ")) == \
        sorted(r.id for r in failed)
    assert manifest["records"]  # the first batch was remembered before the failure


def test_with_the_checkpoint_due_at_once_the_manifest_is_saved_after_each_sheet(project, run_cli, monkeypatch):
    """CHECKPOINT 0: every published sheet saves the manifest mid-run (a killed run loses nothing), each
    save holding one sheet more; pinned off, as in the tests above, the flushes counted there are all."""
    saves = []
    real_save = manifests.Manifest.save
    monkeypatch.setattr(manifests.Manifest, "save", lambda self: (saves.append(len(self.entries)), real_save(self)))
    monkeypatch.setattr(build, "CHECKPOINT", 0.0)
    assert _build(project, run_cli).code == 0
    assert saves == list(range(1, len(RECORDS) + 1))
