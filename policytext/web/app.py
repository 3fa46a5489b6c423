"""The Starlette application behind ``policytext serve``.

- Read-only by default: the store is opened with ``mode=ro`` and every edit endpoint
  answers 403. ``edit=True`` opens it for writing; corrections are saved as
  ``annotations`` rows with the annotator's name and time.
- Pages are rendered on the server with Jinja2 (autoescape on: document text is always
  shown as text); ``static/`` holds the stylesheet and the dependency-free JS/SVG charts.
- Local by default: requests must name a loopback host (defeats DNS rebinding), and edit
  forms carry a per-process token (a page on another site cannot post corrections).
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import ipaddress
import json
import os
import secrets
import socket
import stat
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from policytext.errors import StoreError, UsageError
from policytext.store import reads
from policytext.store.db import Store
from policytext.store.filters import STATUSES
from policytext.web import queries as q
from policytext.web.annotations import training_rows

HERE = Path(__file__).resolve().parent
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_annotator() -> str:
    """The OS user name (the default ``--annotator``)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # pragma: no cover - no user name in the environment
        return "unknown"


class HostCheck:
    """ASGI middleware: answer 400 unless the ``Host`` header names an allowed host (port ignored)."""

    def __init__(self, app: Any, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "*" not in self.hosts:
            raw = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
            name = raw if raw.endswith("]") else raw.rsplit(":", 1)[0]
            if name not in self.hosts:
                response = PlainTextResponse(
                    "policytext serve: unexpected Host header; open the address printed at start-up",
                    status_code=400,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


#: The Content-Security-Policy of every response: scripts, styles, fetches and forms of this
#: origin only, no inline script, no plugin, no framing. Pages never inline code (the chart data
#: is a JSON block read by /static/charts.js), so nothing legitimate is blocked.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The policy of a served original: a sandbox without scripts, whatever the file holds.
CSP_ORIGINAL = "default-src 'none'; sandbox; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" would make form posts send Origin: null
    "x-frame-options": "DENY",
}
#: Originals of these formats are shown as text/plain when they are UTF-8; every other one
#: (and text in another encoding) is a download: a browser never runs an ingested file.
TEXT_FORMATS = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
#: The largest id or index taken from a URL (SQLite integers are 64-bit).
MAX_ID = (1 << 63) - 1
#: Originals larger than this are not served (the stored text is on the document page).
MAX_ORIGINAL_BYTES = 512 << 20


class SecurityHeaders:
    """ASGI middleware: the Content-Security-Policy and no-sniff headers on every response.

    A response that sets its own ``Content-Security-Policy`` (a served original) keeps it.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                for k, v in SECURITY_HEADERS.items():
                    if k.encode() not in names:
                        headers.append((k.encode(), v.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def read_original(path: str, doc_id: str) -> tuple[bytes | None, str]:
    """The bytes of an ingested file, if what is at ``path`` now is still that file.

    The file is opened without following a symlink, must be a regular file, and its
    sha256 must equal ``doc_id`` (the hash recorded at ingest); the bytes checked are
    the bytes returned (no second read). Returns ``(bytes, "")`` or ``(None, why)``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, f"{path} is now a symbolic link, not the file that was ingested"
        if exc.errno == errno.ENOENT:
            return None, f"the original file is no longer at {path}"
        return None, f"{path} cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None, f"{path} is no longer a regular file"
        if st.st_size > MAX_ORIGINAL_BYTES:
            return None, f"{path} is larger than {MAX_ORIGINAL_BYTES >> 20} MB and is not served"
        data = fh.read(MAX_ORIGINAL_BYTES + 1)
    if hashlib.sha256(data).hexdigest() != doc_id:
        return None, f"{path} has changed since it was ingested (its content no longer matches)"
    return data, ""


def original_response(data: bytes, path: str) -> Response:
    """An original as inert content: UTF-8 text as ``text/plain``, anything else as a download."""
    name = Path(path).name
    headers = {"Content-Security-Policy": CSP_ORIGINAL}
    if Path(name).suffix.lower() in TEXT_FORMATS:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            headers["Content-Disposition"] = content_disposition("inline", name)
            return Response(data, media_type="text/plain; charset=utf-8", headers=headers)
    headers["Content-Disposition"] = content_disposition("attachment", name)
    return Response(data, media_type="application/octet-stream", headers=headers)


def content_disposition(kind: str, name: str) -> str:
    """A ``Content-Disposition`` value whose file name survives any character (RFC 6266)."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name) or "original"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


class WebState:
    """What every request shares: the store (one connection, used under a lock), the taxonomy, the mode."""

    def __init__(
        self, db: str | os.PathLike[str], *, edit: bool, annotator: str, taxonomy: str | None
    ) -> None:
        from policytext.lexicons.taxonomy import Taxonomy

        self.store = Store(db, readonly=not edit)
        self.lock = threading.Lock()
        self.edit = edit
        self.annotator = annotator
        self.token = secrets.token_urlsafe(24)
        tx = Taxonomy.load(taxonomy)
        self.type_ids = list(tx.ids)
        self.type_labels = {t.id: t.zh for t in tx.types}
        stored = reads.mention_types(self.store)
        for t in stored:
            if t not in self.type_labels:
                self.type_ids.append(t)
                self.type_labels[t] = t
        self.colours = q.type_colours(self.type_ids)
        self.agg_names = q.agglomeration_names(self.store)

    def read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return fn(self.store, *args, **kwargs)


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # every template, whatever its name: document text is shown as text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["qs"] = lambda d: urlencode(d)
    return env


def create_app(
    db: str | os.PathLike[str],
    *,
    edit: bool = False,
    annotator: str | None = None,
    taxonomy: str | None = None,
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES,
) -> Starlette:
    """Build the web application over one store.

    Args:
        db: the store (opened read-only unless ``edit``).
        edit: allow corrections (the store is opened for writing).
        annotator: name recorded with each correction (default: the OS user).
        taxonomy: a taxonomy TOML file for the type names (default: the shipped one).
        allowed_hosts: host names accepted in the ``Host`` header (``("*",)`` accepts any).
    """
    state = WebState(db, edit=edit, annotator=annotator or default_annotator(), taxonomy=taxonomy)
    env = _env()

    def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        base = {
            "request_path": request.url.path,
            "edit": state.edit,
            "annotator": state.annotator,
            "token": state.token,
            "db_path": str(state.store.path),
            "type_ids": state.type_ids,
            "type_labels": state.type_labels,
            "colours": state.colours,
            "agg_names": state.agg_names,
            "statuses": STATUSES,
        }
        return HTMLResponse(env.get_template(name).render(**base, **ctx), status_code=status_code)

    def error(request: Request, status: int, message: str) -> HTMLResponse:
        return render(request, "error.html", status_code=status, status=status, message=message)

    def index(request: Request) -> Response:
        f = q.Form.from_params(request.query_params)

        def gather(s: Store) -> dict[str, Any]:
            sf = f.resolve(s)
            facets = q.facets(s, sf)
            return {
                "facets": facets,
                "fields": q.form_fields(f, facets),
                "totals": q.totals(s, sf),
                "results": q.results(s, sf),
                "charts": {"timeline": q.timeline(s, sf), "heatmap": q.heatmap(s, sf)},
            }

        try:
            data = state.read(gather)
        except UsageError as exc:
            return error(request, 400, str(exc))
        data["charts"].update(
            colours=state.colours,
            labels=state.type_labels,
            agg_names=state.agg_names,
            filters=f.chart_filters(),
        )
        partial = request.query_params.get("partial") == "1"
        return render(request, "_live.html" if partial else "index.html", f=f, page_size=q.PAGE_SIZE, **data)

    def search(request: Request) -> Response:
        query = (request.query_params.get("q") or "").strip()[:200]
        f = q.Form.from_params(request.query_params)

        def gather(s: Store) -> dict[str, Any]:
            sf = f.resolve(s, limit=q.SEARCH_PAGE)
            facets = q.facets(s, sf)
            hits, total = q.search(s, query, sf) if query else ([], 0)
            return {"hits": hits, "total": total, "fields": q.form_fields(f, facets)}

        try:
            data = state.read(gather)
        except UsageError as exc:
            return error(request, 400, str(exc))
        return render(request, "search.html", query=query, f=f, page_size=q.SEARCH_PAGE, **data)

    def document(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        view = state.read(q.document_view, doc_id)
        if view is None:
            return error(request, 404, f"no document {doc_id} in this store")
        target = request.query_params.get("s", "")
        return render(request, "document.html", target=int(target) if target.isdigit() else None, **view)

    def original(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        paths = state.read(reads.document_paths, doc_id)
        if not paths:
            return error(request, 404, f"no document {doc_id} in this store")
        reasons = []
        for p in paths:  # only paths recorded at ingest, and only the bytes that were ingested
            data, why = read_original(p, doc_id)
            if data is not None:
                return original_response(data, p)
            reasons.append(why)
        gone = all(r.startswith("the original file is no longer") for r in reasons)
        return error(
            request,
            404 if gone else 409,
            "; ".join(reasons)
            + ". The original is not served; the stored text is shown on the document page",
        )

    def annotations_page(request: Request) -> Response:
        rows = state.read(lambda s: s.annotations())
        return render(request, "annotations.html", rows=rows[::-1])

    def annotations_jsonl(request: Request) -> Response:
        rows = state.read(training_rows)
        body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
        return PlainTextResponse(
            body,
            media_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="annotations.jsonl"'},
        )

    async def form_of(request: Request) -> dict[str, str] | None:
        """The posted fields (form or JSON object); None when the body is not one."""
        body = (await request.body()).decode("utf-8", errors="replace")
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                data = json.loads(body or "{}")
            except ValueError:
                return None
            if not isinstance(data, dict):
                return None
            return {str(k): str(v) for k, v in data.items() if v is not None}
        return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}

    async def guard(request: Request) -> tuple[dict[str, str] | None, Response | None]:
        if not state.edit:
            return None, error(
                request,
                403,
                "this store is served read-only; restart with `policytext serve --edit` to correct labels",
            )
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
            return None, error(request, 403, "cross-site request refused")
        form = await form_of(request)
        if form is None:
            return None, error(request, 400, "the request body is not a form or a JSON object")
        if not secrets.compare_digest(form.get("csrf", "").encode("utf-8", "replace"), state.token.encode()):
            return None, error(request, 403, "stale or missing form token; reload the page and try again")
        return form, None

    def done(request: Request, form: dict[str, str], payload: dict[str, Any]) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(payload)
        nxt = form.get("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        return RedirectResponse(nxt, status_code=303)

    def check_values(form: dict[str, str]) -> str | None:
        t, st = form.get("type", ""), form.get("status", "")
        if t and t not in state.type_ids:
            return f"unknown mechanism type {t!r}"
        if st and st not in STATUSES:
            return f"unknown status {st!r}; choose {', '.join(STATUSES)}"
        return None

    async def correct(request: Request) -> Response:
        form, refused = await guard(request)
        if refused is not None or form is None:
            return refused or error(request, 403, "refused")
        action = form.get("action", "set")
        if action not in {"set", "delete"}:
            return error(request, 400, f"unknown action {action!r}; choose set or delete")
        if problem := check_values(form):
            return error(request, 400, problem)
        mention_id = request.path_params["mention_id"]
        if mention_id > MAX_ID:
            return error(request, 404, f"no mention {mention_id} in this store")

        def write() -> int:
            with state.lock:
                return state.store.correct_mention(
                    mention_id,
                    action=action,
                    annotator=state.annotator,
                    type=form.get("type") or None,
                    status=form.get("status") or None,
                    note=form.get("note") or None,
                )

        try:
            annotation_id = await run_in_threadpool(write)
        except StoreError as exc:
            return error(request, 409, exc.message)
        return done(
            request, form, {"annotation_id": annotation_id, "mention_id": mention_id, "action": action}
        )

    async def add(request: Request) -> Response:
        form, refused = await guard(request)
        if refused is not None or form is None:
            return refused or error(request, 403, "refused")
        if not form.get("type") or (problem := check_values(form)):
            return error(
                request, 400, "choose a mechanism type to add" if not form.get("type") else str(problem)
            )
        doc_id, idx = request.path_params["doc_id"], request.path_params["idx"]
        if idx > MAX_ID:
            return error(request, 404, f"no sentence {idx} in document {doc_id}")

        def write() -> int:
            with state.lock:
                return state.store.add_sentence_mechanism(
                    doc_id,
                    idx,
                    type=form["type"],
                    status=form.get("status") or None,
                    annotator=state.annotator,
                    note=form.get("note") or None,
                )

        try:
            annotation_id = await run_in_threadpool(write)
        except StoreError as exc:
            return error(request, 409, exc.message)
        return done(request, form, {"annotation_id": annotation_id, "action": "add"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        state.store.close()

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/search", search),
            Route("/doc/{doc_id:str}", document),
            Route("/doc/{doc_id:str}/original", original),
            Route("/doc/{doc_id:str}/sentences/{idx:int}/mechanisms", add, methods=["POST"]),
            Route("/mentions/{mention_id:int}", correct, methods=["POST"]),
            Route("/annotations", annotations_page),
            Route("/annotations.jsonl", annotations_jsonl),
            Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders), Middleware(HostCheck, hosts=allowed_hosts)],
        lifespan=lifespan,
    )
    app.state.web = state

    return app


def serve(
    db: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    edit: bool = False,
    annotator: str | None = None,
    open_browser: bool = False,
    allow_remote: bool = False,
    taxonomy: str | None = None,
    announce: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> None:
    """Serve the page until interrupted.

    Args:
        host: the interface; a non-loopback one is refused unless ``allow_remote``.
        port: the TCP port (0 picks a free one; the address is announced either way).
        open_browser: open the page in the default browser once listening.

    Raises:
        UsageError: a non-loopback host without ``allow_remote``, or the port is taken.
        StoreError: the store cannot be opened.
    """
    import uvicorn

    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host}: not a loopback address; pass --host explicitly to serve beyond this machine"
        )
    app = create_app(
        db,
        edit=edit,
        annotator=annotator,
        taxonomy=taxonomy,
        allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else ("*",),
    )
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port (0 picks a free one)"
        ) from exc
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{bound}/"
    state: WebState = app.state.web
    mode = f"editing as {state.annotator}" if edit else "read-only"
    announce(f"policytext: serving {state.store.path} at {url} ({mode}); press Ctrl-C to stop")
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    if open_browser:

        def opener() -> None:
            import time

            for _ in range(100):
                if server.started:
                    webbrowser.open(url)
                    return
                time.sleep(0.1)

        threading.Thread(target=opener, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        state.store.close()
