"""The whole generated dataset for one (scale, seed, as-of): pure Python, no database."""

from __future__ import annotations

from dataclasses import dataclass

from seed.clientes import generate_clientes
from seed.config import SeedConfig
from seed.cuentas import generate_cuentas
from seed.model import Cliente, Cuenta, Documento, Movimiento, Transaccion, digest
from seed.rand import to_datetime
from seed.transacciones import simulate
from services.common.money import from_minor
from services.cuentas.numbering import numero_cuenta


@dataclass(slots=True)
class Dataset:
    config: SeedConfig
    clientes: list[Cliente]
    documentos: list[Documento]
    cuentas: list[Cuenta]
    movimientos: list[Movimiento]
    transacciones: list[Transaccion]

    def tables(self) -> dict[str, list]:
        """Every table's rows, in load order."""
        return {
            "clientes": self.clientes,
            "documentos_identidad": self.documentos,
            "cuentas": self.cuentas,
            "movimientos": self.movimientos,
            "transacciones": self.transacciones,
        }

    def digests(self) -> dict[str, str]:
        """SHA-256 of each table's rows: equal digests mean byte-identical data."""
        return {name: digest(rows) for name, rows in self.tables().items()}


def generate(config: SeedConfig) -> Dataset:
    clientes, documentos = generate_clientes(config)
    plans = generate_cuentas(config, clientes)
    simulation = simulate(config, clientes, plans)
    cuentas = []
    for plan in plans:
        state = simulation.accounts[plan.cuenta_id]
        cuentas.append(
            Cuenta(
                cuenta_id=plan.cuenta_id,
                cliente_id=plan.cliente_id,
                tipo_cuenta_id=plan.tipo_cuenta_id,
                numero_cuenta=numero_cuenta(plan.cuenta_id),
                saldo=from_minor(state.saldo),
                moneda=plan.moneda,
                fecha_apertura=to_datetime(plan.apertura_ms),
                estado=plan.estado,
                version=state.legs,
                updated_at=to_datetime(state.last_change_ms),
            )
        )
    return Dataset(
        config=config,
        clientes=[p.cliente for p in clientes],
        documentos=documentos,
        cuentas=cuentas,
        movimientos=simulation.movimientos,
        transacciones=simulation.transacciones,
    )
