"""The gallery's routes: the whole page, and its card list alone (what the search box fetches when
JavaScript is on, static/search.js). A mixin of app._State; both answer a query with the same cards."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import gallery


class GalleryPages:
    """Answer a gallery query: as a page (`/`) or as the card list, count and pages only (`/cards`)."""

    async def gallery(self, request: Request) -> Response:
        return self._page(request, "gallery.html", **self._gallery_view(request.query_params))

    async def cards(self, request: Request) -> Response:
        """Return the card list, count and pager of the gallery for this query: the answer without the page."""
        # The search box's answer (issue 27: ≤ 200 ms from Enter to the list painted at 1,000 sheets):
        # no header, form or session, and the page's stylesheet and scripts stay as they are.
        body = self.env.get_template("gallery_results.html").render(**self._gallery_view(request.query_params))
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})  # Back refetches, never a stale list

    def _gallery_view(self, asked) -> dict:
        """Return what the gallery shows for the query's search, layout, status, sort and page."""
        found = self._sheets()
        layout, state, query = asked.get("layout", ""), asked.get("status", ""), asked.get("q", "").strip()
        order = asked.get("sort", "title") if asked.get("sort") in gallery.ORDERS else "title"
        matches = gallery.matching(query)
        shown = [s for s in found if (not layout or s.layout == layout)
                 and (not state or state == ("draft" if s.draft else "final")
                      or state == s.state.replace(" ", "-"))
                 and matches(s)]
        shown = gallery.ordered(shown, order)
        number, pages = gallery.page_of(asked.get("page", "1"), len(shown))
        window = shown[(number - 1) * gallery.PER_PAGE:number * gallery.PER_PAGE]
        built = {s.id for s in window if (self.opts.out / f"{s.id}.pdf").is_file()}
        return dict(sheets=window, total=len(found), matched=len(shown), built=built,
                    counted=gallery.counted(len(shown), len(found), number, pages),
                    layouts=sorted({s.layout for s in found}), layout=layout, status=state,
                    q=query, sort=order, orders=gallery.ORDERS, page=number, pages=pages,
                    stale=self._stale_figures(), months=self.opts.stale_months,
                    link=lambda n: gallery.link(asked, n))
