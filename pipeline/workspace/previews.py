"""The editor's live preview: only the newest text of a sheet is drawn, and only changed pages are sent.

A preview answers with the list of pages, each naming its image by a hash of its look
(/preview/<name>.png, cached by the browser for good); the page's script keeps the images it has and
fetches only the new names. The images live in a PageStore shared by the server's sessions: the
worker is told which names it holds, and encodes only the others. Previews of one person's sheet
take turns (Turns): one asked while others wait replaces the waiting one, so typing never queues up
drawings of text that is already gone. A mixin of app._State, whose pool, plain words and
fragments it uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..base.errors import ConfigError
from . import pageimages, sheets, workers
from .shared import keep

STORE_BYTES = 96 * 1024 * 1024  # page images kept in memory: ~1,500 pages of ~60 KB
NAME = re.compile(rf"[0-9a-f]{{{pageimages.KEY_CHARS}}}")
FOREVER = "private, max-age=31536000, immutable"  # a name is its look: the image under it never changes


class PageStore:
    """Page images by name, in memory up to `limit` bytes; the least recently used go first."""

    def __init__(self, limit: int = STORE_BYTES):
        self.limit, self.size = limit, 0
        self._images: OrderedDict[str, bytes] = OrderedDict()

    def names(self) -> frozenset[str]:
        """Return the names of the images held."""
        return frozenset(self._images)

    def add(self, images: dict[str, bytes]) -> None:
        """Keep new images, dropping the least recently used beyond the limit."""
        for name, image in images.items():
            if name not in self._images:
                self._images[name] = image
                self.size += len(image)
            self._images.move_to_end(name)
        while self.size > self.limit and len(self._images) > 1:
            self.size -= len(self._images.popitem(last=False)[1])

    def get(self, name: str) -> bytes | None:
        """Return an image (and count it as used), or None."""
        image = self._images.get(name)
        if image is not None:
            self._images.move_to_end(name)
        return image

    def holds(self, names: list[str]) -> bool:
        """Tell whether every one of `names` is held."""
        return all(name in self._images for name in names)


class Turns:
    """Previews of one key (a person's sheet) in turn, `at_once` at a time; one that waited and was
    overtaken by a newer one is told so and draws nothing."""

    def __init__(self, at_once: int = 1):
        self.at_once = at_once
        self._newest: dict = {}
        self._slots: dict = {}
        self._waiting: dict = {}

    @contextlib.asynccontextmanager
    async def turn(self, key):
        """Wait for a turn; yield True when this is still the newest preview asked for `key`."""
        ticket = self._newest[key] = self._newest.get(key, 0) + 1
        slots = self._slots.setdefault(key, asyncio.Semaphore(self.at_once))
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with slots:
                yield ticket == self._newest[key]
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody left for this key: forget it
                del self._waiting[key], self._slots[key], self._newest[key]


class PreviewPages:
    """The preview and its page images (mixed into the application's state)."""

    page_store: PageStore
    turns: Turns

    def start_previews(self, at_once: int) -> None:
        """Make the page store and the turns (`at_once`: the number of worker processes)."""
        self.page_store, self.turns = PageStore(), Turns(at_once)
        self.last_pages: dict[tuple, tuple] = {}  # per session and sheet: the last pages without errors

    async def show_preview(self, sheet: sheets.Sheet, text: str, mine: tuple) -> Response:
        """Answer a preview of `text`: its pages (by name) and problems; 204 when a newer one overtook it."""
        async with self.turns.turn(mine) as newest:
            if not newest:
                return Response(status_code=204)  # nobody waits for it: the browser has sent a newer one
            shown = await self._drawn(sheet, text)
        pages, earlier = shown.pages, not shown.pages.keys
        if pages.keys and not shown.marked:  # placeholders marked: shown, never kept as the last good preview
            keep(self.last_pages, mine, pages)
        elif earlier:  # keep showing the last pages that could be made, marked as such (while their images last)
            last = self.last_pages.get(mine)
            pages = last if last and self.page_store.holds(last.keys) else pageimages.Pages()
        return self._fragment("preview.html", pages=pages, problems=self._plain(shown.problems, text),
                              earlier=earlier, marked=shown.marked)

    async def _drawn(self, sheet: sheets.Sheet, text: str) -> workers.Preview:
        """Draw a text's pages in a worker, encoding only images the store lacks; keep the new ones."""
        job = workers.job_for(sheet.file, text, self.opts.max_classification)
        for known in (self.page_store.names(), frozenset()):
            shown = await self._preview(job, known)
            self.page_store.add(shown.pages.images)
            if self.page_store.holds(shown.pages.keys):  # else one was dropped meanwhile: draw them all
                break
        shown.pages.images = {}
        return shown

    async def _preview(self, job, known: frozenset[str]) -> workers.Preview:
        """Render a record's text in a worker; a broken template or a dead worker is shown, not raised."""
        try:
            return await run_in_threadpool(self.pool.call, workers.preview_in_worker, job, known)
        except ConfigError as exc:
            return workers.Preview(problems=[workers.problem(d) for d in exc.diagnostics])
        except Exception as exc:  # the pool died (a worker was killed): say so, keep serving
            return workers.Preview(problems=[workers.unusable(
                f"the preview could not be made: {type(exc).__name__}: {exc}", "type again to retry")])

    async def preview_page(self, request: Request) -> Response:
        """Answer one page image by its name, cached by the browser for good."""
        name = request.path_params["name"]
        image = self.page_store.get(name) if NAME.fullmatch(name) else None
        if image is None:
            return PlainTextResponse("This page image is no longer kept: type in the sheet to preview it again.",
                                     404)
        return Response(image, media_type="image/png", headers={"Cache-Control": FOREVER})

