"""`factsheets update`: feeds served from 127.0.0.1 by the test (a ForeignAssistance.gov-style CSV, a
UNODC-style workbook), fetched, checked, held or applied; failures change nothing and show in status.

No network but 127.0.0.1: the server is started here, on a port the kernel picks.
"""

import csv
import io
import json
import re

import pytest
from feedserver import Route, feed_server

from pipeline.builder.manifest import Manifest
from pipeline.figures import shared as data

EXIT_OK, EXIT_FEED_FAILED, EXIT_HELD = 0, 3, 4


def _series(project) -> list[tuple[str, str, dict]]:
    """Return (data file, figure, {year: value}) for the first series figure of each shared-data file."""
    dataset = data.load(project / "sources" / "data", "sources/data")
    found = []
    for stem, file in sorted(dataset.files.items()):
        series = [(name, f) for name, f in file.figures.items() if f.values]
        if series:
            found.append((stem, series[0][0], dict(series[0][1].values)))
    assert len(found) >= 2, "the samples have two data files with a series figure"
    return found


def _fa_csv(values: dict, country: str = "Laos") -> bytes:
    """Return a ForeignAssistance.gov-style CSV: one row per country, fiscal year and transaction type."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["Country Name", "Fiscal Year", "Transaction Type Name", "Managing Agency Name",
                   "Current Dollar Amount"])
    for year, value in sorted(values.items()):
        rows.writerow([country, year, "Obligations", "Department of State", value])
        rows.writerow([country, year, "Disbursements", "Department of State", value // 2])
        rows.writerow(["Cambodia", year, "Obligations", "Department of State", value * 3])
    return out.getvalue().encode()


def _unodc_xlsx(values: dict, header: str = "Area under opium poppy cultivation (ha)") -> bytes:
    """Return a UNODC-style workbook: a survey table by country and year, made with openpyxl."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cultivation"
    sheet.append(["Country", "Year", header])
    for year, value in sorted(values.items()):
        sheet.append(["Lao PDR", year, value])
        sheet.append(["Myanmar", year, value * 7])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _declare(project, stem: str, text: str) -> None:
    """Append a `feed:` declaration to a data file."""
    path = project / "sources" / "data" / f"{stem}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _fa_feed(url: str, figure: str, extra: str = "") -> str:
    """Return the feed declaration of the ForeignAssistance.gov-style CSV."""
    return (f"feed:\n  url: {url}\n  format: csv\n"
            f"  columns: {{Country Name: figure, Fiscal Year: year, Current Dollar Amount: value}}\n"
            f"  figures: {{Laos: {figure}}}\n  where: {{Transaction Type Name: Obligations}}\n{extra}")


def _unodc_feed(url: str, figure: str, extra: str = "") -> str:
    """Return the feed declaration of the UNODC-style workbook."""
    return (f"feed:\n  url: {url}\n  format: xlsx\n  sheet: Cultivation\n"
            f"  columns: {{Country: figure, Year: year, 'Area under opium poppy cultivation (ha)': value}}\n"
            f"  figures: {{Lao PDR: {figure}}}\n  unit: ha\n"
            f"  hold: {{change_percent: 25}}\n{extra}")


@pytest.fixture
def feeds(project):
    """Yield (project, server, [(stem, figure, values), …]) with both samples' feeds declared."""
    with feed_server() as server:
        (fa_stem, fa_name, fa_values), *_, (un_stem, un_name, un_values) = _series(project)
        server.routes["/fa.csv"] = Route(_fa_csv(fa_values))
        server.routes["/unodc.xlsx"] = Route(_unodc_xlsx(un_values))
        _declare(project, fa_stem, _fa_feed(f"{server.url}/fa.csv", fa_name, "  timeout: 2\n"))
        _declare(project, un_stem, _unodc_feed(f"{server.url}/unodc.xlsx", un_name, "  timeout: 2\n"))
        yield project, server, [(fa_stem, fa_name, fa_values), (un_stem, un_name, un_values)]


def _update(run_cli, project, *args):
    """Run `factsheets update` in the project."""
    return run_cli("update", *args, cwd=project)


def _update_only(run_cli, project, *args):
    """Run `factsheets update` comparing no sheet (no records folder): for tests of the feeds alone."""
    return run_cli("update", "--records", "no-records", *args, cwd=project)


def _text(project, stem: str) -> str:
    """Return a data file's text."""
    return (project / "sources" / "data" / f"{stem}.yaml").read_text(encoding="utf-8")


def _values(project, stem: str, name: str) -> dict:
    """Return a figure's values as a build reads them."""
    return dict(data.load(project / "sources" / "data", "d").files[stem].figures[name].values)


def _status(project) -> dict:
    """Return output/status.json."""
    return json.loads((project / "output" / "status.json").read_text(encoding="utf-8"))


def test_first_fetch_then_unchanged_costs_one_small_request(feeds, run_cli):
    """The first run fetches both files (same figures: nothing written); the second sends the ETag and
    gets 304 Not Modified: one request each, no body, the data files untouched."""
    project, server, found = feeds
    before = {stem: _text(project, stem) for stem, _, _ in found}
    first = _update_only(run_cli, project)
    assert first.code == EXIT_OK, first.out + first.err
    assert {stem: _text(project, stem) for stem, _, _ in found} == before
    state = _status(project)["feeds"]
    assert all(state[stem]["last_success"] and state[stem]["error"] is None for stem, _, _ in found)
    second = _update_only(run_cli, project)
    assert second.code == EXIT_OK, second.out + second.err
    assert sorted(server.log) == sorted([("/fa.csv", 200), ("/unodc.xlsx", 200), ("/fa.csv", 304),
                                         ("/unodc.xlsx", 304)])
    assert "2 feeds: 0 updated, 2 unchanged, 0 failed" in second.out


def test_a_new_year_is_written_in_order_with_comments_kept(feeds, run_cli):
    """A year the source adds goes into the data file in year order; its comments stay."""
    project, server, [(stem, name, values), _] = feeds
    new_year = max(values) + 1
    server.routes["/fa.csv"] = Route(_fa_csv({**values, new_year: 1_234_000}))
    comments = [line for line in _text(project, stem).splitlines() if line.lstrip().startswith("#")]
    result = _update(run_cli, project, f"sources/data/{stem}.yaml")
    assert result.code == EXIT_OK, result.out + result.err
    assert f"{name} {new_year}: (none) → 1,234,000" in result.out
    assert _values(project, stem, name) == {**values, new_year: 1_234_000}
    assert [line for line in _text(project, stem).splitlines() if line.lstrip().startswith("#")] == comments
    assert list(_values(project, stem, name)) == sorted(_values(project, stem, name))


def test_a_revision_beyond_the_rule_is_held_then_approved(feeds, run_cli):
    """A value moving more than the feed's 25% waits: nothing written, exit 4, listed by --review;
    --approve writes it with the import's writer."""
    project, server, [_, (stem, name, values)] = feeds
    year = max(values)
    revised = values[year] * 2
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**values, year: revised}))
    before = _text(project, stem)
    held = _update_only(run_cli, project)
    assert held.code == EXIT_HELD, held.out + held.err
    assert _text(project, stem) == before
    assert f"held for review: {name} {year}: {values[year]:,} → {revised:,} (+100.0%, more than 25%)" in held.out
    review = _update_only(run_cli, project, "--review")
    assert review.code == EXIT_HELD and f"{stem}.{name}" in review.out
    approved = _update_only(run_cli, project, "--approve", f"data.{stem}.{name}")
    assert approved.code == EXIT_OK, approved.err
    assert _values(project, stem, name)[year] == revised
    assert json.loads(run_cli("history", stem, "--json", cwd=project).out)[0]["action"] == "approve"
    assert _update_only(run_cli, project, "--review").code == EXIT_OK


def test_a_rejected_change_is_not_held_again(feeds, run_cli):
    """--reject keeps the data file; the same revision fetched again is not held again."""
    project, server, [_, (stem, name, values)] = feeds
    year = max(values)
    before = _text(project, stem)
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**values, year: -values[year]}))
    first = _update(run_cli, project)
    assert first.code == EXIT_HELD and "changes sign" in first.out
    assert _update(run_cli, project, "--reject", f"{stem}.{name}").code == EXIT_OK
    rejected = json.loads(run_cli("history", stem, "--json", cwd=project).out)[0]  # recorded, with who
    assert rejected["action"] == "reject" and f"{stem}.{name}" in rejected["what"][0] and rejected["who"]
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**values, year: -values[year]}) + b"")
    state = json.loads((project / "output" / "status.json").read_text(encoding="utf-8"))
    state["feeds"][stem].pop("etag")  # fetch the body again, as after a server restart
    (project / "output" / "status.json").write_text(json.dumps(state), encoding="utf-8")
    again = _update(run_cli, project)
    assert again.code == EXIT_OK, again.out
    assert _text(project, stem) == before


@pytest.mark.parametrize("failure, expected", [
    ("error", "the server answered 500"),
    ("stall", "no answer within 0.3 seconds"),
    ("truncate", "cut short"),
    ("renamed", "the file has no column 'Fiscal Year'"),
    ("vanished", "no longer in the file"),
    ("redirect", "redirected to another host, localhost; refused"),
    ("large", "larger than the feed's limit of 100,000 bytes"),
])
def test_a_failing_feed_changes_nothing_and_the_others_still_update(feeds, run_cli, failure, expected):
    """Each way a source fails: exit 3, its data file unchanged, the error in status.json and in
    `factsheets status`; the other feed's new year is still written."""
    project, server, [(stem, name, values), (other, other_name, other_values)] = feeds
    body = _fa_csv({**values, max(values) + 1: 5})
    path = project / "sources" / "data" / f"{stem}.yaml"
    path.write_text(_text(project, stem).replace("  timeout: 2\n", "  timeout: 0.3\n  max_bytes: 100000\n"),
                    encoding="utf-8")
    assert _update_only(run_cli, project).code == EXIT_OK  # a first good fetch
    before = _text(project, stem)
    server.routes["/fa.csv"] = {
        "error": Route(status=500),
        "stall": Route(stall=True),
        "truncate": Route(body, truncate=True),
        "renamed": Route(body.replace(b"Fiscal Year", b"FY")),
        "vanished": Route(body.replace(b"Laos,", b"Lao PDR,")),
        "large": Route(body + b"0" * 100_000),
        "redirect": Route(redirect=f"{server.url.replace('127.0.0.1', 'localhost')}/fa.csv"),
    }[failure]
    new_year = max(other_values) + 1
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**other_values, new_year: other_values[max(other_values)]}))
    result = _update_only(run_cli, project)
    assert result.code == EXIT_FEED_FAILED, result.out + result.err
    assert expected in result.out
    assert _text(project, stem) == before
    assert new_year in _values(project, other, other_name)
    feed = _status(project)["feeds"][stem]
    assert expected in feed["error"] and feed["last_success"]
    shown = run_cli("status", "--json", cwd=project)
    assert shown.code == EXIT_FEED_FAILED
    assert expected in json.loads(shown.out)["feeds"][stem]["error"]
    text = run_cli("status", cwd=project)
    assert re.search(rf"^feed {stem} \(.*\): FAILED at .*{re.escape(expected)}", text.out, re.M)


def test_a_redirect_to_an_allowed_host_is_followed(feeds, run_cli):
    """allow_hosts lets a redirect to the publisher's other host through."""
    project, server, [(stem, name, values), _] = feeds
    server.routes["/fa.csv"] = Route(redirect=f"{server.url.replace('127.0.0.1', 'localhost')}/moved.csv")
    server.routes["/moved.csv"] = Route(_fa_csv({**values, max(values) + 1: 7}))
    path = project / "sources" / "data" / f"{stem}.yaml"
    path.write_text(_text(project, stem) + "  allow_hosts: [localhost]\n", encoding="utf-8")
    result = _update(run_cli, project, stem)
    assert result.code == EXIT_OK, result.out + result.err
    assert _values(project, stem, name)[max(values) + 1] == 7


def test_a_certificate_that_does_not_verify_is_refused(project, run_cli, tmp_path):
    """TLS is verified: a server with a self-signed certificate is refused, and nothing changes."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", key, "-out", cert], check=True, capture_output=True)
    (stem, name, values), *_ = _series(project)
    with feed_server((cert, key)) as server:
        server.routes["/fa.csv"] = Route(_fa_csv({**values, max(values) + 1: 5}))
        _declare(project, stem, _fa_feed(f"{server.url}/fa.csv", name, "  timeout: 2\n"))
        before = _text(project, stem)
        result = _update_only(run_cli, project)
    assert result.code == EXIT_FEED_FAILED, result.out + result.err
    assert "certificate is not valid" in result.out
    assert _text(project, stem) == before


def test_a_feed_url_must_be_https(project, run_cli):
    """Plain http to another machine is refused at the declaration's line."""
    _declare(project, "unodc", "feed:\n  url: http://example.org/unodc.csv\n")
    result = run_cli("update", cwd=project)
    assert result.code == 2
    assert re.search(r"unodc\.yaml:\d+:\d+: error: a feed's url must start with https://", result.err)


@pytest.mark.slow
def test_end_to_end_a_served_change_rebuilds_exactly_the_dependent_sheets(feeds, run_cli):
    """The served workbook changes → update → build: exactly the sheets printing the changed year are
    rebuilt with the new number, and the change report names them."""
    project, server, [_, (stem, name, values)] = feeds
    assert run_cli("build", "--jobs", "1", cwd=project).code == 0
    assert _update(run_cli, project).code == EXIT_OK
    year = max(values)
    new = values[year] + values[year] // 10  # +10%: within the hold rule
    key = f"data.{stem}.{name} {year}"
    printing = sorted(e.id for e in Manifest.load(project / "output").entries.values() if key in e.printed)
    assert printing, "a sample prints the figure"
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**values, year: new}))
    updated = _update(run_cli, project)
    assert updated.code == EXIT_OK, updated.out + updated.err
    moving = sorted(re.findall(r"^  moves (\S+) \(", updated.out, re.M))
    assert moving == printing
    built = run_cli("build", "--jobs", "1", "--strict", "--stale-months", "1200", cwd=project)
    assert built.code == 0, built.out + built.err
    assert sorted(re.findall(r"^rebuilt (\S+) \(", built.out, re.M)) == printing
    assert f"  {key}: {values[year]:,} → {new:,}" in built.out.splitlines()
    report = json.loads((project / "output" / "changes.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in report["rebuilt"]) == printing
    assert f"{key}: {values[year]:,} → {new:,}" in (project / "output" / "CHANGES.md").read_text(encoding="utf-8")


def test_a_json_file_on_a_path_is_a_feed_too(project, run_cli):
    """A feed may be a file beside the data file, in JSON (rows under a key); a changed unit fails it."""
    (stem, name, values), *_ = _series(project)
    year = max(values)
    rows = [{"name": name, "fy": y, "amount": v} for y, v in values.items()] + [{"name": name, "fy": year + 1, "amount": 9}]
    feed_file = project / "sources" / "data" / "incoming.json"
    feed_file.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    _declare(project, stem, "feed:\n  path: incoming.json\n  records: rows\n"
                            "  columns: {name: figure, fy: year, amount: value}\n")
    result = _update(run_cli, project)
    assert result.code == EXIT_OK, result.out + result.err
    assert _values(project, stem, name)[year + 1] == 9
    assert "1 updated" in result.out
    unchanged = _update(run_cli, project)
    assert "0 updated, 1 unchanged" in unchanged.out
    current = data.load(project / "sources" / "data", "d").files[stem].figures[name].unit
    rows[0]["unit"] = f"{current}x"
    feed_file.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    before = _text(project, stem)
    failed = _update(run_cli, project)
    assert failed.code == EXIT_FEED_FAILED and "the unit changed" in failed.out
    assert _text(project, stem) == before


def test_the_hold_rules_and_a_figures_own_rule():
    """Each rule holds its case; a figure's own rule overrides the file's; within the rules, nothing is held."""
    import datetime as dt

    from pipeline.authoring import feedconfig, holds
    from pipeline.authoring.figureimport import Figure as Fetched
    from pipeline.base.errors import Location
    from pipeline.records.model import Figure

    old = Figure("opium_ha", Location("x"), values={2007: 1500, 2018: 5700}, as_of=dt.date(2018, 12, 31))
    rules = feedconfig.HoldRules()
    assert holds.reasons(old, Fetched("opium_ha", {2007: 1500, 2018: 6100}), rules) == []
    assert "more than 25%" in holds.reasons(old, Fetched("opium_ha", {2007: 1500, 2018: 9000}), rules)[0]
    assert "changes sign" in holds.reasons(old, Fetched("opium_ha", {2007: 1500, 2018: -5700}), rules)[0]
    assert "no longer gives 2007" in holds.reasons(old, Fetched("opium_ha", {2018: 5700}), rules)[0]
    backwards = Fetched("opium_ha", {2007: 1500, 2018: 5700}, {"as_of": "2017-01-01"})
    assert "as-of goes back" in holds.reasons(old, backwards, rules)[0]
    off = feedconfig.HoldRules(change_percent=None, sign_change=False, missing_year=False, as_of_backwards=False)
    assert holds.reasons(old, backwards, off) == []
    feed = feedconfig.Feed("unodc", None, figure_holds={"opium_ha": off})
    assert feed.rules("opium_ha") is off and feed.rules("other") == rules


def test_a_figures_own_hold_rule_lets_its_revision_through(feeds, run_cli):
    """`hold: {figures: {name: {change_percent: 150}}}` overrides the file's 25% for that figure."""
    project, server, [_, (stem, name, values)] = feeds
    path = project / "sources" / "data" / f"{stem}.yaml"
    path.write_text(_text(project, stem).replace(
        "  hold: {change_percent: 25}\n", f"  hold: {{change_percent: 25, figures: {{{name}: {{change_percent: 150}}}}}}\n"),
        encoding="utf-8")
    year = max(values)
    server.routes["/unodc.xlsx"] = Route(_unodc_xlsx({**values, year: values[year] * 2}))
    result = _update(run_cli, project, stem)
    assert result.code == EXIT_OK, result.out + result.err
    assert _values(project, stem, name)[year] == values[year] * 2


@pytest.mark.slow
def test_a_build_keeps_the_feeds_failure_in_status(feeds, run_cli):
    """The build rewrites status.json's sheets but keeps the update's feeds: a failed feed stays visible."""
    project, server, [(stem, _, _), _] = feeds
    server.routes["/fa.csv"] = Route(status=503)
    assert _update(run_cli, project).code == EXIT_FEED_FAILED
    assert run_cli("build", "--jobs", "1", "--stale-months", "1200", cwd=project).code == 0
    body = _status(project)
    assert body["sheets"] and "503" in body["feeds"][stem]["error"]
    assert run_cli("status", cwd=project).code == EXIT_FEED_FAILED


def test_the_network_is_refused_again_after_the_fetch(feeds, run_cli):
    """The feed's host is allowed only while it is fetched: afterwards the guard refuses it again."""
    import socket

    from pipeline.base.hardening import NetworkRefused

    project, server, _ = feeds
    assert _update_only(run_cli, project).code == EXIT_OK
    port = int(server.url.rsplit(":", 1)[1])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkRefused):
        sock.connect(("127.0.0.1", port))
    with pytest.raises(NetworkRefused):
        socket.getaddrinfo("localhost", port)
