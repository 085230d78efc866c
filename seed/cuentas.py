"""The accounts: how many each client has, their type, currency, opening balance, state and
when they were opened and (for blocked or closed ones) changed state.

Account ids follow opening time, as AUTO_INCREMENT would have given them. The balances here
are opening balances; ``seed.transacciones`` plays the year of transactions on top.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from seed.clientes import ClientePlan
from seed.config import SeedConfig
from seed.rand import (
    MS_PER_DAY,
    MS_PER_HOUR,
    MS_PER_MINUTE,
    Weighted,
    lognormal_cents,
    office_instant,
    stream,
)

#: Accounts per client by client state (active clients have more; many inactive have none).
ACCOUNTS_PER_CLIENT = {
    "activo": Weighted([(0, 25), (1, 55), (2, 14), (3, 4.5), (4, 1.2), (5, 0.3)]),
    "inactivo": Weighted([(0, 40), (1, 50), (2, 10)]),
    "bloqueado": Weighted([(0, 30), (1, 55), (2, 15)]),
}
MAX_ACCOUNTS_PER_CLIENT = 6
#: State of an account by its client's state: inactive clients' accounts are closed or blocked.
ESTADO_CUENTA = {
    "activo": Weighted([("activa", 94), ("bloqueada", 2), ("cerrada", 4)]),
    "inactivo": Weighted([("cerrada", 75), ("bloqueada", 25)]),
    "bloqueado": Weighted([("bloqueada", 85), ("cerrada", 15)]),
}
#: tipos_cuenta: 1 Sueldo, 2 Free, 3 Premium, 4 Ahorro
TIPO_CUENTA = Weighted([(1, 35), (2, 30), (3, 10), (4, 25)])
MONEDA = Weighted([("PEN", 80), ("USD", 17), ("EUR", 3)])
#: Opening balance: log-normal with this median per currency, times a factor per account type.
OPENING_MEDIAN = {"PEN": 900.0, "USD": 400.0, "EUR": 450.0}
OPENING_SIGMA = 1.2
OPENING_TIPO_FACTOR = {1: 0.8, 2: 0.5, 3: 5.0, 4: 1.8}
OPENING_MIN_CENTS = 10_00  # the minimum opening deposit
OPENING_MAX_CENTS = 2_000_000_00
#: How busy an account is relative to others, by type (times a log-normal personal factor).
ACTIVITY_TIPO_FACTOR = {1: 1.5, 2: 1.0, 3: 1.3, 4: 0.5}
ACTIVITY_MIN, ACTIVITY_MAX = 0.05, 8.0


@dataclass(slots=True)
class CuentaPlan:
    cuenta_id: int
    cliente_id: int
    tipo_cuenta_id: int
    moneda: str
    apertura_ms: int
    apertura_cents: int
    #: final state; activa until ``cambio_ms``, then ``estado``
    estado: str
    cambio_ms: int | None
    #: relative chance of being picked for a transaction
    actividad: float


def _counts(rng: random.Random, clientes: list[ClientePlan], total: int) -> list[int]:
    """Accounts per client, drawn by client state, then nudged to add up to ``total``."""
    counts = [ACCOUNTS_PER_CLIENT[p.cliente.estado].draw(rng) for p in clientes]
    active = [i for i, p in enumerate(clientes) if p.cliente.estado == "activo"]
    growable = active or list(range(len(clientes)))
    missing = total - sum(counts)
    while missing > 0:
        i = growable[rng.randrange(len(growable))]
        if counts[i] < MAX_ACCOUNTS_PER_CLIENT:
            counts[i] += 1
            missing -= 1
    while missing < 0:
        i = rng.randrange(len(clientes))
        if counts[i] > 0:
            counts[i] -= 1
            missing += 1
    return counts


def generate_cuentas(config: SeedConfig, clientes: list[ClientePlan]) -> list[CuentaPlan]:
    """The accounts, ordered by id (= by opening instant)."""
    if config.n_cuentas > MAX_ACCOUNTS_PER_CLIENT * len(clientes):
        raise ValueError("too many accounts for the number of clients")
    rng = stream(config.seed, "cuentas")
    counts = _counts(rng, clientes, config.n_cuentas)
    drafts: list[tuple[int, int, int, CuentaPlan]] = []
    for plan, count in zip(clientes, counts, strict=True):
        cliente = plan.cliente
        # a deactivated client's accounts were opened before, and changed just before, it
        limit = (
            plan.deactivated_ms - 2 * MS_PER_HOUR
            if plan.deactivated_ms is not None
            else config.cutoff_ms - MS_PER_MINUTE
        )
        for j in range(count):
            if j == 0:  # the first account is opened with the registration
                apertura = min(plan.registro_ms + rng.randrange(2, 45) * MS_PER_MINUTE, limit)
            elif plan.registro_ms + MS_PER_DAY < limit:
                apertura = office_instant(rng, plan.registro_ms + MS_PER_DAY, limit)
            else:
                apertura = min(plan.registro_ms + (45 + j) * MS_PER_MINUTE, limit)
            tipo = TIPO_CUENTA.draw(rng)
            moneda = MONEDA.draw(rng)
            opening = lognormal_cents(
                rng,
                OPENING_MEDIAN[moneda] * OPENING_TIPO_FACTOR[tipo],
                OPENING_SIGMA,
                OPENING_MIN_CENTS,
                OPENING_MAX_CENTS,
            )
            estado = ESTADO_CUENTA[cliente.estado].draw(rng)
            cambio = None
            if plan.deactivated_ms is not None:
                cambio = plan.deactivated_ms - (count - j) * MS_PER_MINUTE
            elif estado != "activa":
                earliest = max(apertura + MS_PER_DAY, config.window_start_ms)
                if earliest < config.cutoff_ms - MS_PER_HOUR:
                    cambio = office_instant(rng, earliest, config.cutoff_ms - MS_PER_HOUR)
                else:
                    estado = "activa"
            actividad = rng.lognormvariate(0.0, 0.8) * ACTIVITY_TIPO_FACTOR[tipo]
            actividad = min(max(actividad, ACTIVITY_MIN), ACTIVITY_MAX)
            draft = CuentaPlan(
                0, cliente.cliente_id, tipo, moneda, apertura, opening, estado, cambio, actividad
            )
            drafts.append((apertura, cliente.cliente_id, j, draft))
    drafts.sort(key=lambda d: d[:3])
    cuentas = []
    for cuenta_id, (*_, plan) in enumerate(drafts, start=1):
        plan.cuenta_id = cuenta_id
        cuentas.append(plan)
    return cuentas
