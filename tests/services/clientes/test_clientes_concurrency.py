"""Uniqueness under concurrency: the database decides, so exactly one of many identical
requests wins and the rest get a clean 409 (never a 500, never a duplicate row)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

N = 20


async def _post_all(base_url: str, headers: dict, requests: list[tuple[str, dict]]):
    limits = httpx.Limits(max_connections=N)
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=30, limits=limits
    ) as client:
        return await asyncio.gather(*(client.post(path, json=body) for path, body in requests))


def _outcome(responses) -> Counter:
    return Counter(
        (r.status_code, r.json().get("code") if r.status_code != 201 else None) for r in responses
    )


def test_concurrent_creates_with_one_email(base_url, admin_headers, db, payload, clean):
    bodies = [payload(email="Same.Person@example.com") for _ in range(N)]
    bodies = [
        {**b, "email": b["email"] if i % 2 else b["email"].upper()} for i, b in enumerate(bodies)
    ]
    responses = asyncio.run(_post_all(base_url, admin_headers, [("/clientes", b) for b in bodies]))
    assert _outcome(responses) == {(201, None): 1, (409, "duplicate_email"): N - 1}
    assert db.execute("SELECT count(*) FROM clientes").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM documentos_identidad").fetchone()[0] == 1


def test_concurrent_creates_with_one_document(base_url, admin_headers, db, payload, clean):
    bodies = [payload(documento={"numero_documento": "77665544"}) for _ in range(N)]
    responses = asyncio.run(_post_all(base_url, admin_headers, [("/clientes", b) for b in bodies]))
    assert _outcome(responses) == {(201, None): 1, (409, "duplicate_documento"): N - 1}
    # the losers' client rows were rolled back with their documents
    assert db.execute("SELECT count(*) FROM clientes").fetchone()[0] == 1


def test_concurrent_document_additions(base_url, admin_headers, db, make_cliente):
    ids = [make_cliente()["cliente_id"] for _ in range(2)]
    doc = {"tipo_documento": "Pasaporte", "numero_documento": "ZZ998877"}
    requests = [(f"/clientes/{ids[i % 2]}/documentos", doc) for i in range(N)]
    responses = asyncio.run(_post_all(base_url, admin_headers, requests))
    assert _outcome(responses) == {(201, None): 1, (409, "duplicate_documento"): N - 1}
    count = db.execute(
        "SELECT count(*) FROM documentos_identidad WHERE numero_documento = 'ZZ998877'"
    ).fetchone()[0]
    assert count == 1
