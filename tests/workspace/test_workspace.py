"""The workspace's routes (factsheets serve), through Starlette's test client on a scratch project."""

import re
import subprocess
import sys
import textwrap

import pytest
from conftest import RECORDS, ROOT, SAMPLES

from pipeline.base import limits
from pipeline.builder.recipe import Options
from pipeline.workspace import sheets

# A sample whose title takes any words: the tests retitle it (a briefing paper's needs a portion mark).
EDITABLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")


@pytest.fixture
def workspace(project, run_cli, monkeypatch):
    """Return a test client of the workspace on a built scratch project (its working folder)."""
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as client:
        yield client


def token(page: str) -> str:
    """Return the CSRF token a page carries."""
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def editor(client, sheet_id: str) -> tuple[str, str, str]:
    """Open a sheet's editor; return its token, the loaded text's hash and the file's text."""
    page = client.get(f"/sheet/{sheet_id}").text
    loaded = re.search(r'id="loaded" name="loaded" value="([0-9a-f]+)"', page).group(1)
    return token(page), loaded, (ROOT / "sources").name


def record(client_project, sheet_id):
    return client_project / "sources" / f"{sheet_id}.yaml"


def test_gallery_has_a_card_with_a_thumbnail_for_every_sample(workspace):
    page = workspace.get("/").text
    for sheet_id in SAMPLES:
        assert f'data-sheet="{sheet_id}"' in page
        thumb = workspace.get(f"/thumb/{sheet_id}.png")
        assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")
    assert f"{len(SAMPLES)} of {len(SAMPLES)} sheets" in page


def test_gallery_filters_by_layout_and_status(workspace):
    found = sheets.find([__import__("pathlib").Path("sources")], __import__("pathlib").Path("output"))
    layout = found[0].layout
    page = workspace.get("/", params={"layout": layout}).text
    assert all((f'data-sheet="{s.id}"' in page) == (s.layout == layout) for s in found)
    drafts = workspace.get("/", params={"status": "draft"}).text
    assert all((f'data-sheet="{s.id}"' in drafts) == s.draft for s in found)


def test_downloads_are_the_built_files_and_urls_take_ids_never_paths(workspace, project):
    sheet_id = EDITABLE.id
    pdf = workspace.get(f"/download/{sheet_id}.pdf")
    assert pdf.content == (project / "output" / f"{sheet_id}.pdf").read_bytes()
    assert workspace.get(f"/download/{sheet_id}.docx").content[:2] == b"PK"
    for bad in ("../sources/x", "..%2Fmanifest", "Laos", f"{sheet_id}.yaml"):
        assert workspace.get(f"/sheet/{bad}").status_code == 404
    assert workspace.get(f"/download/{sheet_id}.yaml").status_code == 404
    assert workspace.get("/download/manifest.json").status_code == 404
    assert workspace.get("/download/nosuchsheet.pdf").status_code == 404
    thumb = workspace.get(f"/thumb/{sheet_id}.png")
    assert workspace.get(f"/thumb/{sheet_id}.png", headers={"if-none-match": thumb.headers["etag"]}).status_code == 304


def test_every_change_needs_the_session_token(workspace, project):
    sheet_id = EDITABLE.id
    before = record(project, sheet_id).read_bytes()
    page = workspace.get(f"/sheet/{sheet_id}").text
    for action in ("preview", "save", "publish"):
        refused = workspace.post(f"/sheet/{sheet_id}/{action}", data={"text": "title: x", "csrf": "0" * 64})
        assert refused.status_code == 403
    other = starlette.TestClient(workspace.app)  # another browser: its own session, so the token fails
    assert other.post(f"/sheet/{sheet_id}/save", data={"text": "x", "csrf": token(page)}).status_code == 403
    assert workspace.post("/new", data={"name": "zz", "layout": "x"}).status_code == 403
    assert record(project, sheet_id).read_bytes() == before


def test_bodies_over_the_record_limit_are_refused(workspace, project):
    sheet_id = EDITABLE.id
    csrf = token(workspace.get(f"/sheet/{sheet_id}").text)
    huge = "x" * (3 * limits.MAX_FILE_BYTES + 5000)
    answer = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": huge, "csrf": csrf})
    assert answer.status_code == 413
    over = "# " + "x" * limits.MAX_FILE_BYTES
    page = workspace.get(f"/sheet/{sheet_id}").text
    loaded = re.search(r'name="loaded" value="([0-9a-f]+)"', page).group(1)
    saved = workspace.post(f"/sheet/{sheet_id}/save", data={"text": over, "csrf": csrf, "loaded": loaded})
    assert saved.status_code == 413 and "larger than" in saved.text


def test_preview_shows_pages_and_each_problem_at_its_field_and_line(workspace, project):
    sheet_id = EDITABLE.id
    csrf = token(workspace.get(f"/sheet/{sheet_id}").text)
    text = record(project, sheet_id).read_text(encoding="utf-8")
    good = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": text, "csrf": csrf})
    assert good.status_code == 200 and good.text.count('class="page"') >= 1
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = "title: Opium {{ data.nosuchfile.x }}"
    bad = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": "\n".join(lines), "csrf": csrf})
    assert 'data-field="title"' in bad.text and f'data-line="{at + 1}"' in bad.text
    assert "nosuchfile" in bad.text and "last preview without errors" in bad.text


def test_a_broken_record_or_template_is_shown_and_the_server_keeps_serving(workspace, project):
    sheet_id = EDITABLE.id
    csrf = token(workspace.get(f"/sheet/{sheet_id}").text)
    broken = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": "title: [unclosed", "csrf": csrf})
    assert broken.status_code == 200 and 'class="error"' in broken.text
    for sheet in (project / "templates").glob("*/sheet.xml.j2"):
        sheet.write_text("{% if %}", encoding="utf-8")
    text = record(project, sheet_id).read_text(encoding="utf-8")
    answer = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": text, "csrf": csrf})
    assert answer.status_code == 200 and 'class="error"' in answer.text and "sheet.xml.j2" in answer.text
    assert workspace.get("/").status_code == 200


def test_save_writes_the_text_as_typed_and_builds(workspace, project):
    sheet_id = EDITABLE.id
    csrf, loaded, _ = editor(workspace, sheet_id)
    text = record(project, sheet_id).read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^title: .*$", "# a kept comment\ntitle: A New Title", text, count=1)
    saved = workspace.post(f"/sheet/{sheet_id}/save",
                           data={"text": changed.replace("\n", "\r\n"), "csrf": csrf, "loaded": loaded})
    assert saved.status_code == 200
    assert record(project, sheet_id).read_text(encoding="utf-8") == changed  # comments, order, LF kept
    assert f'Rebuilt <a href="/sheet/{sheet_id}">A New Title</a>' in saved.text, saved.text  # by its title
    assert "sources/" not in saved.text.split('class="precise"')[0]  # no file path in the plain words
    assert "A New Title" in subprocess.run(["pdftotext", str(project / "output" / f"{sheet_id}.pdf"), "-"],
                                           capture_output=True, text=True).stdout \
        if __import__("shutil").which("pdftotext") else True
    assert "A New Title" in workspace.get("/").text


def test_second_save_of_the_same_record_is_told_with_the_difference(workspace, project):
    sheet_id = EDITABLE.id
    csrf, loaded, _ = editor(workspace, sheet_id)
    text = record(project, sheet_id).read_text(encoding="utf-8")
    first = text.replace("title: ", "title: First ", 1)
    second = text.replace("title: ", "title: Second ", 1)
    assert workspace.post(f"/sheet/{sheet_id}/save",
                          data={"text": first, "csrf": csrf, "loaded": loaded}).status_code == 200
    conflict = workspace.post(f"/sheet/{sheet_id}/save", data={"text": second, "csrf": csrf, "loaded": loaded})
    assert conflict.status_code == 409 and "someone else saved" in conflict.text
    assert "-title: First" in conflict.text and "+title: Second" in conflict.text
    assert record(project, sheet_id).read_text(encoding="utf-8") == first  # the first save stays


def test_publish_turns_the_draft_line_final_and_builds(workspace, project):
    sheet_id = EDITABLE.id
    file = record(project, sheet_id)
    text = file.read_text(encoding="utf-8")
    draft = re.sub(r"(?m)^status: .*\n", "", text).replace("\ntitle:", "\nstatus: draft  # until cleared\ntitle:", 1)
    file.write_text(draft, encoding="utf-8")
    csrf, loaded, _ = editor(workspace, sheet_id)
    assert 'hx-confirm="Publish this sheet?' in workspace.get(f"/sheet/{sheet_id}").text
    answer = workspace.post(f"/sheet/{sheet_id}/publish", data={"text": draft, "csrf": csrf, "loaded": loaded})
    assert answer.status_code == 200 and answer.headers["HX-Refresh"] == "true"
    assert file.read_text(encoding="utf-8") == draft.replace("status: draft  # until cleared",
                                                             "status: final  # until cleared")
    again = workspace.post(f"/sheet/{sheet_id}/publish",
                           data={"text": file.read_text(encoding="utf-8"), "csrf": csrf,
                                 "loaded": sheets.text_hash(file.read_bytes())})
    assert again.status_code == 400


def test_new_sheet_from_a_layout_never_overwrites(workspace, project):
    page = workspace.get("/new").text
    layout = re.search(r'name="layout" value="([^"]+)"', page).group(1)
    made = workspace.post("/new", data={"title": "Cambodia INL", "name": "", "layout": layout, "csrf": token(page)},
                          follow_redirects=False)  # the file name made from the title
    assert made.status_code == 303 and made.headers["location"] == "/sheet/cambodia-inl"
    written = (project / "sources" / "cambodia-inl.yaml").read_text(encoding="utf-8")
    assert "<<" in written and re.search(r"(?m)^status: draft", written) and "title: Cambodia INL" in written
    assert workspace.get("/sheet/cambodia-inl").status_code == 200
    before = record(project, EDITABLE.id).read_bytes()
    again = workspace.post("/new", data={"title": "X", "name": EDITABLE.id, "layout": layout, "csrf": token(page)})
    assert again.status_code == 400 and "exists already" in again.text
    assert record(project, EDITABLE.id).read_bytes() == before
    bad = workspace.post("/new", data={"title": "X", "name": "../x", "layout": layout, "csrf": token(page)})
    assert bad.status_code == 400 and "lowercase letters" in bad.text
    untitled = workspace.post("/new", data={"title": " ", "name": "y", "layout": layout, "csrf": token(page)})
    assert untitled.status_code == 400 and not (project / "sources" / "y.yaml").exists()


def test_figures_page_lists_each_shared_figure_with_its_sheets(workspace):
    import datetime as dt
    from pathlib import Path

    from pipeline.authoring import catalog
    from pipeline.figures import shared as data
    from pipeline.figures import staleness

    page = workspace.get("/figures").text
    found = catalog.entries(data.load(Path("sources/data"), "sources/data"), Path("output"),
                            staleness.cutoff(dt.date.today(), 18))
    assert found
    for entry in found:
        assert entry["name"] in page
        for sheet_id in entry["sheets"]:
            assert f'href="/sheet/{sheet_id}"' in page
    assert page.count("Warning: stale") == sum(e["stale"] for e in found)


def test_changes_page_shows_the_history_newest_first(workspace, project):
    csrf, loaded, _ = editor(workspace, EDITABLE.id)
    text = record(project, EDITABLE.id).read_text(encoding="utf-8")
    workspace.post(f"/sheet/{EDITABLE.id}/save", data={"text": text.replace("title: ", "title: Later ", 1),
                                                      "csrf": csrf, "loaded": loaded})
    page = workspace.get("/changes").text
    history = (project / "output" / "CHANGES.md").read_text(encoding="utf-8")
    runs = [line[3:] for line in history.splitlines() if line.startswith("## ")]
    shown = page.split('<section class="run">')[1:]
    assert len(runs) == len(shown) == 2
    assert shown[0].count("<strong>") == 1 and shown[1].count("<strong>") == len(SAMPLES)  # newest first
    for sheet_id in SAMPLES:  # each sheet by its title, no file path
        assert re.search(rf'<a href="/sheet/{sheet_id}"><strong>[^<]+</strong></a> (?!\()', page)
    assert "sources/" not in page and "Later " in page
    assert "**" not in page


def test_build_and_check_never_import_the_web_stack(project):
    probe = textwrap.dedent("""
        import sys
        from pipeline.cli import command as cli
        codes = [cli.main(["build", "-q"]), cli.main(["build", "-q"]), cli.main(["check", "-q"])]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in
                        ("starlette", "uvicorn", "pypdfium2", "httpx", "httpx2", "anyio", "playwright")
                        or m.startswith("pipeline.workspace"))
        print(codes, loaded)
    """)
    ran = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True)
    assert ran.stdout.splitlines()[-1] == "[0, 0, 0] []", ran.stderr


def test_only_the_listener_may_bind_after_start_up():
    probe = textwrap.dedent("""
        import socket
        from pipeline.base import hardening
        with socket.socket() as free:  # a port nobody holds, asked of the system (no fixed number)
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        hardening.forbid_network()
        hardening.allow_listening("localhost", port)
        socket.getaddrinfo("localhost", port)
        results = []
        for port in (port, port + 1):  # the next one is refused before the system is asked
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port)); results.append("bound")
                except hardening.NetworkRefused:
                    results.append("refused")
        try:
            socket.getaddrinfo("example.org", 443); results.append("looked up")
        except hardening.NetworkRefused:
            results.append("refused")
        print(results)
    """)
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert ran.stdout.strip() == "['bound', 'refused', 'refused']", ran.stderr


def test_serving_beyond_this_machine_warns_there_is_no_login(project):
    import served

    from pipeline.cli import command as cli

    assert cli._parser()[0].parse_args(["serve"]).host == "127.0.0.1"
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--host", "0.0.0.0", "--port",
                               str(served.free_port())], cwd=project, stderr=subprocess.PIPE, text=True,
                              stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        said = "".join(iter(server.stderr.readline, "")) if server.poll() is not None else ""
        lines = []
        while not lines or "the workspace is at" not in lines[-1]:
            lines.append(server.stderr.readline())
            assert lines[-1], said or "".join(lines)
        said = "".join(lines)
    finally:
        served._stop(server)
    assert "no login of its own" in said and "docs/serve.md" in said
    assert (ROOT / "docs" / "serve.md").is_file()


def test_editing_a_shared_figure_shows_each_sheets_change_before_saving(workspace, project):
    import datetime as dt
    from pathlib import Path

    from pipeline.authoring import catalog
    from pipeline.figures import shared as data
    from pipeline.figures import staleness

    page = workspace.get("/figures").text
    entry = next(e for e in catalog.entries(data.load(Path("sources/data"), "sources/data"), Path("output"),
                                            staleness.cutoff(dt.date.today(), 18))
                 if e["sheets"] and set(e["sheets"]) != set(SAMPLES))
    # A sheet that does not print the figure breaks, and a new one is half filled in: neither blocks the change.
    unrelated = record(project, next(s for s in SAMPLES if s not in entry["sheets"]))
    unrelated.write_text(unrelated.read_text(encoding="utf-8").replace("title: ", "title: {{ data.nosuch.x }} ", 1),
                         encoding="utf-8")
    (project / "sources" / "half-done.yaml").write_text("layout: nosuch\ntitle: <<to fill>>\n", encoding="utf-8")
    file = project / "sources" / "data" / f"{entry['name'].split('.')[1]}.yaml"
    before = file.read_text(encoding="utf-8")
    year, value = next(iter(entry["values"].items())) if entry["values"] else ("", entry["value"])
    loaded = re.search(rf'/figures/{re.escape(entry["name"])}/save".*?name="loaded" value="([0-9a-f]+)"',
                       page, re.S).group(1)
    form = {"csrf": token(page), "loaded": loaded, f"value:{year}": str(value * 3)}
    shown = workspace.post(f"/figures/{entry['name']}/preview", data=form)
    assert shown.status_code == 200 and "changed from" in shown.text  # old to new, by its label
    for sheet_id in entry["sheets"]:
        assert f'href="/sheet/{sheet_id}"' in shown.text
    assert "nosuch" not in shown.text and 'class="problems"' not in shown.text  # only the sheets printing it
    assert "Not compared (never built): &lt;&lt;to fill" in shown.text  # listed apart, by its title
    assert file.read_text(encoding="utf-8") == before  # a preview writes nothing
    bad = workspace.post(f"/figures/{entry['name']}/preview", data={**form, f"value:{year}": "lots"})
    assert bad.status_code == 400 and "must be a number" in bad.text
    assert workspace.post("/figures/data.nosuch.x/preview", data=form).status_code == 404
    saved = workspace.post(f"/figures/{entry['name']}/save", data=form)
    assert saved.status_code == 200 and "Rebuilding sheets" in saved.text  # the rebuild runs in the background
    key = re.search(r'hx-get="/figures/rebuild/([0-9a-f]+)"', saved.text).group(1)
    assert "Rebuilt" in workspace.get(f"/figures/rebuild/{key}?wait=1").text
    after = file.read_text(encoding="utf-8")
    assert str(value * 3) in after and [ln for ln in before.splitlines() if ln.startswith("#")] == \
        [ln for ln in after.splitlines() if ln.startswith("#")]  # comments kept
    stale = workspace.post(f"/figures/{entry['name']}/save", data=form)  # the page's hash is old now
    assert stale.status_code == 409


def test_the_form_shows_the_layouts_fields_and_edits_one_value_in_the_text(workspace, project):
    from pathlib import Path

    from pipeline.layouts.loader import load_layouts

    sample = EDITABLE
    layout = load_layouts(Path("templates"))[sample.layout]
    page = workspace.get(f"/sheet/{sample.id}").text
    text = record(project, sample.id).read_text(encoding="utf-8")
    shown = workspace.post(f"/sheet/{sample.id}/form", data={"text": text, "csrf": token(page)}).text
    for name in layout.requires:
        assert re.search(rf'data-field="{name}">\s*<label[^>]*>[^<]*<abbr title="required"[^>]*>', shown), name
    assert 'data-field="sections[0].heading"' in shown
    edited = workspace.post(f"/sheet/{sample.id}/field",
                            data={"text": text, "csrf": token(page), "field:title": "Title: With a Colon"}).text
    new = re.search(r"<textarea[^>]*>(.*)</textarea>", edited, re.S).group(1)
    import html
    new = html.unescape(new)
    assert 'title: "Title: With a Colon"' in new
    assert [ln for ln in new.splitlines() if not ln.startswith("title:")] == \
        [ln for ln in text.splitlines() if not ln.startswith("title:")]  # everything else as typed
    assert "is not a field" in workspace.post(f"/sheet/{sample.id}/field", data={
        "text": text, "csrf": token(page), "field:layout": "x"}).headers["HX-Trigger"]
    broken = workspace.post(f"/sheet/{sample.id}/form", data={"text": "title: [", "csrf": token(page)}).text
    assert "cannot read this sheet" in broken and "record:1" not in broken


def test_requests_for_another_host_name_are_refused(workspace):
    assert workspace.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert workspace.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_previews_run_in_workers_with_the_time_limit(project, run_cli, monkeypatch):
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=0.001)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as client:
        sheet_id = EDITABLE.id
        csrf = token(client.get(f"/sheet/{sheet_id}").text)
        text = record(project, sheet_id).read_text(encoding="utf-8")
        stopped = client.post(f"/sheet/{sheet_id}/preview", data={"text": text, "csrf": csrf})
        assert stopped.status_code == 200 and "was stopped" in stopped.text
        assert client.get("/").status_code == 200


def test_the_wheel_ships_every_page_template_and_static_file():
    import fnmatch
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folder = ROOT / "pipeline" / "workspace"
    for sub in ("templates", "static"):
        package = f"pipeline.workspace.{sub}"  # a folder of data files, declared as its own package
        assert package in data["packages"]
        files = [p.name for p in (folder / sub).iterdir()]
        assert all(any(fnmatch.fnmatch(name, pattern) for pattern in data["package-data"][package])
                   for name in files), files
    assert "htmx.min.js" in files and "LICENSE-htmx.txt" in files


def test_browser_tests_say_why_they_skip_without_chromium(monkeypatch, tmp_path):
    import served

    monkeypatch.setattr(served, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert "apt-get install chromium" in served.browser_missing()


def form_of(client, sheet_id: str, text: str, csrf: str) -> str:
    return client.post(f"/sheet/{sheet_id}/form", data={"text": text, "csrf": csrf}).text


def nearest_field(name: str, shown: set[str]) -> str | None:
    """Return where the editor shows a problem at `name`: the field, or the nearest one holding it
    (as the editor's script walks up 'sections[1].table.rows[2]')."""
    while name and name not in shown:
        shorter = re.sub(r"(\.[^.\[]*|\[[0-9]+\])$", "", name)
        name = "" if shorter == name else shorter
    return name or None


def test_every_part_of_every_sample_is_in_the_form_or_pointed_to(workspace, project):
    from pipeline.records.yamlload import Mapping, Sequence, parse

    def paths(node, prefix=""):
        children = [(f"{prefix}.{k.value}" if prefix else k.value, v) for k, v in node.items] \
            if isinstance(node, Mapping) else \
            [(f"{prefix}[{i}]", v) for i, v in enumerate(node.items)] if isinstance(node, Sequence) else []
        for name, child in children:
            yield name
            yield from paths(child, name)

    for sample in RECORDS:
        text = record(project, sample.id).read_text(encoding="utf-8")
        shown = form_of(workspace, sample.id, text, token(workspace.get(f"/sheet/{sample.id}").text))
        found = re.findall(r'class="form-field([^"]*)" data-field="([^"]+)"', shown)
        fields, pointers = {name for _, name in found}, {name for kind, name in found if "pointer" in kind}
        for name in paths(parse(text, "t")):  # shown as itself, or inside what a pointer points to
            assert nearest_field(name, fields) == name or nearest_field(name, fields) in pointers, \
                f"{sample.id}: {name} is neither in the form nor pointed to"
        for line in re.findall(r'data-line="([0-9]+)"', shown):  # each pointer links its line in the YAML tab
            assert 0 < int(line) <= text.count("\n") + 1
        if "table:" in text:  # in the form, cell by cell (test_workspace_tables.py)
            assert 'aria-label="Row 1, ' in shown and "This section has a table" not in shown
        buttons = re.findall(r'<button[^>]*aria-label="([^"]+)"', shown)
        assert len(buttons) == len(set(buttons)), "each button says which section or entry it acts on"


def posted(client, sheet_id, text, csrf, **ask):
    """Post a form edit; return the new text and the answer's headers."""
    import html

    answer = client.post(f"/sheet/{sheet_id}/field", data={"text": text, "csrf": csrf, **ask})
    assert answer.status_code == 200
    return html.unescape(re.search(r"<textarea[^>]*>(.*)</textarea>", answer.text, re.S).group(1)), answer.headers


def test_the_forms_buttons_add_move_and_remove_sections_and_focus_what_changed(workspace, project):
    import json

    from pipeline.records.yamlload import parse

    sheet_id = EDITABLE.id
    csrf = token(workspace.get(f"/sheet/{sheet_id}").text)
    text = record(project, sheet_id).read_text(encoding="utf-8")
    count = len(dict((k.value, v) for k, v in parse(text, "t").items)["sections"].items)
    shown = form_of(workspace, sheet_id, text, csrf)
    assert f'aria-label="Remove section {count}' in shown and 'hx-confirm="Remove section 1' in shown
    assert re.search(r'id="up-sections\[0\]"[^>]*disabled', shown, re.S)

    added, headers = posted(workspace, sheet_id, text, csrf, add="sections")
    focus = json.loads(headers["HX-Trigger-After-Swap"])["formChanged"]["focus"]
    assert focus == f"f-sections[{count}].heading" and f'id="{focus}"' in form_of(workspace, sheet_id, added, csrf)
    assert len(dict((k.value, v) for k, v in parse(added, "t").items)["sections"].items) == count + 1
    preview = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": added, "csrf": csrf}).text
    assert f'data-field="sections[{count}].heading"' in preview  # the placeholder's problem, at the new input

    moved, headers = posted(workspace, sheet_id, added, csrf, up=f"sections[{count}]")
    assert json.loads(headers["HX-Trigger-After-Swap"])["formChanged"]["focus"] == f"up-sections[{count - 1}]"
    assert sorted(moved.splitlines()) == sorted(added.splitlines())
    back, _ = posted(workspace, sheet_id, moved, csrf, down=f"sections[{count - 1}]")
    removed, headers = posted(workspace, sheet_id, back, csrf, remove=f"sections[{count}]")
    assert removed == text and json.loads(headers["HX-Trigger-After-Swap"])["formChanged"]["focus"] == "add-sections"

    same, headers = posted(workspace, sheet_id, text, csrf, up="sections[0]")
    assert same == text and "already the first" in json.loads(headers["HX-Trigger"])["fieldRefused"]


def test_a_bullet_typed_in_the_form_has_its_problem_shown_at_its_input(workspace, project):
    import json

    sheet_id = EDITABLE.id
    csrf = token(workspace.get(f"/sheet/{sheet_id}").text)
    text = record(project, sheet_id).read_text(encoding="utf-8")
    added, headers = posted(workspace, sheet_id, text, csrf, add="sections[0].bullets")
    bullet = json.loads(headers["HX-Trigger-After-Swap"])["formChanged"]["focus"].removeprefix("f-")
    assert re.fullmatch(r"sections\[0\]\.bullets\[[0-9]+\]", bullet)
    typed, _ = posted(workspace, sheet_id, added, csrf, **{f"field:{bullet}": "Opium: {{ data.nosuchfile.x }} ha"})
    assert '- "Opium: {{ data.nosuchfile.x }} ha"' in typed
    preview = workspace.post(f"/sheet/{sheet_id}/preview", data={"text": typed, "csrf": csrf}).text
    assert f'data-field="{bullet}"' in preview and "nosuchfile" in preview
    assert f'class="form-field" data-field="{bullet}"' in form_of(workspace, sheet_id, typed, csrf)
    gone, _ = posted(workspace, sheet_id, typed, csrf, remove=bullet)
    assert gone == text


def test_changes_page_shows_a_failed_feed_and_held_changes(workspace, project):
    """What `factsheets update` left in status.json and held.json: a failed feed with its error and
    last good fetch, a held change with its reason (escaped as text)."""
    import json

    from pipeline.builder import status

    out = project / "output"
    feeds = {"unodc": {"source": "https://example.gov/u.xlsx", "error": "the server answered 503 <b>x</b>",
                       "last_attempt": "2026-12-06T09:00:00Z", "last_success": "2026-12-06T08:00:00Z",
                       "state": "failed"}}
    for path, blob in status.with_sections(out, feeds=feeds).items():
        path.write_bytes(blob)
    (out / "held.json").write_text(json.dumps({"held": {"unodc.laos_opium_ha": {
        "fetched": "2026-12-06T09:00:00Z", "reasons": ["laos_opium_ha 2018: 5,700 → 11,400 (+100.0%)"]}},
        "rejected": {}}), encoding="utf-8")
    page = workspace.get("/changes").text
    assert "<strong>failed</strong> at 2026-12-06T09:00:00Z: the server answered 503 &lt;b&gt;x&lt;/b&gt;" in page
    assert "last successful fetch 2026-12-06T08:00:00Z" in page
    assert "<strong>unodc.laos_opium_ha</strong>" in page and "5,700 → 11,400 (+100.0%)" in page


def test_the_gallerys_stale_warnings_follow_the_shared_data_without_a_rebuild(workspace, project):
    """The stale figures the cards name are kept between pages, but read again once the shared data
    changes: a figure dated anew is no longer named (the warning stays, as the sheets are not rebuilt)."""
    import re

    from pipeline.figures import shared as data

    dataset = data.load(project / "sources" / "data", "sources/data")
    dated = [(file, figure) for file in dataset.files.values() for figure in file.figures.values()
             if figure.as_of is not None and figure.label]
    assert dated  # the samples' shared data has dated, labelled figures
    file, figure = dated[0]
    named = f"prints “{figure.label}” as of {figure.as_of.isoformat()}"
    assert named in workspace.get("/").text
    assert named in workspace.get("/").text  # the second page, from what was kept
    path = project / "sources" / "data" / f"{file.name}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"as_of: {figure.as_of.isoformat()}", "as_of: 2099-01-01", text), encoding="utf-8")
    page = workspace.get("/").text
    assert named not in page and "Warning:" in page
