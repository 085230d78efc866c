"""The canned clients of the clientes contract stand-in (see clientes_standin.py), as a rule
so every test can pick clients nobody else uses:

- ``cliente_id >= UNKNOWN_FROM``: no such client (404)
- ``cliente_id % 1000 == INACTIVO``: ``inactivo``; ``% 1000 == BLOQUEADO``: ``bloqueado``
- any other id: ``activo``
"""

from __future__ import annotations

UNKNOWN_FROM = 900_000_000
INACTIVO, BLOQUEADO = 999, 998


def estado_of(cliente_id: int) -> str | None:
    if cliente_id >= UNKNOWN_FROM:
        return None
    return {INACTIVO: "inactivo", BLOQUEADO: "bloqueado"}.get(cliente_id % 1000, "activo")
