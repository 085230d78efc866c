"""The verified-token cache of the kit must never outlive a token or survive a key change."""

import time

import jwt
import pytest

from services.common.auth import Role, decode_token, issue_token
from services.common.errors import ApiError
from services.common.settings import Settings


def test_cached_token_still_expires():
    settings = Settings()
    now = int(time.time())
    claims = {"sub": "t", "role": "admin", "scope": "clientes:read", "iss": settings.jwt_issuer}
    token = jwt.encode({**claims, "iat": now, "exp": now + 1}, settings.jwt_secret)
    assert decode_token(token, settings).scopes == {"clientes:read"}  # verified, then cached
    time.sleep(1.1)
    with pytest.raises(ApiError) as err:
        decode_token(token, settings)
    assert err.value.status_code == 401


def test_cached_token_is_rechecked_under_another_secret():
    settings = Settings()
    token = issue_token("t", Role.CAJERO, settings)
    assert decode_token(token, settings).role is Role.CAJERO
    rotated = Settings(jwt_secret="another-secret-0123456789abcdef-xyz")
    with pytest.raises(ApiError) as err:
        decode_token(token, rotated)
    assert err.value.code == "invalid_token"
