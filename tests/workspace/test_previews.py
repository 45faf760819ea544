"""The preview's pages by name: drawn once, sent once, cached for good; newer previews overtake waiting ones."""

import asyncio
import os
import re
from pathlib import Path

import pytest
from conftest import RECORDS

from pipeline.builder import work
from pipeline.builder.recipe import Options
from pipeline.figures import shared as data
from pipeline.workspace import pageimages, workers
from pipeline.workspace.previews import PageStore, Turns

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")

EDITABLE = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))
IMAGE = re.compile(r'src="(/preview/[0-9a-f]{32}\.png)"')


@pytest.fixture
def in_worker(project, monkeypatch):
    """Load a worker's context in this process, in the scratch project."""
    monkeypatch.chdir(project)
    work.init_worker(Path("templates"), data.load(Path("sources/data"), "sources/data"), 60, os.getcwd())
    return project


def test_only_pages_not_known_are_encoded_and_the_same_look_has_the_same_name(in_worker):
    file = in_worker / "sources" / EDITABLE.file.name
    text = file.read_text(encoding="utf-8")
    first = workers.preview_in_worker(workers.job_for(file, text))
    keys = first.pages.keys
    assert len(keys) >= 2 and set(first.pages.images) == set(keys)
    assert all(image.startswith(b"\x89PNG") for image in first.pages.images.values())
    again = workers.preview_in_worker(workers.job_for(file, text), frozenset(keys))
    assert again.pages.keys == keys and again.pages.images == {}  # nothing new: nothing encoded
    retitled = re.sub(r"(?m)^title: (.*)$", r"title: \1 Retitled", text, count=1)
    changed = workers.preview_in_worker(workers.job_for(file, retitled), frozenset(keys))
    new = [k for k in changed.pages.keys if k not in keys]
    assert new and set(changed.pages.images) == set(new)
    assert any("Retitled" in t for t in changed.pages.texts)


def test_page_names_differ_with_size_and_pixels():
    assert pageimages.page_key(2, 1, b"ab") != pageimages.page_key(1, 2, b"ab")
    assert pageimages.page_key(2, 1, b"ab") != pageimages.page_key(2, 1, b"ac")
    assert len(pageimages.page_key(2, 1, b"ab")) == pageimages.KEY_CHARS


def test_the_store_drops_the_least_recently_used_beyond_its_limit():
    store = PageStore(limit=10)
    store.add({"a": b"12345", "b": b"12345"})
    assert store.get("a") == b"12345"  # a used: b is the oldest now
    store.add({"c": b"12345"})
    assert store.names() == {"a", "c"} and store.size == 10
    assert store.holds(["a", "c"]) and not store.holds(["b"])


def test_a_preview_that_waited_and_was_overtaken_draws_nothing():
    async def scenario():
        turns, order = Turns(at_once=1), []
        release = asyncio.Event()

        async def preview(name: str, hold: bool = False, key: str = "me"):
            async with turns.turn(key) as newest:
                order.append((name, newest))
                if hold:
                    await release.wait()

        first = asyncio.create_task(preview("first", hold=True))
        await asyncio.sleep(0)  # the first has its turn and is drawing
        waiting = [asyncio.create_task(preview(name)) for name in ("second", "third")]
        await asyncio.sleep(0)
        other = asyncio.create_task(preview("someone else's", key="you"))  # another key never waits for these
        await other
        release.set()
        await asyncio.gather(first, *waiting)
        return order, turns

    order, turns = asyncio.run(scenario())
    assert order[0] == ("first", True)
    assert ("someone else's", True) in order
    assert order[-2:] == [("second", False), ("third", True)]
    assert not turns._newest  # nobody waits: nothing kept


def test_the_preview_answers_page_names_and_each_image_is_cached_for_good(project, monkeypatch):
    monkeypatch.chdir(project)
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as client:
        page = client.get(f"/sheet/{EDITABLE.id}").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        text = EDITABLE.file.read_text(encoding="utf-8")
        answer = client.post(f"/sheet/{EDITABLE.id}/preview", data={"text": text, "csrf": csrf}).text
        names = IMAGE.findall(answer)
        assert len(names) >= 2 and "data:image" not in answer
        assert f"Page 2 of {len(names)}" in answer
        image = client.get(names[0])
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        assert "immutable" in image.headers["cache-control"]
        assert client.get("/preview/" + "0" * 32 + ".png").status_code == 404
        assert client.get("/preview/not-a-name.png").status_code == 404
        again = client.post(f"/sheet/{EDITABLE.id}/preview", data={"text": text, "csrf": csrf}).text
        assert IMAGE.findall(again) == names
