"""The workspace's web application: gallery, editor with live preview, save, publish, figures, changes.

Pages are rendered on the server (Jinja2, autoescaped); htmx, shipped in the package, swaps in the
preview and the results of a save. Every change is a POST carrying the session's CSRF token; URLs
name sheets by id, never by path; only records and shared data are ever written.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..base import confine, limits
from ..base.errors import ConfigError, PipelineError
from ..base.output import write_atomic
from ..base.paths import display
from ..builder.recipe import Options
from ..figures.values import number
from ..layouts.loader import load_layouts
from . import (
    buildwords,
    edits,
    fields,
    figurechoices,
    figurerefs,
    nodes,
    seals,
    sheets,
    starting,
    tableforms,
    tables,
    units,
    words,
    workers,
)
from .clearing import publish_refusal
from .draftpages import DraftPages
from .gallerypages import GalleryPages
from .identity import Identity, RequireIdentity, write_recorded
from .previews import PreviewPages
from .shared import SharedPages
from .shared import keep as _keep
from .versions import VersionPages

HERE = Path(__file__).parent
SESSION_COOKIE = "factsheets_session"
MAX_BODY = 3 * limits.MAX_FILE_BYTES + 4096  # a record's bytes, percent-encoded (at most 3 each), and a token
FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass
class Project:
    """Where the workspace finds records, shared data, layouts and the built sheets."""

    sources: list[Path]
    options: Options
    identity: Identity = Identity()  # who is asking: the proxy's header, or the one local user


class TooLarge(Exception):
    """A request body over the record limit."""


LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def create_app(project: Project, workers_count: int = 2, hosts: tuple[str, ...] = ()) -> Starlette:
    """Return the workspace application for a project, answering only requests for `hosts` and this machine.

    Checking the Host header stops DNS rebinding: a web page that points its own name at
    127.0.0.1 would otherwise read the workspace (and its CSRF token) as its own origin.
    """
    state = _State(project, workers.Pool(project.options, workers_count))
    routes = [
        Route("/", state.gallery),
        Route("/cards", state.cards),
        Route("/thumb/{sheet_id}.png", state.thumbnail),
        Route("/download/{sheet_id}.{fmt}", state.download),
        Route("/sheet/{sheet_id}", state.editor),
        Route("/sheet/{sheet_id}/preview", state.preview, methods=["POST"]),
        Route("/preview/{name}.png", state.preview_page),
        Route("/sheet/{sheet_id}/save", state.save, methods=["POST"]),
        Route("/sheet/{sheet_id}/draft", state.draft_kept),
        Route("/sheet/{sheet_id}/draft", state.draft_keep, methods=["POST"]),
        Route("/sheet/{sheet_id}/form", state.form, methods=["POST"]),
        Route("/sheet/{sheet_id}/field", state.field, methods=["POST"]),
        Route("/sheet/{sheet_id}/seal", functools.partial(seals.upload, state), methods=["POST"]),
        Route("/sheet/{sheet_id}/publish", state.publish, methods=["POST"]),
        Route("/sheet/{sheet_id}/unpublish", state.unpublish, methods=["POST"]),
        Route("/sheet/{sheet_id}/history", state.history),
        Route("/sheet/{sheet_id}/compare", state.compare),
        Route("/sheet/{sheet_id}/version/{version}.{fmt}", state.old_sheet),
        Route("/sheet/{sheet_id}/restore", state.restore, methods=["POST"]),
        Route("/sheet/{sheet_id}/clearance", state.clearance, methods=["POST"]),
        Route("/sheet/{sheet_id}/merge", state.merge, methods=["POST"]),
        Route("/sheet/{sheet_id}/merge/save", state.merge_save, methods=["POST"]),
        Route("/sheet/{sheet_id}/word", state.word_form),
        Route("/sheet/{sheet_id}/word", state.word_upload, methods=["POST"]),
        Route("/new", state.new_form),
        Route("/new", state.new_sheet, methods=["POST"]),
        Route("/figures", state.figures),
        Route("/figures/{figure}/preview", state.figure_preview, methods=["POST"]),
        Route("/figures/{figure}/save", state.figure_save, methods=["POST"]),
        Route("/figures/rebuild/{key}", state.figure_rebuild),
        Route("/figures/held/{key}/approve", state.held_approve, methods=["POST"]),
        Route("/figures/held/{key}/reject", state.held_reject, methods=["POST"]),
        Route("/changes", state.changes),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        state.pool.close()  # the workers end with the server

    allowed = [*LOCAL_NAMES, *hosts]
    return Starlette(routes=routes, lifespan=lifespan,
                     middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed),
                                 Middleware(RequireIdentity, identity=project.identity)])


class _State(GalleryPages, SharedPages, VersionPages, DraftPages, PreviewPages):
    """The application's handlers and what they share."""

    def __init__(self, project: Project, pool: workers.Pool):
        self.project, self.pool = project, pool
        self.secret = secrets.token_bytes(32)  # CSRF tokens die with the server: a restart asks for a reload
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
        self.env.filters["number"] = number  # 48,000,000: figures as the sheets print them
        self.env.filters["plain"] = words.sentence  # a message in a Word user's words
        self.env.filters["layout_name"] = words.layout_name
        self.env.globals["prose_units"] = units.split  # a prose field as its text editor shows it
        self.env.globals["line_units"] = units.line  # a one-line value holding a figure, likewise
        self.env.filters["figure_change"] = lambda line: buildwords.detail(line, self._figure_labels())
        self.env.filters["build_reasons"] = lambda said: buildwords.reasons("; ".join(said), self._figure_labels()).removeprefix("rebuilt: ")
        self._labels: tuple = ((), None)  # the shared data, by its files' versions
        self._stale: tuple = (None, {})  # the stale figures per sheet, by the versions they are read from
        self.thumbs: dict[str, bytes] = {}  # by the built PDF's hash
        self.hashes: dict[tuple, str] = {}  # each version (path, mtime, size) of a built PDF: its hash
        self.start_previews(pool.workers)
        self.saving = asyncio.Lock()  # one save at a time in this server: check-then-write is atomic

    @property
    def opts(self) -> Options:
        return self.project.options

    # --- sessions and CSRF --------------------------------------------------------------------

    def _page(self, request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
        """Render a page with the session's CSRF token; start a session when there is none."""
        session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(24)
        body = self.env.get_template(template).render(csrf=self._token(session), request=request, **values)
        response = HTMLResponse(body, status_code)
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    def _fragment(self, template: str, status_code: int = 200, **values) -> HTMLResponse:
        """Render a piece of a page that htmx swaps in."""
        return HTMLResponse(self.env.get_template(template).render(**values), status_code)

    def _token(self, session: str) -> str:
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()

    async def _form(self, request: Request) -> dict[str, str]:
        """Return a POST's fields, refusing bodies over the record limit and a missing or wrong token."""
        declared = request.headers.get("content-length")
        if declared and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise TooLarge()
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise TooLarge()
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        session = request.cookies.get(SESSION_COOKIE, "")
        sent = request.headers.get("x-csrf-token") or fields.get("csrf", "")
        if not session or not hmac.compare_digest(sent, self._token(session)):
            raise PermissionError()
        return fields

    async def _posted(self, request: Request):
        """Return the form, or the response refusing it."""
        try:
            return await self._form(request), None
        except TooLarge:
            return None, PlainTextResponse(f"This request is larger than a record may be "
                                           f"({limits.MAX_FILE_BYTES:,} bytes).", 413)
        except PermissionError:
            return None, PlainTextResponse("The workspace was restarted since this page was opened, so this "
                                           "was not done. Your changes are kept on this page: do it again "
                                           "(press Save again to save).", 403)

    # --- plain words ---------------------------------------------------------------------------

    def _plain(self, problems: list[dict], text: str = "") -> list[dict]:
        """Return problems with their place as the form names it and their message and hint in a Word
        user's words ('place', 'said', 'advice'); the precise line and field stay for the Advanced view."""
        if not problems:  # the usual preview: no sheets' titles to look up (a stat of every record)
            return []
        titles = {key: s.title for s in self._sheets() for key in (s.path, s.id)}
        labels = self._figure_labels()
        return [{**p, "place": words.place(p.get("field"), text) if p.get("here") else "",
                 "said": words.sentence(p["message"], text, titles, labels, bool(p.get("here") and p.get("field"))),
                 "advice": words.sentence(p.get("hint") or "", text, titles, labels)} for p in problems]

    def _figure_labels(self) -> dict[str, str]:
        """Return each shared figure's label by its name."""
        dataset = self._dataset()
        return {f"data.{f.name}.{k}": fig.label for f in dataset.files.values()
                for k, fig in f.figures.items() if fig.label} if dataset else {}

    def _dataset(self):
        """Return the shared data (None when it does not load), read again when its files change."""
        from ..figures import shared as data

        folder = self.opts.data
        # A dangling link among them has no version, and data.load reports it; never a crash here.
        key = tuple((p.name, _version(p)) for p in sorted(folder.glob("*.yaml"))) if folder.is_dir() else ()
        if key != self._labels[0]:
            try:
                self._labels = (key, data.load(folder, display(folder)))
            except PipelineError:
                self._labels = (key, None)
        return self._labels[1]

    # --- gallery ------------------------------------------------------------------------------

    async def _posted_sheet(self, request: Request):
        """Return (form, sheet, None) for a checked POST about a known sheet, else (…, refusal)."""
        form, refused = await self._posted(request)
        if refused:
            return form, None, refused
        sheet = self._sheet(request)
        if sheet is None:
            return form, None, PlainTextResponse("no such sheet", 404)
        return form, sheet, None

    def _sheets(self) -> list[sheets.Sheet]:
        return sheets.find(self.project.sources, self.opts.out)

    def _stale_figures(self) -> dict[str, list[dict]]:
        """Return, per sheet id, the stale shared figures its last build printed (label and as-of)."""
        from ..authoring import catalog
        from ..figures import staleness

        dataset = self._dataset()
        if dataset is None:
            return {}
        since = staleness.cutoff(self.opts.today or dt.date.today(), self.opts.stale_months)
        # Read again only when the manifest or the shared data changed: reading the manifest of
        # 1,000 sheets for every gallery page and search took most of the answer.
        key = (self._labels[0], since, _version(self.opts.out / "manifest.json"))
        if key != self._stale[0]:
            by_sheet: dict[str, list[dict]] = {}
            for entry in catalog.entries(dataset, self.opts.out, since):
                if entry["stale"]:
                    for sheet_id in entry["sheets"]:
                        by_sheet.setdefault(sheet_id, []).append(entry)
            self._stale = (key, by_sheet)
        return self._stale[1]

    async def thumbnail(self, request: Request) -> Response:
        pdf_file = self._built(request, "pdf")
        try:
            info = pdf_file.stat() if pdf_file else None
        except OSError:
            info = None
        if info is None:
            return PlainTextResponse("no built sheet", 404)
        version = (str(pdf_file), info.st_mtime_ns, info.st_size)
        if version not in self.hashes:  # hash each version of the PDF once
            _keep(self.hashes, version, hashlib.sha256(pdf_file.read_bytes()).hexdigest())
        key = self.hashes[version]
        headers = {"Cache-Control": "private, no-cache", "ETag": f'"{key}"'}
        if request.headers.get("if-none-match") == f'"{key}"':
            return Response(status_code=304, headers=headers)
        if key not in self.thumbs:
            _keep(self.thumbs, key, await run_in_threadpool(self.pool.call, workers.thumbnail_in_worker,
                                                            pdf_file.read_bytes()))
        return Response(self.thumbs[key], media_type="image/png", headers=headers)

    async def download(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        target = self._built(request, fmt)
        if target is None or not target.is_file():
            return PlainTextResponse("This sheet has not been built in that format yet.", 404)
        return Response(target.read_bytes(), media_type=FORMATS[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{target.name}"'})

    def _built(self, request: Request, fmt: str) -> Path | None:
        """Return the built file of the id in the URL, or None; an id is never a path (ID_RE)."""
        sheet_id = request.path_params["sheet_id"]
        return self.opts.out / f"{sheet_id}.{fmt}" if sheets.valid_id(sheet_id) and fmt in FORMATS else None

    def _sheet(self, request: Request) -> sheets.Sheet | None:
        return sheets.by_id(self.project.sources, self.opts.out, request.path_params["sheet_id"])

    # --- editor -------------------------------------------------------------------------------

    async def editor(self, request: Request) -> Response:
        sheet = self._sheet(request)
        if sheet is None:
            return self._page(request, "missing.html", 404, what=request.path_params["sheet_id"])
        try:  # a link is never followed, a pipe never opened: the file's own card says why
            raw = confine.read_bytes(sheet.file, sheet.file.parent, limits.MAX_FILE_BYTES)
        except OSError as exc:
            return PlainTextResponse(f"This sheet cannot be opened: {_reason(exc)}", 403)
        return self._page(request, "editor.html", sheet=sheet, text=raw.decode("utf-8", "replace"),
                          loaded=sheets.text_hash(raw), fields=self._fields(sheet.layout),
                          built=(self.opts.out / f"{sheet.id}.pdf").is_file())

    def _fields(self, layout: str) -> list[dict]:
        """Return the layout's fields, required ones marked; empty when the layouts do not load."""
        try:
            found = load_layouts(self.opts.templates).get(layout)
        except PipelineError:
            return []
        if found is None:
            return []
        return [{"name": name, "required": name in found.requires} for name in found.prints]

    async def preview(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        mine = (request.cookies.get(SESSION_COOKIE, ""), sheet.id)  # each person's own previews
        return await self.show_preview(sheet, _typed(form.get("text", "")), mine)

    async def form(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        layout = self._layout(sheet.layout)
        try:
            shown = fields.form(_typed(form.get("text", "")), layout.prints if layout else (),
                                layout.requires if layout else ())
        except ValueError as exc:
            return self._fragment("form.html", problem=str(exc), sheet_id=sheet.id)
        return self._fragment("form.html", problem=None, top=shown.top, sections=shown.sections, lists=shown.lists,
                              figures=shown.figures, sheet_id=sheet.id,
                              series_choices=tableforms.series_choices(_root(form.get("text", "")), self._dataset()),
                              printed=figurerefs.printed(_typed(form.get("text", "")), self._dataset()),
                              catalogue=figurechoices.catalogue(_typed(form.get("text", "")), self._dataset()))

    async def field(self, request: Request) -> Response:
        """Write one form field, or one list entry's addition, removal or move, into the YAML text; answer
        with the new text box (which previews). After a list edit the form is drawn again, with the
        focus on what was added or moved."""
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        text = before = _typed(form.get("text", ""))
        edited = [(k.split(":", 1)[1], v) for k, v in form.items() if k.startswith("field:")]
        try:
            for name, value in edited[:1]:
                text = edits.set_field(text, name, _typed(value))
            changed = _list_edit(text, form) or tables.edit(text, form)
            if changed is not None and not changed[1]:  # a point's year or value typed: the form stays
                text, changed = changed[0], None
        except ValueError as exc:
            response = self._fragment("textarea.html", sheet_id=sheet.id, text=text)
            response.headers["HX-Trigger"] = json.dumps({"fieldRefused": words.sentence(str(exc), text)})
            return response
        if changed is None and text == before:  # a field left as it was (its change event on leaving it):
            return Response(status_code=204)   # nothing to swap, so an Undo made meanwhile stays
        if changed is None:
            return self._fragment("textarea.html", sheet_id=sheet.id, text=text)
        response = self._fragment("textarea.html", sheet_id=sheet.id, text=changed[0])
        response.headers["HX-Trigger-After-Swap"] = json.dumps({"formChanged": {"focus": changed[1]}})
        return response

    def _layout(self, name: str):
        try:
            return load_layouts(self.opts.templates).get(name)
        except PipelineError:
            return None

    async def save(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        return await self._write(sheet, _typed(form.get("text", "")), form.get("loaded", ""), who=self.who(request))

    def who(self, request: Request):
        """Return who sent a request (the middleware has refused anyone it cannot name)."""
        return self.project.identity.who(request.scope)

    async def _write(self, sheet: sheets.Sheet, text: str, loaded: str, action: str = "Saved",
                     who=None) -> Response:
        """Write a record's text unless someone saved it since it was loaded, then build."""
        encoded = text.encode("utf-8")
        if len(encoded) > limits.MAX_FILE_BYTES:
            return self._fragment("saved.html", 413, conflict=None, saved=None, loaded=loaded,
                                  refused=f"The record is larger than {limits.MAX_FILE_BYTES:,} bytes.")
        async with self.saving:
            try:
                current = confine.read_bytes(sheet.file, sheet.file.parent, limits.MAX_FILE_BYTES)
            except OSError as exc:
                return self._fragment("saved.html", 403, conflict=None, saved=None, loaded=loaded,
                                      refused=f"Not saved: {_reason(exc)}")
            if sheets.text_hash(current) != loaded:
                theirs = current.decode("utf-8", "replace")
                diff = "".join(difflib.unified_diff(theirs.splitlines(True), text.splitlines(True),
                                                    "saved by someone else", "your text"))
                return self._fragment("saved.html", 409, conflict=diff, saved=None, loaded=loaded, refused=None,
                                      sheet_id=sheet.id)
            kind = {"Published": "publish", "Back to draft": "draft", "Saved from the Word file": "import"}.get(action, "save")
            await run_in_threadpool(write_recorded, [sheet.file], who, kind, lambda: write_atomic(sheet.file, encoded))
            result = await self._build(sheet.path, text)
        result.problems = self._plain(result.problems, text)
        return self._fragment("saved.html", conflict=None, saved=result, action=action,
                              loaded=sheets.text_hash(encoded), refused=None, sheet=sheet,
                              titles={s.id: s.title for s in self._sheets()})

    async def _build(self, path: str, text: str) -> workers.Saved:
        """Run the normal incremental build of every record in a worker."""
        files = [s.file for s in self._sheets()]
        try:
            return await run_in_threadpool(self.pool.call, workers.build_in_worker, files, self.opts, path, text)
        except Exception as exc:
            return workers.Saved(problems=[workers.unusable(f"the build could not run: {exc}",
                                                            "save again; if it persists, tell the admin")],
                                 ok=False)

    async def publish(self, request: Request) -> Response:
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        text = _typed(form.get("text", ""))
        held = await run_in_threadpool(publish_refusal, sheet.file, text)
        if held:
            return self._fragment("saved.html", 409, conflict=None, saved=None, loaded=form.get("loaded", ""),
                                  refused=held)
        final = sheets.published(text)
        if final is None:
            return self._fragment("saved.html", 400, conflict=None, saved=None, loaded=form.get("loaded", ""),
                                  refused="This sheet is not a draft: it has no 'status: draft' line.")
        response = await self._write(sheet, final, form.get("loaded", ""), action="Published", who=self.who(request))
        if response.status_code == 200:
            response.headers["HX-Refresh"] = "true"  # the editor reloads with the final text
        return response

    async def unpublish(self, request: Request) -> Response:
        """Make a final sheet a draft again (the text in the box, with any edits not yet saved) and build."""
        form, sheet, refused = await self._posted_sheet(request)
        if refused:
            return refused
        draft = sheets.unpublished(_typed(form.get("text", "")))
        if draft is None:
            return self._fragment("saved.html", 400, conflict=None, saved=None, loaded=form.get("loaded", ""),
                                  refused="This sheet is a draft already, or its status is written in a way "
                                          "the workspace cannot change: change it in the Advanced view.")
        response = await self._write(sheet, draft, form.get("loaded", ""), action="Back to draft",
                                     who=self.who(request))
        if response.status_code == 200:
            response.headers["HX-Refresh"] = "true"  # the editor reloads as a draft
        return response

    # --- Word file back in (factsheets import docx) -------------------------------------------

    async def word_form(self, request: Request) -> Response:
        sheet = self._sheet(request)
        if sheet is None:
            return self._page(request, "missing.html", 404, what=request.path_params["sheet_id"])
        return self._page(request, "word.html", sheet=sheet)

    async def word_upload(self, request: Request) -> Response:
        """Show an uploaded Word file's edits as record changes; with ?write=1 save them and build."""
        from . import wordupload

        session = request.cookies.get(SESSION_COOKIE, "")
        if not session or not hmac.compare_digest(request.headers.get("x-csrf-token", ""), self._token(session)):
            return PlainTextResponse("This page has expired (its security token does not match). "
                                     "Reload the page and try again.", 403)
        sheet = self._sheet(request)
        if sheet is None:
            return PlainTextResponse("no such sheet", 404)
        try:
            data = await wordupload.body(request)
        except wordupload.TooLarge:
            return self._fragment("word_plan.html", 413, refused="This file is larger than a sheet's Word "
                                                                 "file can be; nothing was read.")
        loaded = sheets.text_hash(sheet.file.read_bytes())
        plan, problems = await run_in_threadpool(wordupload.plan, data, sheet.file, self.opts)
        if plan is None:
            return self._fragment("word_plan.html", 400, problems=problems)
        saved = ""
        if request.query_params.get("write") == "1" and plan.text is not None:
            saved = (await self._write(sheet, plan.text, loaded, action="Saved from the Word file",
                                      who=self.who(request))).body.decode()
        return self._fragment("word_plan.html", plan=wordupload.shown(plan), saved_html=saved)

    # --- new sheet ----------------------------------------------------------------------------

    async def new_form(self, request: Request, problem: str | None = None, status_code: int = 200,
                       typed: dict | None = None) -> Response:
        try:
            layouts = load_layouts(self.opts.templates)
        except PipelineError as exc:
            return self._page(request, "new.html", 500, layouts={}, problem=words.sentence(str(exc.diagnostics[0])),
                              taken=[], typed={})
        return self._page(request, "new.html", status_code, layouts=layouts, problem=problem,
                          taken=sorted(s.id for s in self._sheets()), typed=typed or {})

    async def new_sheet(self, request: Request) -> Response:
        form, refused = await self._posted(request)
        if refused:
            return refused

        title = form.get("title", "").strip()
        name = form.get("name", "").strip().lower() or starting.file_name(title)
        if not title:
            return await self.new_form(request, "Type the sheet’s title.", 400, form)
        if not sheets.valid_id(name):
            return await self.new_form(request, "The file name may hold only lowercase letters, digits and "
                                                "dashes, for example cambodia-inl.", 400, form)
        folder = self.project.sources[0] if self.project.sources[0].is_dir() else self.project.sources[0].parent
        target = folder / f"{name}.yaml"
        if any(s.id == name for s in self._sheets()):
            return await self.new_form(request, f"A sheet with the file name “{name}” exists already: "
                                                "choose another file name.", 400, form)
        try:
            write_recorded([target], self.who(request), "new",
                           lambda: _new_draft(self.opts.templates, form.get("layout", ""), target, title))
        except ConfigError as exc:
            d = exc.diagnostics[0]
            return await self.new_form(request, words.sentence(d.message + (f" — what to do: {d.hint}" if d.hint else
                                                                            "")), 400, form)
        return RedirectResponse(f"/sheet/{name}", 303)

    # --- figures and changes --------------------------------------------------------------------


def _new_draft(templates: Path, layout: str, target: Path, title: str) -> None:
    """Write a new sheet from its layout's example: a draft holding its title from the start (one version)."""
    from ..authoring.starter import new_record  # only when a sheet is made
    new_record(templates, layout, target, Path.cwd())
    try:
        write_atomic(target, starting.drafted(target.read_text(encoding="utf-8"), title).encode("utf-8"))
    except ValueError:
        pass  # a layout whose example the form cannot edit: the title is typed in the sheet itself


def _list_edit(text: str, form: dict[str, str]) -> tuple[str, str] | None:
    """Return the text after the list edit a form button asked for, and the id of the element to focus
    after (the new entry's first input, the moved entry's button); None when none was asked for."""
    if "add" in form:
        text, entry = edits.add_entry(text, form["add"])
        return text, "f-" + entry + fields.first_input(entry)
    if "remove" in form:
        return edits.remove_entry(text, form["remove"]), "add-" + form["remove"][:form["remove"].rfind("[")]
    for op, step in (("up", -1), ("down", 1)):
        if op in form:
            text, entry = edits.move_entry(text, form[op], step)
            return text, f"{op}-{entry}"
    return None


def _root(text: str):
    """Return a record's top mapping, or None when it does not read (the form says why)."""
    try:
        return nodes.root_of(_typed(text))
    except ValueError:
        return None


def _version(path: Path) -> tuple[int, int, int] | None:
    """Return what a file's stat says of its version (size, times), or None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _reason(exc: OSError) -> str:
    """Return why a project file was refused or unreadable, in words for the page."""
    if isinstance(exc, confine.NotARealFile):
        return f"{exc.reason}; {exc.hint}."
    return f"it cannot be read ({exc.strerror or exc})."


def _typed(text: str) -> str:
    """Return a textarea's text with the line ends browsers send (CRLF) made the record's (LF)."""
    return text.replace("\r\n", "\n")
