"""Each build keeps the Word file's map back to its record in output/.map/, beside (not among) its outputs."""

import json

from conftest import sheets_in


def test_build_keeps_a_map_per_sheet_and_the_same_bytes_again(project, run_cli):
    """Fails on the old build: it kept no map."""
    assert run_cli("build", cwd=project).code == 0
    maps = project / "output" / ".map"
    ids = {name.rsplit(".", 1)[0] for name in sheets_in(project / "output")}
    first = {p.name: p.read_bytes() for p in maps.glob("*.json")}
    assert sorted(first) == sorted(f"{i}.json" for i in ids)
    manifest = json.loads((project / "output" / "manifest.json").read_text())
    listed = [name for entry in manifest["records"].values() for name in entry["outputs"]]
    assert not any(name.endswith(".json") for name in listed)
    for name, data in first.items():
        sheet = json.loads(data)
        assert sheet["id"] + ".json" == name and sheet["record"].startswith("sources/")
    assert run_cli("build", "--force", cwd=project).code == 0
    assert {p.name: p.read_bytes() for p in maps.glob("*.json")} == first
