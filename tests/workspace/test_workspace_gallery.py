"""The gallery's search, sort and pages, on a project of many sheets (copies of a sample)."""

import re

import pytest
import starlette.testclient as starlette
from conftest import RECORDS

from pipeline.builder.recipe import Options
from pipeline.workspace import gallery

SAMPLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))
COPIES = gallery.PER_PAGE + 5  # more than one page


@pytest.fixture
def many(project, monkeypatch):
    """Return a client of the workspace over the samples and COPIES retitled copies of one (not built)."""
    text = SAMPLE.file.read_text(encoding="utf-8")
    for n in range(COPIES):
        copy = re.sub(r"(?m)^title: .*$", f"title: Copy {n:03d}", text, count=1)
        copy = re.sub(r"(?m)^id: .*\n", "", copy)
        if n == 7:  # one copy says a word no other sheet holds, in its text only
            copy += "\n# mentions Zanzibarwordfind in a comment\n"
        (project / "sources" / f"copy-{n:03d}.yaml").write_text(copy, encoding="utf-8")
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1)
    with starlette.TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def cards(page: str) -> list[str]:
    """Return the sheet ids of a gallery page's cards, in order."""
    return re.findall(r'<li class="card" data-sheet="([^"]+)"', page)


def test_the_gallery_pages_searches_and_sorts(many):
    total = COPIES + len(RECORDS)
    first = many.get("/").text
    assert len(cards(first)) == gallery.PER_PAGE and f"of {total} sheets, page 1 of 2" in first
    second = many.get("/?page=2").text
    assert len(cards(second)) == total - gallery.PER_PAGE and not set(cards(first)) & set(cards(second))
    assert 'rel="prev"' in second and 'href="/?page=1"' in second.replace("&amp;", "&")

    found = many.get("/?q=zanzibarWORDFIND").text  # in the text, any case
    assert cards(found) == ["copy-007"]
    assert cards(many.get("/?q=copy+012").text) == ["copy-012"]  # every word, from the title
    assert len(cards(many.get("/?q=nothing-holds-this").text)) == 0

    titles = re.findall(r'<h2><a href="/sheet/[^"]+">([^<]+)</a>', many.get("/?q=copy&sort=title").text)
    assert titles == sorted(titles, key=str.casefold) and titles[0] == "Copy 000"
    later = many.get("/?q=copy&sort=title&page=2").text.replace("&amp;", "&")
    assert 'href="/?q=copy&sort=title&page=1"' in later  # the pages keep the search and the order
    assert cards(many.get("/?sort=changed").text)[0].startswith("copy-")  # the newest files first


def test_the_changes_page_is_paged_newest_first(many, project):
    from pipeline.workspace.shared import RUNS_PER_PAGE

    runs = RUNS_PER_PAGE + 3
    history = "".join(f"## 2026-01-{n + 1:02d} build {n}\n\n- **{SAMPLE.id}** (sources/x.yaml): record edited\n\n"
                      for n in range(runs))
    (project / "output").mkdir(exist_ok=True)
    (project / "output" / "CHANGES.md").write_text("# Changes\n\n" + history, encoding="utf-8")
    first, second = many.get("/changes").text, many.get("/changes?page=2").text
    assert first.count('<section class="run">') == RUNS_PER_PAGE and f"build {runs - 1}" in first
    assert second.count('<section class="run">') == 3 and "build 0<" in second and "Page 2 of 2" in second
    title = re.search(r"(?m)^title: (.*)$", SAMPLE.file.read_text(encoding="utf-8")).group(1).strip('"')
    assert "sources/x.yaml" not in first and f"<strong>{title}</strong>" in first  # by its title, no path
