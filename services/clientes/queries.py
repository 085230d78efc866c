"""The read side of clientes: hand-written SQL over the async psycopg pool (see db.py).

Each client comes back with its documents in the same statement (a correlated ``json_agg``),
so a lookup is one round trip and a page of 50 clients is one statement, never 1 + N.
All SQL here is fixed text; user input only ever travels as bound parameters.
"""

from __future__ import annotations

from services.clientes.db import Database
from services.clientes.models import SEARCH_EXPRESSION
from services.clientes.validation import EstadoCliente, normalize_numero
from services.common.errors import NotFound
from services.common.pagination import PageParams

_DOCUMENTO_FIELDS = (
    "documento_id",
    "cliente_id",
    "tipo_documento",
    "numero_documento",
    "fecha_emision",
    "fecha_vencimiento",
)
DOCUMENTO_COLUMNS = ", ".join(f"d.{name}" for name in _DOCUMENTO_FIELDS)

CLIENTE_COLUMNS = (
    "c.cliente_id, c.nombre, c.apellido, c.email, c.telefono, c.estado, c.fecha_registro, "
    "c.updated_at, coalesce(("
    "SELECT json_agg(json_build_object("
    + ", ".join(f"'{name}', d.{name}" for name in _DOCUMENTO_FIELDS)
    + ") ORDER BY d.documento_id) "
    "FROM documentos_identidad d WHERE d.cliente_id = c.cliente_id"
    "), '[]'::json) AS documentos"
)

BY_ID = f"SELECT {CLIENTE_COLUMNS} FROM clientes c WHERE c.cliente_id = %s"
BY_EMAIL = f"SELECT {CLIENTE_COLUMNS} FROM clientes c WHERE lower(c.email) = lower(%s)"
BY_DOCUMENTO = (
    f"SELECT {CLIENTE_COLUMNS} FROM clientes c "
    "WHERE c.cliente_id = (SELECT cliente_id FROM documentos_identidad WHERE numero_documento = %s)"
)

# Filters of GET /clientes, by name. Text search goes through the trigram index (the very
# expression it indexes); a document number through the unique index.
_FILTERS = {
    "estado": "c.estado = %(estado)s",
    "q": (
        "c.cliente_id IN ("
        f"SELECT cliente_id FROM clientes WHERE {SEARCH_EXPRESSION} ILIKE %(pattern)s "
        "UNION SELECT cliente_id FROM documentos_identidad WHERE numero_documento = %(numero)s)"
    ),
}


def cliente_not_found(cliente_id: int) -> NotFound:
    return NotFound(f"cliente {cliente_id} not found", code="cliente_not_found")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _one(db: Database, query: str, params: tuple) -> dict | None:
    async with db.reading() as conn:
        return await (await conn.execute(query, params)).fetchone()


async def find_cliente(db: Database, cliente_id: int) -> dict | None:
    return await _one(db, BY_ID, (cliente_id,))


async def get_cliente(db: Database, cliente_id: int) -> dict:
    row = await find_cliente(db, cliente_id)
    if row is None:
        raise cliente_not_found(cliente_id)
    return row


async def get_by_email(db: Database, email: str) -> dict:
    row = await _one(db, BY_EMAIL, (email.strip(),))
    if row is None:
        raise NotFound("no cliente has this e-mail address", code="cliente_not_found")
    return row


async def get_by_documento(db: Database, numero: str) -> dict:
    row = await _one(db, BY_DOCUMENTO, (normalize_numero(numero),))
    if row is None:
        raise NotFound("no cliente has this document number", code="documento_not_found")
    return row


async def list_clientes(
    db: Database,
    page: PageParams,
    *,
    estado: EstadoCliente | None = None,
    q: str | None = None,
) -> tuple[list[dict], int]:
    """A page of clients by ascending id, and how many match the filters.

    ``q`` matches a substring of "nombre apellido email", in any case, or a whole document
    number.
    """
    params: dict[str, object] = {"limit": page.limit, "offset": page.offset}
    conditions = []
    if estado is not None:
        conditions.append(_FILTERS["estado"])
        params["estado"] = estado.value
    if q:
        conditions.append(_FILTERS["q"])
        params["pattern"] = f"%{_escape_like(q)}%"
        params["numero"] = normalize_numero(q)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    async with db.reading() as conn:
        async with conn.pipeline():  # both statements in one round trip
            count = await conn.execute(f"SELECT count(*) AS total FROM clientes c{where}", params)
            # the page is cut first, so documents are aggregated for its rows only (a select
            # list is computed even for the rows OFFSET skips)
            rows = await conn.execute(
                f"SELECT {CLIENTE_COLUMNS} FROM ("
                f"SELECT * FROM clientes c{where} "
                "ORDER BY c.cliente_id LIMIT %(limit)s OFFSET %(offset)s"
                ") c ORDER BY c.cliente_id",
                params,
            )
        total = (await count.fetchone())["total"]
        return await rows.fetchall(), total


async def list_documentos(
    db: Database, cliente_id: int, page: PageParams
) -> tuple[list[dict], int]:
    params = {"cliente_id": cliente_id, "limit": page.limit, "offset": page.offset}
    async with db.reading() as conn:
        async with conn.pipeline():
            head = await conn.execute(
                "SELECT EXISTS (SELECT 1 FROM clientes WHERE cliente_id = %(cliente_id)s) "
                "AS found, (SELECT count(*) FROM documentos_identidad "
                "WHERE cliente_id = %(cliente_id)s) AS total",
                params,
            )
            rows = await conn.execute(
                f"SELECT {DOCUMENTO_COLUMNS} FROM documentos_identidad d "
                "WHERE d.cliente_id = %(cliente_id)s ORDER BY d.documento_id "
                "LIMIT %(limit)s OFFSET %(offset)s",
                params,
            )
        summary = await head.fetchone()
        items = await rows.fetchall()
    if not summary["found"]:
        raise cliente_not_found(cliente_id)
    return items, summary["total"]
