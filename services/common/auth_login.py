"""``POST /auth/token``: password login for the development users (OAuth2 password form).

The users come from ``CLOUDBANK_DEV_USERS`` (``user:password:role,...``); production mode
accepts only an explicitly configured list. The answer is a bearer JWT from ``issue_token``,
with the role so a client (the SPA) can decide what to show. Mount ``router`` on one service
(the SPA's BFF); every service accepts the token it issues.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.common.auth import Role, issue_token
from services.common.errors import ApiError
from services.common.settings import get_settings

router = APIRouter(prefix="/auth", tags=["auth"])

LOGIN_ROLES = frozenset({Role.ADMIN, Role.CAJERO, Role.ANALISTA})  # never "service"
_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 4096


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: Role


def _bad_credentials() -> ApiError:
    return ApiError(
        "incorrect username or password",
        code="invalid_credentials",
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _form_field(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[0]


async def _read_form(request: Request) -> dict[str, list[str]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != _FORM:
        raise ApiError(
            f"send the credentials as {_FORM}", code="unsupported_media_type", status_code=415
        )
    body = await request.body()
    if len(body) > _MAX_BODY:
        raise ApiError("request body too large", code="bad_request", status_code=400)
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError as exc:
        raise ApiError("the form is not valid UTF-8", code="bad_request") from exc


@router.post(
    "/token",
    summary="Log in with a username and password (OAuth2 password form); returns a bearer JWT",
    responses={401: {"description": "wrong credentials"}, 403: {"description": "login disabled"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                _FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["password"]},
                            "username": {"type": "string"},
                            "password": {"type": "string", "format": "password"},
                        },
                    }
                }
            },
        }
    },
)
async def login(request: Request) -> Token:
    form = await _read_form(request)
    grant_type = _form_field(form, "grant_type")
    if grant_type not in ("", "password"):
        raise ApiError("grant_type must be 'password'", code="unsupported_grant_type")
    username, password = _form_field(form, "username"), _form_field(form, "password")
    if not username or not password:
        raise ApiError(
            [
                {"loc": ["body", name], "msg": "Field required", "type": "missing"}
                for name, value in (("username", username), ("password", password))
                if not value
            ],
            code="validation_error",
            status_code=422,
        )
    settings = get_settings()
    users = settings.login_users()
    if not users:
        raise ApiError("password login is disabled", code="login_disabled", status_code=403)
    expected, role_name = users.get(username, ("", ""))
    # compare even for unknown users, so timing does not reveal which names exist
    ok = hmac.compare_digest(password.encode(), (expected or "\0" * 16).encode())
    if not ok or not expected:
        raise _bad_credentials()
    try:
        role = Role(role_name)
    except ValueError:
        raise _bad_credentials() from None
    if role not in LOGIN_ROLES:
        raise _bad_credentials()
    return Token(access_token=issue_token(username, role, settings), role=role)
