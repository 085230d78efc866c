"""What `cloudbank urls` prints: where everything is and how to log in."""

from __future__ import annotations

from services.common.settings import Settings

DEV_LOGIN_HINT = "cloudbank token --role admin   # or cajero, analista, service"
SPA_LOGIN_ROLES = ("admin", "cajero", "analista")


def service_urls(settings: Settings) -> list[tuple[str, str]]:
    """(what, url) for every public endpoint of the stack."""
    s = settings
    return [
        ("clientes API (Swagger)", f"{s.service_url(s.clientes_port)}/docs"),
        ("cuentas API via HAProxy (Swagger)", f"{s.service_url(s.cuentas_port)}/docs"),
        ("HAProxy stats", f"{s.service_url(s.haproxy_stats_port)}/stats"),
        ("transacciones API (Swagger)", f"{s.service_url(s.transacciones_port)}/docs"),
        ("perfil360 BFF (Swagger)", f"{s.service_url(s.perfil360_port)}/docs"),
        ("analytics API (Swagger)", f"{s.service_url(s.analytics_port)}/docs"),
        ("dbt docs", f"{s.service_url(s.analytics_port)}/dbt-docs/"),
        ("Dagster UI", s.service_url(s.dagster_port)),
        ("SPA dashboard", s.service_url(s.web_port)),
    ]


def describe_urls(settings: Settings) -> str:
    width = max(len(what) for what, _ in service_urls(settings))
    lines = [f"  {what:<{width}}  {url}" for what, url in service_urls(settings)]
    if not settings.production:
        logins = [
            f"{user} / {password}"
            for user, (password, role) in settings.login_users().items()
            if role in SPA_LOGIN_ROLES
        ]
        if logins:
            lines += ["", "Log in to the SPA dashboard as any of:", "  " + ", ".join(logins)]
    lines += [
        "",
        "Log in to Swagger: click Authorize and paste a token from",
        f"  {DEV_LOGIN_HINT}",
    ]
    return "\n".join(lines)
