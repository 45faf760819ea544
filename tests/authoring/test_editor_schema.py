"""`factsheets schema` and the VS Code settings: what an editor flags while a record is typed."""

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import RECORDS, ROOT

from pipeline.authoring import editorschema
from pipeline.authoring import project as projectfiles
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema

LAYOUTS = load_layouts(ROOT / "templates")
SCHEMA = editorschema.generate(LAYOUTS)


def _as_editor_reads(value):
    """Return YAML data as yaml-language-server sees it (YAML 1.2: dates are text, keys are strings)."""
    if isinstance(value, dict):
        return {str(k): _as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_reads(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _problems(record: dict) -> list[str]:
    """Return the JSON Schema validator's messages for a record."""
    validator = jsonschema.Draft7Validator(SCHEMA)
    return sorted(e.message for e in validator.iter_errors(_as_editor_reads(record)))


def _sample(record) -> dict:
    """Return a sample record's data."""
    return yaml.safe_load(record.file.read_text(encoding="utf-8"))


def test_the_committed_schema_is_what_the_command_prints():
    """factsheets.schema.json in the project equals `factsheets schema` (regenerate it with -o)."""
    printed = subprocess.run([sys.executable, "-m", "pipeline", "schema"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
    assert (ROOT / "factsheets.schema.json").read_text(encoding="utf-8") == printed
    jsonschema.Draft7Validator.check_schema(json.loads(printed))


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_every_sample_validates(record):
    """What check accepts, the editor does not underline."""
    assert _problems(_sample(record)) == []


def test_the_usual_mistakes_are_flagged():
    """A misspelt field, a field the layout does not print, and a value of the wrong kind."""
    record = _sample(RECORDS[0])
    assert any("'titel'" in m for m in _problems({**record, "titel": "x"}))
    unprinted = next(name for name in schema.TOP_FIELDS
                     if name not in (*schema.ALWAYS, *LAYOUTS[record["layout"]].prints))
    assert _problems({**record, unprinted: "x"}) != []
    assert _problems({**record, "sections": [{"bullets": "one bullet, not a list"}]}) != []
    assert _problems({**record, "status": "published"}) != []
    assert _problems({**record, "date": "March 11, 2003"}) != []
    missing = {k: v for k, v in record.items() if k not in LAYOUTS[record["layout"]].requires}
    assert LAYOUTS[record["layout"]].requires and _problems(missing) != []


def test_the_schema_names_the_validators_fields():
    """Each object's fields are the validator's own lists: the two cannot drift apart."""
    defs = SCHEMA["definitions"]
    assert set(SCHEMA["properties"]) == set(schema.TOP_FIELDS)
    assert set(defs["section"]["properties"]) == set(schema.SECTION_FIELDS)
    assert set(defs["items"]["items"]["properties"]) == set(schema.ITEM_FIELDS)
    assert set(defs["table"]["properties"]) == set(schema.TABLE_FIELDS)
    assert set(defs["chart"]["properties"]) == set(schema.CHART_FIELDS)
    assert set(defs["figure"]["oneOf"][1]["properties"]) == set(schema.FIGURE_FIELDS)
    assert set(SCHEMA["properties"]["seal"]["properties"]) == set(schema.SEAL_FIELDS)


def test_the_vscode_settings_are_what_init_writes_but_the_task_runs_the_checkouts_factsheets():
    """The project's own .vscode files equal those `factsheets init` makes, but for the command:
    on the old code the checkout's task ran a bare `factsheets`, which is not on PATH in a checkout."""
    for name, text in projectfiles.vscode_files(checkout=True).items():
        assert (ROOT / ".vscode" / name).read_text(encoding="utf-8") == text
    task = json.loads((ROOT / ".vscode" / "tasks.json").read_text(encoding="utf-8"))["tasks"][0]
    command = Path(task["command"].replace("${workspaceFolder}", str(ROOT)))
    venv = re.search(r"^VENV\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1]
    assert command == ROOT / venv / "bin" / "factsheets"  # what `make` installs
    if command.exists():
        ran = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0 and ran.stdout.startswith("factsheets")
    assert json.loads(project_tasks())["tasks"][0]["command"] == "factsheets"  # an installed project


def test_the_check_task_matches_the_diagnostics(project, run_cli):
    """The task's problem matcher reads the lines `check` prints: file, line, column, severity, message."""
    import re
    matcher = json.loads(project_tasks())["tasks"][0]["problemMatcher"]["pattern"]
    record = project / RECORDS[0].file.relative_to(ROOT)
    record.write_text(record.read_text(encoding="utf-8") + "titel: x\n", encoding="utf-8")
    result = run_cli("check", cwd=project)
    found = [re.match(matcher["regexp"], line) for line in result.err.splitlines()]
    hit = next(m for m in found if m and "titel" in m[matcher["message"]])
    assert hit[matcher["file"]] == RECORDS[0].file.relative_to(ROOT).as_posix()
    assert hit[matcher["severity"]] == "error" and int(hit[matcher["line"]]) > 1


def project_tasks() -> str:
    """Return the tasks.json `init` writes."""
    return projectfiles.vscode_files()["tasks.json"]
