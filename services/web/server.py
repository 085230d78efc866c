"""Serves the built SPA (``dist/``) with an index.html fallback for client-side routes, and
``/config.json`` with the API URLs computed from the settings, so a port offset needs no
rebuild. Run by the local stack as the ``web`` component (``services.web.server:app``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from services.common.settings import Settings, get_settings

DIST = Path(__file__).resolve().parent / "dist"
LOGIN_ROLES = ("admin", "cajero", "analista")


def spa_config(settings: Settings) -> dict[str, object]:
    s = settings
    perfil = s.service_url(s.perfil360_port)
    analytics = s.service_url(s.analytics_port)
    hint = None
    if not s.production:
        users = s.login_users()
        shown = [
            f"{user} / {password}"
            for user, (password, role) in users.items()
            if role in LOGIN_ROLES
        ]
        hint = ", ".join(shown) or None
    return {
        "clientesUrl": s.service_url(s.clientes_port),
        "cuentasUrl": s.service_url(s.cuentas_port),
        "transaccionesUrl": s.service_url(s.transacciones_port),
        "perfilUrl": perfil,
        "authUrl": perfil,  # POST /auth/token is mounted on the perfil360 BFF
        "analyticsUrl": analytics,
        "dagsterUrl": s.service_url(s.dagster_port),
        "dbtDocsUrl": f"{analytics}/dbt-docs/",
        "devLoginHint": hint,
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(config: dict[str, object]) -> dict[str, str]:
    apis = sorted({_origin(str(v)) for k, v in config.items() if k.endswith("Url") and v})
    csp = "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {' '.join(apis)}",
            "img-src 'self' data:",
            "style-src 'self' 'unsafe-inline'",  # the chart library sets inline styles
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


def create_app(dist: Path = DIST, settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    config = spa_config(settings)
    headers = security_headers(config)
    root = dist.resolve()

    def index() -> Response:
        if not (root / "index.html").is_file():
            return PlainTextResponse(
                "The SPA is not built: run 'make setup' (or python -m services.web.build).",
                status_code=503,
            )
        return FileResponse(root / "index.html", headers={**headers, "Cache-Control": "no-cache"})

    async def config_json(_: Request) -> Response:
        return JSONResponse(config, headers={"Cache-Control": "no-store"})

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "web"})

    async def ready(_: Request) -> Response:
        built = (root / "index.html").is_file()
        body = {"status": "ok" if built else "unavailable", "checks": {"dist": {"ok": built}}}
        return JSONResponse(body, status_code=200 if built else 503)

    async def static_or_index(request: Request) -> Response:
        relative = request.path_params["path"]
        candidate = (root / relative).resolve()
        if relative and candidate.is_file() and candidate.is_relative_to(root):
            immutable = candidate.parent == root / "assets"  # content-hashed names
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(candidate, headers={**headers, "Cache-Control": cache})
        if relative.startswith("assets/") or Path(relative).suffix in {".js", ".css", ".map"}:
            return PlainTextResponse("not found", status_code=404)
        return index()  # a client-side route: the SPA decides

    return Starlette(
        routes=[
            Route("/config.json", config_json),
            Route("/health", health),
            Route("/health/ready", ready),
            Route("/{path:path}", static_or_index),
        ]
    )


app = create_app()
