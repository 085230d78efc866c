"""Assembling the 360° profile and the client's transaction pages from the three services.

Client and accounts are requested at once; the transactions query starts as soon as the
accounts are known (it needs their ids), without waiting for the client. Transactions come from
transacciones in ONE query for all the client's accounts (as origin or destination), so a
transfer between two of them comes back once. transacciones pages without a total, so the
profile reads a window of the newest ``TX_WINDOW`` transactions: the per-currency counts are
exact when the window holds them all and are flagged as lower bounds otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from services.common.errors import ApiError, NotFound, Unavailable
from services.common.pagination import MAX_LIMIT, PageParams
from services.perfil360.config import CUENTAS_PER_QUERY, RECENT_TRANSACTIONS, TX_WINDOW
from services.perfil360.schemas import (
    BusquedaClientes,
    Cliente,
    Cuenta,
    PerfilCompleto,
    ResumenMoneda,
    Seccion,
    Sentido,
    Transaccion,
    TransaccionCliente,
    TransaccionesCliente,
)
from services.perfil360.upstream import DependencyDown, Upstreams

log = logging.getLogger("cloudbank.perfil360")

T = TypeVar("T")

ACTIVA = "activa"
CENT = Decimal("0.01")


@dataclass
class TxWindow:
    """The newest transactions of the client; ``complete`` when there are no older ones."""

    items: list[Transaccion]
    complete: bool


# --- pure helpers ------------------------------------------------------------------------
def sentido(tx: Transaccion, own: set[int]) -> Sentido:
    origin, destination = tx.cuenta_origen_id in own, tx.cuenta_destino_id in own
    if origin and destination:
        return Sentido.INTERNA
    return Sentido.SALIDA if origin else Sentido.ENTRADA


def newest_first(transactions: Iterable[Transaccion]) -> list[Transaccion]:
    """Each transaction once (by id), newest first."""
    unique = {tx.transaccion_id: tx for tx in transactions}
    return sorted(unique.values(), key=lambda tx: (tx.fecha, tx.transaccion_id), reverse=True)


def with_sentido(transactions: Iterable[Transaccion], own: set[int]) -> list[TransaccionCliente]:
    # the fields were validated when read from transacciones: copied, not validated again
    return [
        TransaccionCliente.model_construct(
            tx.model_fields_set | {"sentido"}, **tx.__dict__, sentido=sentido(tx, own)
        )
        for tx in transactions
    ]


def resumen(cuentas: list[Cuenta], window: TxWindow | None) -> list[ResumenMoneda]:
    """Per currency: balance, accounts, transactions, last activity. Never across currencies
    (a transaction moves money in one currency only, so it belongs to exactly one entry)."""
    por_moneda: dict[str, list[Cuenta]] = defaultdict(list)
    for cuenta in cuentas:
        por_moneda[cuenta.moneda].append(cuenta)
    tx_por_moneda: dict[str, list[Transaccion]] = defaultdict(list)
    for tx in window.items if window else ():
        tx_por_moneda[tx.moneda].append(tx)
    result = []
    for moneda in sorted(por_moneda):
        group, txs = por_moneda[moneda], tx_por_moneda[moneda]
        result.append(
            ResumenMoneda(
                moneda=moneda,
                saldo_total=sum((c.saldo for c in group), Decimal("0")).quantize(CENT),
                total_cuentas=len(group),
                cuentas_activas=sum(1 for c in group if c.estado == ACTIVA),
                total_transacciones=len(txs) if window else None,
                total_transacciones_exacto=window.complete if window else False,
                ultima_actividad=max((t.fecha for t in txs), default=None),
            )
        )
    return result


# --- orchestration -----------------------------------------------------------------------
async def _cliente_or_fail(task: asyncio.Task[Cliente | None], cliente_id: int) -> Cliente:
    try:
        cliente = await task
    except DependencyDown as exc:
        raise Unavailable(
            "the clientes service is unavailable; try again later", code="clientes_unavailable"
        ) from exc
    if cliente is None:
        raise NotFound(f"cliente {cliente_id} not found", code="cliente_not_found")
    return cliente


async def _all(coros: Iterable[Awaitable[T]]) -> list[T]:
    """Run concurrently; the first DependencyDown cancels the rest and is raised."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coros]
    except* DependencyDown as failed:
        raise failed.exceptions[0] from None
    return [t.result() for t in tasks]


async def newest_transactions(up: Upstreams, cuenta_ids: Iterable[int], limit: int) -> TxWindow:
    """The newest ``limit`` transactions touching any of ``cuenta_ids``, each once.

    One query when the ids fit in one (always, short of a client with more than
    ``CUENTAS_PER_QUERY`` accounts); otherwise one query per chunk of ids, concurrently,
    merged (a transfer between accounts of two chunks is then de-duplicated here).
    """
    ids = sorted(set(cuenta_ids))
    if not ids:
        return TxWindow([], True)
    chunks = [ids[i : i + CUENTAS_PER_QUERY] for i in range(0, len(ids), CUENTAS_PER_QUERY)]
    pages = await _all(up.transacciones(chunk, limit=limit) for chunk in chunks)
    merged = newest_first(tx for page in pages for tx in page.items)
    complete = all(page.next_offset is None for page in pages) and len(merged) <= limit
    return TxWindow(merged[:limit], complete)


async def _cuentas_y_transacciones(
    up: Upstreams, cliente_id: int
) -> tuple[list[Cuenta], TxWindow | None, list[Seccion]]:
    try:
        cuentas = await up.cuentas(cliente_id)
    except DependencyDown:
        # the transactions are found through the accounts: both sections are missing
        return [], None, [Seccion.CUENTAS, Seccion.TRANSACCIONES]
    try:
        window = await newest_transactions(up, (c.cuenta_id for c in cuentas), TX_WINDOW)
        return cuentas, window, []
    except DependencyDown:
        return cuentas, None, [Seccion.TRANSACCIONES]


async def perfil_completo(up: Upstreams, cliente_id: int) -> PerfilCompleto:
    cliente_task = asyncio.create_task(up.cliente(cliente_id))
    rest_task = asyncio.create_task(_cuentas_y_transacciones(up, cliente_id))
    try:
        cliente = await _cliente_or_fail(cliente_task, cliente_id)
    except BaseException:
        rest_task.cancel()
        raise
    cuentas, window, fallidas = await rest_task
    own = {c.cuenta_id for c in cuentas}
    recientes = window.items if window else []
    if fallidas:
        log.warning("partial profile for cliente %s: %s failed", cliente_id, fallidas)
    return PerfilCompleto(
        cliente=cliente,
        cuentas=cuentas,
        transacciones_recientes=with_sentido(recientes[:RECENT_TRANSACTIONS], own),
        resumen_financiero=resumen(cuentas, window),
        parcial=bool(fallidas),
        secciones_fallidas=fallidas,
        generado_en=datetime.now(UTC),
    )


async def transacciones_cliente(
    up: Upstreams, cliente_id: int, page: PageParams
) -> TransaccionesCliente:
    """One page of every transaction touching the client's accounts: all-or-nothing (a
    page with a section missing would be a wrong page, so any dependency down is a 503)."""
    cliente_task = asyncio.create_task(up.cliente(cliente_id))
    cuentas_task = asyncio.create_task(up.cuentas(cliente_id))
    try:
        await _cliente_or_fail(cliente_task, cliente_id)
        try:
            cuentas = await cuentas_task
        except DependencyDown as exc:
            raise Unavailable(
                "the cuentas service is unavailable; try again later", code="cuentas_unavailable"
            ) from exc
    except BaseException:
        cuentas_task.cancel()
        raise
    own = {c.cuenta_id for c in cuentas}
    if not own:  # (an empty filter would mean every transaction of the bank)
        return TransaccionesCliente(
            cliente_id=cliente_id, items=[], limit=page.limit, offset=page.offset
        )
    try:
        if len(own) <= CUENTAS_PER_QUERY:
            found = await up.transacciones(sorted(own), limit=page.limit, offset=page.offset)
            items, next_offset = found.items, found.next_offset
        else:
            items, next_offset = await _merged_page(up, own, page)
    except DependencyDown as exc:
        raise Unavailable(
            "the transacciones service is unavailable; try again later",
            code="transacciones_unavailable",
        ) from exc
    return TransaccionesCliente(
        cliente_id=cliente_id,
        items=with_sentido(items, own),
        limit=page.limit,
        offset=page.offset,
        next_offset=next_offset,
    )


async def _merged_page(
    up: Upstreams, own: set[int], page: PageParams
) -> tuple[list[Transaccion], int | None]:
    """A page over more accounts than one query takes: merge the first offset+limit of each
    chunk. Only the first MAX_LIMIT transactions can be paged this way."""
    end = page.offset + page.limit
    if end > MAX_LIMIT:
        raise ApiError(
            f"a client with more than {CUENTAS_PER_QUERY} accounts can only be paged through "
            f"its newest {MAX_LIMIT} transactions here",
            code="too_many_accounts",
            status_code=422,
        )
    window = await newest_transactions(up, own, end)
    more = not window.complete
    return window.items[page.offset : end], end if more else None


async def buscar(up: Upstreams, q: str, page: PageParams) -> BusquedaClientes:
    try:
        found = await up.buscar_clientes(q, page.limit, page.offset)
    except DependencyDown as exc:
        raise Unavailable(
            "the clientes service is unavailable; try again later", code="clientes_unavailable"
        ) from exc
    return BusquedaClientes(
        query=q,
        items=found.items,
        total=found.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=found.next_offset,
    )
