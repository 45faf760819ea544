"""The figures page's changes held for a person (factsheets update's hold rules): listed by label, old → new,
why and from where; Approve writes them as `update --approve` does and Reject drops them, each recorded
with who did it."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from pipeline.builder.recipe import Options

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")

USER = "Ana Desk-Officer"
FEED = "https://example.gov/survey.xlsx"


def printed_series(project: Path):
    """Return (data file stem, figure) of a year series that a built sheet prints (taken from the samples)."""
    from pipeline.builder.recipe import Manifest
    from pipeline.figures import shared as data

    dataset = data.load(project / "sources" / "data", "sources/data")
    printed = {k for entry in Manifest.load(project / "output").entries.values() for k in entry.data}
    return next((stem, fig) for stem, file in sorted(dataset.files.items()) for name, fig in sorted(file.figures.items())
                if fig.values and fig.label and any(k.startswith(f"data.{stem}.{name}") for k in printed))


def hold(project: Path) -> tuple[str, object, int, int]:
    """Write a held change as `factsheets update` leaves it: the latest year doubled; return key, figure, year, new."""
    from pipeline.authoring import holds
    from pipeline.authoring.feedconfig import HoldRules
    from pipeline.authoring.figureimport import Figure
    from pipeline.builder import status

    stem, current = printed_series(project)
    year = max(current.values)
    new = Figure(current.name, {**current.values, year: current.values[year] * 2}, {})
    why = holds.reasons(current, new, HoldRules())
    assert why  # the default rule (25%) holds a doubling
    pending = holds.Held(project / "output")
    key = f"{stem}.{current.name}"
    pending.held[key] = holds.to_json(stem, new, why, dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC))
    pending.save()
    feeds = {stem: {"source": FEED, "state": "updated", "last_success": "2026-12-06T09:00:00Z"}}
    for path, blob in status.with_sections(project / "output", feeds=feeds).items():
        path.write_bytes(blob)
    return key, current, year, current.values[year] * 2


@pytest.fixture
def workspace(project, run_cli, monkeypatch):
    """Return a test client of the workspace, signed in as USER, on a built scratch project."""
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app
    from pipeline.workspace.identity import Identity

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60), Identity(user=USER)),
                     workers_count=1, hosts=("testserver",))
    with starlette.TestClient(app) as client:
        yield client


def token(page: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def versions(project: Path, stem: str):
    from pipeline.history.store import Store

    file = project / "sources" / "data" / f"{stem}.yaml"
    return Store.open(file, project).versions(file)


def subject(project: Path, stem: str) -> str:
    """Return the summary line of the data file's latest version (what `git log` shows)."""
    from pipeline.history.store import Store

    return Store.open(project / "sources" / "data" / f"{stem}.yaml", project).git("log", "-1", "--format=%s")


def test_the_figures_page_lists_a_held_change_by_its_label(workspace, project):
    key, current, year, new = hold(project)
    page = workspace.get("/figures").text
    held = page[page.index('id="held"'):page.index("</section>")]
    assert f"<h3>{current.label}" in held and current.name not in held.replace(key, "")  # the label, no code name
    assert f"{year}: {current.values[year]:,} → {new:,}" in held
    assert f"{year}: the value moves by +100.0%, more than the 25% allowed without a person’s check" in held
    assert FEED in held
    assert f'hx-post="/figures/held/{key}/approve"' in held and f'hx-post="/figures/held/{key}/reject"' in held


@pytest.mark.parametrize("reason, plain", [
    ("laos_opium_ha 2018: 5,700 → 11,400 (+100.0%, more than 25%)",
     "2018: the value moves by +100.0%, more than the 25% allowed without a person’s check"),
    ("debt 2019: 1,200 → -300 changes sign", "2019: the value changes from below zero to above it, or back"),
    ("laos_opium_ha: the source no longer gives 2007", "The source no longer gives the year 2007"),
    ("laos_opium_ha: as-of goes back from 2024-06-30 to 2023-01-01",
     "The “as of” date goes back from 2024-06-30 to 2023-01-01"),
])
def test_each_hold_rule_is_said_without_the_code_name(reason, plain):
    from pipeline.workspace.held import plain_reason

    assert plain_reason(reason) == plain


def test_approving_writes_the_change_records_who_and_rebuilds(workspace, project):
    key, current, year, new = hold(project)
    stem = key.split(".")[0]
    file = project / "sources" / "data" / f"{stem}.yaml"
    comments = [ln for ln in file.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    page = workspace.get("/figures").text
    assert workspace.post(f"/figures/held/{key}/approve", data={"csrf": "forged"}).status_code == 403
    assert str(new) not in file.read_text(encoding="utf-8")
    done = workspace.post(f"/figures/held/{key}/approve", data={"csrf": token(page)})
    assert done.status_code == 200, done.text
    assert f"Approved: {current.label}" in done.text and "Rebuilt" in done.text
    text = file.read_text(encoding="utf-8")
    assert f"{year}: {new}" in text and comments == [ln for ln in text.splitlines() if ln.startswith("#")]
    assert key not in json.loads((project / "output" / "held.json").read_text())["held"]
    latest = versions(project, stem)[0]
    assert latest.who == USER and latest.action == "approve", latest
    assert latest.what == [f"{current.name}.values.{year}: {current.values[year]} → {new}"]
    assert f"({current.label}, {year}: {current.values[year]:,} → {new:,})" in subject(project, stem)
    again = workspace.post(f"/figures/held/{key}/approve", data={"csrf": token(page)})
    assert again.status_code == 404 and "no longer waiting" in again.text  # twice is not written twice


def test_rejecting_keeps_the_figures_records_who_and_is_not_held_again(workspace, project):
    from pipeline.authoring import holds
    from pipeline.authoring.figureimport import Figure

    key, current, year, new = hold(project)
    stem = key.split(".")[0]
    file = project / "sources" / "data" / f"{stem}.yaml"
    before = file.read_bytes()
    page = workspace.get("/figures").text
    done = workspace.post(f"/figures/held/{key}/reject", data={"csrf": token(page)})
    assert done.status_code == 200 and f"Rejected: {current.label} keeps its figures" in done.text
    assert file.read_bytes() == before
    pending = holds.Held(project / "output")
    assert key not in pending.held and pending.rejected[key]
    latest = versions(project, stem)[0]
    assert latest.who == USER and latest.action == "reject" and str(file.relative_to(project)) in latest.what[0]
    assert "id=\"held-heading\"" not in workspace.get("/figures").text  # nothing waits any more
    # The same change fetched again is not held again, by `update`'s own holding step.
    from types import SimpleNamespace

    from pipeline.authoring import feeds
    from pipeline.authoring.feedconfig import HoldRules

    feed = SimpleNamespace(name=stem, rules=lambda name: HoldRules())
    result = feeds.FeedResult(stem, FEED)
    again = {current.name: Figure(current.name, {**current.values, year: new}, {})}
    feeds._hold(feed, again, {current.name: current}, pending, result, dt.datetime.now(dt.UTC))
    assert result.held == [] and key not in pending.held


def test_while_an_update_holds_the_lock_nothing_is_approved_or_rejected(workspace, project, monkeypatch):
    """A scheduled update keeps its own copy of held.json while it runs: a step taken meanwhile waits for the
    lock and, when it stays busy, is refused in words (it would be written over)."""
    from pipeline.builder.lock import OutputLock
    from pipeline.workspace import shared

    monkeypatch.setattr(shared, "LOCK_WAIT", 0.0)
    key, current, year, new = hold(project)
    file = project / "sources" / "data" / f"{key.split('.')[0]}.yaml"
    before, held = file.read_bytes(), (project / "output" / "held.json").read_bytes()
    page = workspace.get("/figures").text
    with OutputLock(project / "output"):
        for step in ("approve", "reject"):
            busy = workspace.post(f"/figures/held/{key}/{step}", data={"csrf": token(page)})
            assert busy.status_code == 409 and "running right now" in busy.text
    assert file.read_bytes() == before and (project / "output" / "held.json").read_bytes() == held
