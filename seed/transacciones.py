"""A year of transactions, played in time order against the accounts' balances.

Every event is applied in time order: an account opens (its ``APERTURA`` leg), a transaction
happens, an account is blocked or closed. A transaction only involves accounts that are
``activa`` at that instant; transfers only join two different accounts of one currency; a debit
that the balance cannot cover is ``RECHAZADA`` (and has no legs), otherwise it is
``COMPLETADA`` and its legs go to the journal with the running balance. Closing an account
withdraws its whole balance first (a ``RETIRO`` transaction), so a closed account holds 0.

The result is the journal (``movimientos``), the transaction documents and each account's
final balance, which by construction equals the sum of its legs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ulid import ULID

from seed import peru
from seed.clientes import ClientePlan
from seed.config import SeedConfig
from seed.cuentas import ACTIVITY_MAX, CuentaPlan
from seed.model import Movimiento, Transaccion
from seed.rand import Weighted, lognormal_cents, office_instant, stream, to_datetime
from services.common.idempotency import fingerprint
from services.common.money import from_minor, to_minor
from services.transacciones.schemas import TransaccionCreate

TIPO = Weighted([("DEPOSITO", 30), ("RETIRO", 25), ("TRANSFERENCIA", 25), ("PAGO_SERVICIO", 20)])
#: Amounts: log-normal with this median (in PEN) and sigma per type; other currencies divide
#: the median by a rough exchange rate.
AMOUNT = {
    "DEPOSITO": (400.0, 1.0),
    "RETIRO": (200.0, 0.8),
    "TRANSFERENCIA": (350.0, 1.1),
    "PAGO_SERVICIO": (95.0, 0.6),
}
PEN_PER_UNIT = {"PEN": 1.0, "USD": 3.75, "EUR": 4.05}
MIN_CENTS = 1_00
MAX_CENTS = 500_000_00
#: A debit the balance cannot cover is attempted (and rejected) this often; otherwise the
#: customer asks for less.
REJECT_WHEN_SHORT = 0.3
#: what transacciones records as motivo: the cuentas error code
MOTIVO_SALDO = "saldo_insuficiente"
#: Share of transfers between two accounts of the same client (when the client has one).
OWN_TRANSFER = 0.15
#: Share of transactions made away from the client's usual place.
AWAY_FROM_HOME = 0.2

CANAL = {
    "DEPOSITO": Weighted(
        [("agencia", 35), ("agente", 35), ("cajero", 15), ("app", 10), ("web", 5)]
    ),
    "RETIRO": Weighted([("cajero", 65), ("agencia", 20), ("agente", 15)]),
    "TRANSFERENCIA": Weighted([("app", 60), ("web", 25), ("agencia", 15)]),
    "PAGO_SERVICIO": Weighted([("app", 50), ("web", 25), ("agente", 15), ("agencia", 10)]),
}
DISPOSITIVO = {
    "app": Weighted([("android", 70), ("ios", 30)]),
    "web": Weighted([("desktop", 65), ("mobile-web", 35)]),
    "cajero": Weighted([("atm", 1)]),
    "agencia": Weighted([("ventanilla", 1)]),
    "agente": Weighted([("pos", 1)]),
}
DESCRIPCION_DEPOSITO = {
    "agencia": "Depósito en ventanilla",
    "agente": "Depósito en agente",
    "cajero": "Depósito en cajero automático",
    "app": "Abono por transferencia interbancaria",
    "web": "Abono por transferencia interbancaria",
}
DESCRIPCION_RETIRO = {
    "cajero": "Retiro en cajero automático",
    "agencia": "Retiro en ventanilla",
    "agente": "Retiro en agente",
}
DESCRIPCION_TRANSFERENCIA = Weighted(
    [
        ("Transferencia a terceros", 50),
        ("Envío de dinero", 15),
        ("Pago de alquiler", 10),
        ("Préstamo familiar", 10),
        ("Pago a proveedor", 10),
        ("Pago de pensión escolar", 5),
    ]
)
DESCRIPCION_CIERRE = "Retiro del saldo por cierre de cuenta"
PAYEE = Weighted(peru.SERVICE_PAYEES)
LOCATION = Weighted(peru.LOCATIONS)


class ActiveSet:
    """The accounts active right now, for O(1) add/remove and activity-weighted picks."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.position: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, cuenta_id: int) -> None:
        self.position[cuenta_id] = len(self.ids)
        self.ids.append(cuenta_id)

    def remove(self, cuenta_id: int) -> None:
        index = self.position.pop(cuenta_id)
        last = self.ids.pop()
        if last != cuenta_id:
            self.ids[index] = last
            self.position[last] = index

    def pick(self, rng: random.Random, weight: dict[int, float], exclude: int | None = None):
        """An account with probability proportional to its weight (None if there is none)."""
        if len(self.ids) - (exclude in self.position) <= 0:
            return None
        while True:
            cuenta_id = self.ids[rng.randrange(len(self.ids))]
            if cuenta_id != exclude and rng.random() * ACTIVITY_MAX < weight[cuenta_id]:
                return cuenta_id


@dataclass(slots=True)
class AccountState:
    plan: CuentaPlan
    saldo: int = 0  # céntimos
    legs: int = 0
    last_change_ms: int = 0


@dataclass(slots=True)
class Simulation:
    transacciones: list[Transaccion]
    movimientos: list[Movimiento]
    accounts: dict[int, AccountState]


class _Simulator:
    def __init__(self, config: SeedConfig, clientes: list[ClientePlan], cuentas: list[CuentaPlan]):
        self.config = config
        self.rng = stream(config.seed, "transacciones")
        self.ids_rng = stream(config.seed, "transacciones.ids")
        self.home = {p.cliente.cliente_id: p.ubicacion for p in clientes}
        self.accounts = {c.cuenta_id: AccountState(c) for c in cuentas}
        self.weight = {c.cuenta_id: c.actividad for c in cuentas}
        self.by_client: dict[int, list[int]] = {}
        for c in cuentas:
            self.by_client.setdefault(c.cliente_id, []).append(c.cuenta_id)
        self.active = ActiveSet()
        self.active_by_currency = {moneda: ActiveSet() for moneda in PEN_PER_UNIT}
        self.transacciones: list[Transaccion] = []
        self.movimientos: list[Movimiento] = []
        self.seen_ids: set[bytes] = set()

    # --- events ---------------------------------------------------------------------------
    def run(self) -> Simulation:
        cuentas = [s.plan for s in self.accounts.values()]
        closing = sum(1 for c in cuentas if c.estado == "cerrada")
        regular = max(0, self.config.n_transacciones - closing)
        times = sorted(
            office_instant(
                self.rng, self.config.window_start_ms, self.config.cutoff_ms, seasonal=True
            )
            for _ in range(regular)
        )
        events: list[tuple[int, int, int]] = [(c.apertura_ms, 0, c.cuenta_id) for c in cuentas]
        events += [(c.cambio_ms, 2, c.cuenta_id) for c in cuentas if c.cambio_ms is not None]
        events += [(ms, 1, i) for i, ms in enumerate(times)]
        events.sort()
        for ms, kind, key in events:
            if kind == 0:
                self.open(ms, key)
            elif kind == 1:
                self.transact(ms)
            else:
                self.change_state(ms, key)
        return Simulation(self.transacciones, self.movimientos, self.accounts)

    def open(self, ms: int, cuenta_id: int) -> None:
        state = self.accounts[cuenta_id]
        self.active.add(cuenta_id)
        self.active_by_currency[state.plan.moneda].add(cuenta_id)
        self.leg(ms, f"APERTURA-{cuenta_id}", "APERTURA", cuenta_id, state.plan.apertura_cents)

    def change_state(self, ms: int, cuenta_id: int) -> None:
        state = self.accounts[cuenta_id]
        if state.plan.estado == "cerrada" and state.saldo > 0:
            self.record(
                ms,
                "RETIRO",
                origen=cuenta_id,
                destino=None,
                monto=state.saldo,
                canal="agencia",
                descripcion=DESCRIPCION_CIERRE,
            )
        self.active.remove(cuenta_id)
        self.active_by_currency[state.plan.moneda].remove(cuenta_id)
        state.last_change_ms = max(state.last_change_ms, ms)

    # --- one transaction ------------------------------------------------------------------
    def amount(self, tipo: str, moneda: str) -> int:
        median, sigma = AMOUNT[tipo]
        fx = PEN_PER_UNIT[moneda]
        return lognormal_cents(self.rng, median / fx, sigma, MIN_CENTS, round(MAX_CENTS / fx))

    def transact(self, ms: int) -> None:
        rng = self.rng
        tipo = TIPO.draw(rng)
        origen = destino = None
        if tipo == "DEPOSITO":
            destino = self.active.pick(rng, self.weight)
            if destino is None:
                return
        else:
            origen = self.active.pick(rng, self.weight)
            if origen is None:
                return
        if tipo == "TRANSFERENCIA":
            destino = self.transfer_destination(origen)
            if destino is None:
                tipo = "PAGO_SERVICIO"
        moneda = self.accounts[destino if origen is None else origen].plan.moneda
        canal = CANAL[tipo].draw(rng)
        canal, monto = self.cash(tipo, canal, self.amount(tipo, moneda))
        motivo = None
        if origen is not None:
            saldo = self.accounts[origen].saldo
            if monto > saldo and rng.random() < REJECT_WHEN_SHORT:
                motivo = MOTIVO_SALDO
            elif monto > saldo * 0.95:  # the customer asks for what the balance allows
                canal, monto = self.cash(tipo, canal, int(saldo * rng.uniform(0.2, 0.9)))
                if monto < MIN_CENTS:  # nearly empty: the customer deposits instead
                    tipo, origen, destino = "DEPOSITO", None, origen
                    canal = CANAL[tipo].draw(rng)
                    monto = self.amount(tipo, moneda)
        descripcion = self.describe(tipo, canal, origen, destino)
        self.record(ms, tipo, origen, destino, monto, canal, descripcion, motivo)

    @staticmethod
    def cash(tipo: str, canal: str, monto: int) -> tuple[str, int]:
        """Cash machines pay out multiples of 10 (at least 20); smaller sums go to a teller."""
        if tipo == "RETIRO" and canal == "cajero":
            if monto < 20_00:
                return "agencia", monto
            return canal, monto - monto % 10_00
        return canal, monto

    def transfer_destination(self, origen: int) -> int | None:
        rng, plan = self.rng, self.accounts[origen].plan
        if rng.random() < OWN_TRANSFER:
            own = [
                c
                for c in self.by_client[plan.cliente_id]
                if c != origen
                and c in self.active.position
                and self.accounts[c].plan.moneda == plan.moneda
            ]
            if own:
                return own[rng.randrange(len(own))]
        return self.active_by_currency[plan.moneda].pick(rng, self.weight, exclude=origen)

    def describe(self, tipo: str, canal: str, origen: int | None, destino: int | None) -> str:
        if tipo == "DEPOSITO":
            return DESCRIPCION_DEPOSITO[canal]
        if tipo == "RETIRO":
            return DESCRIPCION_RETIRO[canal]
        if tipo == "PAGO_SERVICIO":
            return f"Pago de servicio: {PAYEE.draw(self.rng)}"
        if self.accounts[origen].plan.cliente_id == self.accounts[destino].plan.cliente_id:
            return "Transferencia entre cuentas propias"
        return DESCRIPCION_TRANSFERENCIA.draw(self.rng)

    def record(
        self,
        ms: int,
        tipo: str,
        origen: int | None,
        destino: int | None,
        monto: int,
        canal: str,
        descripcion: str,
        motivo: str | None = None,
    ) -> None:
        rng, ids = self.rng, self.ids_rng
        transaccion_id = self.unique(lambda: ms.to_bytes(6, "big") + ids.randbytes(10))
        object_id = self.unique(lambda: (ms // 1000).to_bytes(4, "big") + ids.randbytes(8))
        cuenta = self.accounts[origen if origen is not None else destino].plan
        ubicacion = self.home[cuenta.cliente_id]
        if canal != "web" and rng.random() < AWAY_FROM_HOME:
            ubicacion = LOCATION.draw(rng)
        fecha = to_datetime(ms)
        tx = Transaccion(
            object_id=object_id,
            transaccion_id=str(ULID.from_bytes(transaccion_id)),
            tipo=tipo,
            cuenta_origen_id=origen,
            cuenta_destino_id=destino,
            monto=monto,
            moneda=cuenta.moneda,
            descripcion=descripcion,
            estado="RECHAZADA" if motivo else "COMPLETADA",
            motivo=motivo,
            fecha=fecha,
            canal=canal,
            dispositivo=DISPOSITIVO[canal].draw(rng),
            ubicacion=ubicacion,
            updated_at=to_datetime(ms + rng.randrange(40, 400)),  # posting latency
        )
        tx.fingerprint = creation_fingerprint(tx)
        if motivo is None:
            legs = []
            if origen is not None:
                legs.append((origen, -monto))
            if destino is not None:
                legs.append((destino, monto))
            for cuenta_id, signed in legs:
                self.leg(ms, tx.transaccion_id, tipo, cuenta_id, signed)
            tx.legs = tuple(legs)
        self.transacciones.append(tx)

    def leg(self, ms: int, transaccion_id: str, tipo: str, cuenta_id: int, signed: int) -> None:
        state = self.accounts[cuenta_id]
        state.saldo += signed
        if state.saldo < 0:
            raise AssertionError(f"account {cuenta_id} would go negative")
        if tipo != "APERTURA":
            state.legs += 1
        state.last_change_ms = ms
        when = to_datetime(ms)
        self.movimientos.append(
            Movimiento(
                movimiento_id=len(self.movimientos) + 1,
                cuenta_id=cuenta_id,
                transaccion_id=transaccion_id,
                tipo=tipo,
                monto=from_minor(signed),
                saldo_resultante=from_minor(state.saldo),
                moneda=state.plan.moneda,
                created_at=when,
                updated_at=when,
            )
        )

    def unique(self, make) -> bytes:
        while (value := make()) in self.seen_ids:
            pass
        self.seen_ids.add(value)
        return value


def creation_fingerprint(tx: Transaccion) -> str:
    """What transacciones stores as ``fingerprint`` for ``POST /transacciones`` with this
    transaction's body (validated by the service's own schema), so that the seeded request sent
    again with its Idempotency-Key (``seed-<transaccion_id>``) is a replay, not a key reuse."""
    body = TransaccionCreate(
        tipo=tx.tipo,
        cuenta_origen_id=tx.cuenta_origen_id,
        cuenta_destino_id=tx.cuenta_destino_id,
        monto=from_minor(tx.monto),
        moneda=tx.moneda,
        descripcion=tx.descripcion,
        metadata=tx.metadata,
    )
    request = body.model_dump(mode="json") | {"monto": to_minor(body.monto)}
    return fingerprint({"op": "crear", **request})


def simulate(
    config: SeedConfig, clientes: list[ClientePlan], cuentas: list[CuentaPlan]
) -> Simulation:
    """Play the transaction window over the accounts (see the module docstring)."""
    return _Simulator(config, clientes, cuentas).run()
