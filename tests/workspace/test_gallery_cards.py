"""The gallery's card list alone (/cards, what the search box fetches) answers every query with the cards,
count and pages of the whole page; the sheets found are kept between answers until a record or the build's
status changes."""

import json
import os
import re

from conftest import RECORDS
from test_workspace_gallery import many  # noqa: F401 (a fixture: the samples and retitled copies)

from pipeline.base.paths import display
from pipeline.workspace import gallery, sheets
from pipeline.workspace.words import layout_name

TEXT_WORD = "zanzibarwordfind"  # one copy holds it in its text only (test_workspace_gallery.many)


def cards(page: str) -> list[str]:
    return re.findall(r'<li class="card" data-sheet="([^"]+)"', page)


def results(page: str) -> str:
    """Return the card list, count and pages of a gallery page or of /cards' answer."""
    return page[page.index('<div id="results"'):page.rindex("</div>") + len("</div>")]


def queries() -> list[str]:
    """Return queries over the samples and their copies: words, layouts, statuses, orders, pages."""
    layouts = sorted({re.search(r"(?m)^layout: *(\S+)", r.file.read_text(encoding="utf-8")).group(1)
                      for r in RECORDS})
    title = re.search(r"(?m)^title: (.*)$", RECORDS[0].file.read_text(encoding="utf-8")).group(1)
    title_word = re.findall(r"[A-Za-z]{4,}", title)[0]
    return ["", f"q={title_word}", f"q={TEXT_WORD.upper()}", "q=copy+012", "q=copy&sort=changed&page=2",
            f"layout={layouts[0]}", f"layout={layouts[-1]}&sort=stale", "status=draft", "status=never-built",
            "page=2", "page=99", "q=nothing-holds-this", "q=%3Cb%3E"]


def test_the_card_list_alone_answers_as_the_whole_page(many):  # noqa: F811
    for query in queries():
        page, alone = many.get(f"/?{query}"), many.get(f"/cards?{query}")
        assert alone.status_code == 200 and alone.headers["cache-control"] == "no-store"
        assert results(alone.text) == results(page.text), query  # the same cards, count and pages, in order
        said = re.search(r'<span class="count" role="status">([^<]*)</span>', page.text).group(1)
        assert f'data-count="{said}"' in alone.text  # what the status line says after the answer
        assert "<form" not in alone.text and "<html" not in alone.text  # the list only, no page around it
    assert cards(many.get(f"/cards?q={TEXT_WORD}").text) == ["copy-007"]
    assert "No sheets match “nothing-holds-this”" in many.get("/cards?q=nothing-holds-this").text


def test_the_sheets_are_kept_until_a_record_or_the_status_changes(project, monkeypatch):
    """Before: every answer made 1,000 sheets again (fails there: new objects each time)."""
    monkeypatch.chdir(project)
    folder, out = project / "sources", project / "output"
    first = sheets.find([folder], out)
    again = sheets.find([folder], out)
    assert again == first and all(a is b for a, b in zip(again, first, strict=True))  # kept, not made again

    record = folder / RECORDS[0].file.name
    record.write_text(re.sub(r"(?m)^title: .*$", "title: Retitled Since", record.read_text(encoding="utf-8"),
                             count=1), encoding="utf-8")
    assert "Retitled Since" in [s.title for s in sheets.find([folder], out)]  # an edited record

    (folder / "added-later.yaml").write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    assert "added-later" in [s.path.rsplit("/", 1)[-1].removesuffix(".yaml") for s in sheets.find([folder], out)]
    (folder / "added-later.yaml").unlink()
    assert len(sheets.find([folder], out)) == len(first)  # a removed one

    out.mkdir()
    state = {"status": 1, "sheets": {display(record): {"id": RECORDS[0].id, "state": "failed",
                                                       "last_good": None, "error": "it broke"}}}
    (out / "status.json").write_text(json.dumps(state), encoding="utf-8")
    found = next(s for s in sheets.find([folder], out) if s.path == display(record))
    assert found.state == "failed" and found.error == "it broke"  # the build's status, read again


def test_a_record_that_becomes_a_link_is_refused_at_once(project, monkeypatch, tmp_path_factory):
    monkeypatch.chdir(project)
    folder, out = project / "sources", project / "output"
    record = folder / RECORDS[0].file.name
    sheets.find([folder], out)
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    record.unlink()
    os.symlink(outside, record)
    found = next(s for s in sheets.find([folder], out) if s.path == display(record))
    assert found.state == "failed" and "symbolic link" in found.error


def test_every_word_is_looked_for_in_title_file_name_layout_and_text(project, monkeypatch):
    monkeypatch.chdir(project)
    sample = next(s for s in sheets.find([project / "sources"], project / "output") if s.layout != "?")
    head = f"{sample.title} {sample.id} {layout_name(sample.layout)}".casefold()
    text_only = sorted(set(re.findall(r"[a-z]{6,}", sample.file.read_text(encoding="utf-8").casefold())) - set(head.split()))
    words = f"{sample.title.split()[-1]} {layout_name(sample.layout).split()[0]} {sample.id}"
    assert gallery.matches(sample, words.upper())  # a word from each part, any case
    assert gallery.matches(sample, f"{words} {text_only[0]}")  # and one from the text only
    assert not gallery.matches(sample, f"{words} zqxjnothing")  # every word, not any
