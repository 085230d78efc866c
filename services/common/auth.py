"""JWT bearer auth with roles and scopes.

Roles map to scopes; endpoints ask for scopes with ``require(Scope.X)``. No token gives 401, a
token without the scope gives 403. Tokens are HS256 signed with ``CLOUDBANK_JWT_SECRET``.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

import jwt
from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.errors import ApiError
from services.common.settings import Settings, get_settings


class Role(enum.StrEnum):
    ADMIN = "admin"
    CAJERO = "cajero"  # teller
    ANALISTA = "analista"  # analytics only
    SERVICE = "service"  # service-to-service


class Scope(enum.StrEnum):
    CLIENTES_READ = "clientes:read"
    CLIENTES_WRITE = "clientes:write"
    CUENTAS_READ = "cuentas:read"
    CUENTAS_WRITE = "cuentas:write"
    MOVIMIENTOS_POST = "movimientos:post"  # apply ledger legs: transacciones only
    TRANSACCIONES_READ = "transacciones:read"
    TRANSACCIONES_WRITE = "transacciones:write"
    PERFIL_READ = "perfil:read"
    ANALYTICS_READ = "analytics:read"


_OPERATIONS = {
    Scope.CLIENTES_READ,
    Scope.CLIENTES_WRITE,
    Scope.CUENTAS_READ,
    Scope.CUENTAS_WRITE,
    Scope.TRANSACCIONES_READ,
    Scope.TRANSACCIONES_WRITE,
    Scope.PERFIL_READ,
}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(_OPERATIONS | {Scope.ANALYTICS_READ}),
    Role.CAJERO: frozenset(_OPERATIONS),
    Role.ANALISTA: frozenset({Scope.ANALYTICS_READ}),
    Role.SERVICE: frozenset(Scope),
}


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    scopes: frozenset[str]


def issue_token(
    sub: str, role: Role, settings: Settings | None = None, ttl_minutes: int | None = None
) -> str:
    settings = settings or get_settings()
    now = int(time.time())
    ttl = (ttl_minutes or settings.jwt_ttl_minutes) * 60
    claims = {
        "sub": sub,
        "role": role.value,
        "scope": " ".join(sorted(ROLE_SCOPES[role])),
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str, issuer: str) -> tuple[Principal, int]:
    """Signature, issuer and claims checked once per token (a client sends the same token
    with every request); only valid tokens are cached (an exception is not)."""
    claims = jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        issuer=issuer,
        options={"require": ["sub", "exp", "iss", "role"]},
    )
    principal = Principal(
        claims["sub"], Role(claims["role"]), frozenset(str(claims.get("scope", "")).split())
    )
    return principal, int(claims["exp"])


def decode_token(token: str, settings: Settings | None = None) -> Principal:
    settings = settings or get_settings()
    try:
        principal, expires = _verified(token, settings.jwt_secret, settings.jwt_issuer)
        if time.time() >= expires:  # checked on every use, cached or not
            raise jwt.ExpiredSignatureError("Signature has expired")
    except (jwt.PyJWTError, ValueError) as exc:
        raise ApiError(
            "invalid or expired token",
            code="invalid_token",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        ) from exc
    return principal


def bearer_grants(headers: Iterable[tuple[bytes, bytes]], needed: Scope) -> bool:
    """For the pure-ASGI fast paths: the request's bearer token (raw ASGI headers, read as
    HTTPBearer does: the first Authorization header, ``Bearer <token>``, scheme in any case)
    is valid and grants ``needed``. Anything else is False: the route then answers 401/403."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                return False
            try:
                principal = decode_token(token)
            except ApiError:
                return False
            return needed.value in principal.scopes
    return False


_bearer = HTTPBearer(auto_error=False, description="JWT from `cloudbank token --role ROLE`")


# The dependencies below are async because they do no I/O: FastAPI runs a sync dependency
# in its thread pool, a round trip per request that costs more than the check itself.
async def current_principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(
            "authentication required",
            code="unauthorized",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return decode_token(credentials.credentials)


def require(*scopes: Scope):
    """Dependency: the caller must hold every one of ``scopes``."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        missing = [s.value for s in scopes if s.value not in principal.scopes]
        if missing:
            raise ApiError(
                f"missing scope: {', '.join(missing)}", code="forbidden", status_code=403
            )
        return principal

    return check
