"""The generator without databases: determinism, formats, distributions and the money
invariants of the journal it produces."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from bson import Int64
from seed_testdata import AS_OF, REPO_ROOT, SMALL
from ulid import ULID

from seed import peru
from seed.clientes import generate_clientes
from seed.config import DEFAULT_SEED, SeedConfig
from seed.dataset import Dataset, generate
from seed.formats import ruc_check_digit, ruc_valid
from seed.rand import lima_hour, to_ms
from services.clientes.validation import check_email, check_name, check_numero, check_telefono
from services.cuentas.numbering import luhn_valid

DIGESTS_SCRIPT = (
    "import json, sys; from datetime import date; from seed.config import SeedConfig; "
    "from seed.dataset import generate; "
    "c = SeedConfig(as_of=date.fromisoformat(sys.argv[1]), scale=float(sys.argv[2]), "
    "seed=int(sys.argv[3])); print(json.dumps(generate(c).digests()))"
)


def digests_in_subprocess(config: SeedConfig, hash_seed: str) -> dict[str, str]:
    """Digests computed by a fresh interpreter with another string-hash seed (so set or dict
    ordering that depended on hashing would show)."""
    result = subprocess.run(
        [sys.executable, "-c", DIGESTS_SCRIPT, config.as_of.isoformat(), str(config.scale),
         str(config.seed)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


# --- determinism ----------------------------------------------------------------------------
def test_same_inputs_give_byte_identical_data(small: Dataset):
    expected = small.digests()
    assert generate(SMALL).digests() == expected
    assert digests_in_subprocess(SMALL, "12345") == expected


def test_another_seed_or_day_changes_every_table(small: Dataset):
    reference = small.digests()
    for config in (
        SeedConfig(as_of=AS_OF, scale=SMALL.scale, seed=SMALL.seed + 1),
        SeedConfig(as_of=AS_OF + timedelta(days=1), scale=SMALL.scale, seed=SMALL.seed),
    ):
        other = generate(config).digests()
        assert all(other[table] != reference[table] for table in reference), config


def test_volumes_follow_the_scale(small: Dataset):
    assert len(small.clientes) == len(small.cuentas) == len(small.transacciones) == 1000
    assert SeedConfig(as_of=AS_OF).n_clientes == 20_000
    assert SeedConfig(as_of=AS_OF, scale=2.5).n_transacciones == 50_000
    with pytest.raises(ValueError):
        SeedConfig(as_of=AS_OF, scale=0)
    with pytest.raises(ValueError):
        SeedConfig(as_of=AS_OF, scale=0.00001)  # not even one client
    with pytest.raises(ValueError, match="2038"):
        SeedConfig(as_of=date(2039, 1, 1))


def test_ids_are_sequential_and_follow_time(small: Dataset):
    for rows, id_column, time_column in (
        (small.clientes, "cliente_id", "fecha_registro"),
        (small.cuentas, "cuenta_id", "fecha_apertura"),
        (small.movimientos, "movimiento_id", "created_at"),
    ):
        assert [getattr(r, id_column) for r in rows] == list(range(1, len(rows) + 1))
        times = [getattr(r, time_column) for r in rows]
        assert times == sorted(times), id_column
    assert [d.documento_id for d in small.documentos] == list(range(1, len(small.documentos) + 1))


def test_every_instant_is_utc_with_millisecond_precision_and_before_as_of(small: Dataset):
    cutoff = to_ms(AS_OF)
    instants = [c.fecha_registro for c in small.clientes] + [c.updated_at for c in small.clientes]
    instants += [c.fecha_apertura for c in small.cuentas] + [c.updated_at for c in small.cuentas]
    instants += [m.created_at for m in small.movimientos]
    instants += [t.fecha for t in small.transacciones]
    for moment in instants:
        assert moment.tzinfo is UTC and moment.microsecond % 1000 == 0
        assert to_ms(moment) < cutoff


# --- clients --------------------------------------------------------------------------------
def test_every_email_is_valid_ascii_and_unique(small: Dataset):
    emails = [c.email for c in small.clientes]
    for email in emails:
        # the clientes API's own rule (ASCII, email-validator without DNS); nothing to normalise
        assert check_email(email) == email
    assert len({e.lower() for e in emails}) == len(emails)


def test_emails_and_documents_stay_unique_and_valid_at_full_scale():
    # what `cloudbank seed` loads by default
    clientes, documentos = generate_clientes(SeedConfig(as_of=AS_OF, seed=DEFAULT_SEED))
    emails = [p.cliente.email for p in clientes]
    assert len({e.lower() for e in emails}) == len(emails) == 20_000
    for email in emails:
        assert check_email(email) == email
    numbers = [d.numero_documento for d in documentos]
    assert len(set(numbers)) == len(numbers)


def test_names_are_peruvian_with_both_surnames(small: Dataset):
    given = set(peru.MALE_NAMES) | set(peru.FEMALE_NAMES) | set(peru.MARIA_COMPOUNDS)
    surnames = set(peru.SURNAMES)
    for c in small.clientes:
        # what the clientes API accepts, unchanged
        assert check_name(c.nombre) == c.nombre and check_name(c.apellido) == c.apellido
        assert c.nombre.split(" ")[0] in given
        words = c.apellido.split(" ")
        # paternal + maternal: some surnames have several words ("De la Cruz")
        assert any(
            " ".join(words[:i]) in surnames and " ".join(words[i:]) in surnames
            for i in range(1, len(words))
        ), c.apellido
    assert any(ch in "áéíóúñÁÉÍÓÚÑ" for c in small.clientes for ch in c.nombre + c.apellido)


def test_phones_are_peruvian_mobiles(small: Dataset):
    phones = [c.telefono for c in small.clientes if c.telefono is not None]
    assert len(phones) > 0.9 * len(small.clientes)
    assert all(re.fullmatch(r"\+51 9\d{2} \d{3} \d{3}", p) for p in phones)
    assert all(check_telefono(p) == p for p in phones)


def test_client_states_follow_their_weights(half: Dataset):
    clientes = half.clientes
    share = Counter(c.estado for c in clientes)
    assert share["activo"] / len(clientes) == pytest.approx(0.85, abs=0.02)
    assert share["inactivo"] / len(clientes) == pytest.approx(0.10, abs=0.015)
    assert share["bloqueado"] / len(clientes) == pytest.approx(0.05, abs=0.01)


def test_clients_changed_after_registering(small: Dataset):
    for c in small.clientes:
        assert c.updated_at >= c.fecha_registro
        assert (c.updated_at > c.fecha_registro) == (c.estado != "activo")


# --- documents ------------------------------------------------------------------------------
FORMATS = {
    "DNI": r"[0-9]{8}",
    "RUC": r"(10|15|17|20)[0-9]{9}",
    "Pasaporte": r"[A-Z0-9]{6,12}",
    "Carnet Extranjeria": r"[0-9]{9,12}",
}


def test_documents_are_unique_and_well_formed(small: Dataset):
    numbers = [d.numero_documento for d in small.documentos]
    assert len(set(numbers)) == len(numbers)
    for d in small.documentos:
        assert re.fullmatch(FORMATS[d.tipo_documento], d.numero_documento), d
        assert check_numero(d.tipo_documento, d.numero_documento) == d.numero_documento
        if d.tipo_documento == "RUC":
            assert d.numero_documento.startswith("10") and ruc_valid(d.numero_documento)
            assert d.fecha_vencimiento is None
        else:
            assert d.fecha_emision < d.fecha_vencimiento
        assert d.fecha_emision <= d.created_at.date()


def test_every_client_has_a_primary_document_by_the_weights(half: Dataset):
    dataset = half
    primary = {}
    for d in dataset.documentos:
        primary.setdefault(d.cliente_id, d)
    assert sorted(primary) == [c.cliente_id for c in dataset.clientes]
    share = Counter(d.tipo_documento for d in primary.values())
    n = len(primary)
    assert share["DNI"] / n == pytest.approx(0.80, abs=0.02)
    assert share["Carnet Extranjeria"] / n == pytest.approx(0.08, abs=0.015)
    assert share["Pasaporte"] / n == pytest.approx(0.05, abs=0.01)
    assert share["RUC"] / n == pytest.approx(0.07, abs=0.015)
    # a second document is the DNI inside a person's RUC
    by_client = defaultdict(list)
    for d in dataset.documentos:
        by_client[d.cliente_id].append(d)
    for docs in by_client.values():
        if len(docs) > 1:
            assert [d.tipo_documento for d in docs] == ["RUC", "DNI"]
            assert docs[0].numero_documento[2:10] == docs[1].numero_documento


def test_ruc_check_digit():
    assert ruc_check_digit("2013131295") == "5"  # SUNAT's own RUC: 20131312955
    assert ruc_valid("20131312955") and not ruc_valid("20131312954")


# --- accounts -------------------------------------------------------------------------------
def test_accounts_are_well_formed(small: Dataset):
    clientes = {c.cliente_id: c for c in small.clientes}
    numbers = [c.numero_cuenta for c in small.cuentas]
    assert len(set(numbers)) == len(numbers)
    for c in small.cuentas:
        assert re.fullmatch(r"191[0-9]{11}", c.numero_cuenta) and luhn_valid(c.numero_cuenta)
        assert c.numero_cuenta[3:13] == f"{c.cuenta_id:010d}"
        assert c.fecha_apertura > clientes[c.cliente_id].fecha_registro
        assert c.tipo_cuenta_id in (1, 2, 3, 4) and c.moneda in ("PEN", "USD", "EUR")
        assert c.saldo >= 0 and c.saldo == c.saldo.quantize(Decimal("0.01"))
        if c.estado == "cerrada":
            assert c.saldo == 0
        # inactive and blocked clients keep no active account
        if clientes[c.cliente_id].estado != "activo":
            assert c.estado in ("cerrada", "bloqueada")


def test_accounts_per_client_and_mix(half: Dataset):
    dataset = half
    per_client = Counter(c.cliente_id for c in dataset.cuentas)
    counts = Counter(per_client.get(c.cliente_id, 0) for c in dataset.clientes)
    assert counts[0] > 0.15 * len(dataset.clientes)  # some have none
    assert sum(n for k, n in counts.items() if k >= 2) > 0.1 * len(dataset.clientes)
    estado = {c.cliente_id: c.estado for c in dataset.clientes}
    mean = {
        e: sum(per_client.get(c, 0) for c in estado if estado[c] == e)
        / sum(1 for c in estado if estado[c] == e)
        for e in ("activo", "inactivo")
    }
    assert mean["inactivo"] < mean["activo"]
    n = len(dataset.cuentas)
    monedas = Counter(c.moneda for c in dataset.cuentas)
    assert monedas["PEN"] / n == pytest.approx(0.80, abs=0.02)
    assert monedas["USD"] / n == pytest.approx(0.17, abs=0.02)
    assert monedas["EUR"] / n == pytest.approx(0.03, abs=0.01)
    tipos = Counter(c.tipo_cuenta_id for c in dataset.cuentas)
    assert set(tipos) == {1, 2, 3, 4} and tipos[3] < tipos[4] < tipos[1]


# --- journal and transactions ---------------------------------------------------------------
def test_balance_is_the_sum_of_the_journal_which_never_goes_negative(small: Dataset):
    running: dict[int, Decimal] = defaultdict(Decimal)
    legs: dict[int, list] = defaultdict(list)
    for m in small.movimientos:
        assert m.monto != 0 and m.created_at == m.updated_at
        running[m.cuenta_id] += m.monto
        assert m.saldo_resultante == running[m.cuenta_id] >= 0
        legs[m.cuenta_id].append(m)
    for c in small.cuentas:
        first = legs[c.cuenta_id][0]
        # the opening balance is the account's one APERTURA leg, and its first
        assert first.tipo == "APERTURA" and first.transaccion_id == f"APERTURA-{c.cuenta_id}"
        assert first.created_at == c.fecha_apertura and first.monto > 0
        assert sum(m.tipo == "APERTURA" for m in legs[c.cuenta_id]) == 1
        assert c.saldo == sum(m.monto for m in legs[c.cuenta_id])
        assert all(m.moneda == c.moneda for m in legs[c.cuenta_id])
        assert c.version == len(legs[c.cuenta_id]) - 1


def expected_legs(t) -> list[tuple[int, Decimal]]:
    monto = Decimal(t.monto) / 100
    return {
        "DEPOSITO": [(t.cuenta_destino_id, monto)],
        "RETIRO": [(t.cuenta_origen_id, -monto)],
        "PAGO_SERVICIO": [(t.cuenta_origen_id, -monto)],
        "TRANSFERENCIA": [(t.cuenta_origen_id, -monto), (t.cuenta_destino_id, monto)],
    }[t.tipo]


def test_every_completed_transaction_has_exactly_its_legs(small: Dataset):
    legs = defaultdict(list)
    for m in small.movimientos:
        legs[m.transaccion_id].append(m)
    ids = {t.transaccion_id for t in small.transacciones}
    assert all(tid in ids or tid.startswith("APERTURA-") for tid in legs)
    states = Counter(t.estado for t in small.transacciones)
    assert 0 < states["RECHAZADA"] < 0.06 * len(small.transacciones)
    for t in small.transacciones:
        got = [(m.cuenta_id, m.monto) for m in legs.get(t.transaccion_id, [])]
        if t.estado == "COMPLETADA":
            assert got == expected_legs(t) and t.motivo is None
            assert all(m.tipo == t.tipo and m.created_at == t.fecha for m in legs[t.transaccion_id])
        else:
            assert t.estado == "RECHAZADA" and t.motivo and got == []


def test_rejections_are_debits_the_balance_could_not_cover(small: Dataset):
    # balance of every account just before each instant, replaying the journal
    journal = defaultdict(list)
    for m in small.movimientos:
        journal[m.cuenta_id].append(m)

    def balance_before(cuenta_id, moment):
        legs = [m for m in journal[cuenta_id] if m.created_at <= moment]
        return legs[-1].saldo_resultante if legs else Decimal(0)

    rejected = [t for t in small.transacciones if t.estado == "RECHAZADA"]
    assert rejected
    for t in rejected:
        assert t.cuenta_origen_id is not None and t.motivo == "saldo_insuficiente"
        assert Decimal(t.monto) / 100 > balance_before(t.cuenta_origen_id, t.fecha)


#: (has an origin, has a destination) by type
ACCOUNTS_BY_TIPO = {
    "DEPOSITO": (False, True),
    "RETIRO": (True, False),
    "PAGO_SERVICIO": (True, False),
    "TRANSFERENCIA": (True, True),
}


def test_transactions_only_touch_active_accounts_of_their_currency(small: Dataset):
    cuentas = {c.cuenta_id: c for c in small.cuentas}
    for t in small.transacciones:
        has = (t.cuenta_origen_id is not None, t.cuenta_destino_id is not None)
        assert has == ACCOUNTS_BY_TIPO[t.tipo], t
        involved = [c for c in (t.cuenta_origen_id, t.cuenta_destino_id) if c is not None]
        if t.tipo == "TRANSFERENCIA":
            assert t.cuenta_origen_id != t.cuenta_destino_id
        for cuenta_id in involved:
            cuenta = cuentas[cuenta_id]
            assert cuenta.moneda == t.moneda
            assert cuenta.fecha_apertura <= t.fecha
            # a blocked or closed account changed state at its updated_at: nothing after
            assert cuenta.estado == "activa" or t.fecha <= cuenta.updated_at


def test_closing_an_account_withdraws_its_balance(small: Dataset):
    last = {}
    for t in small.transacciones:
        for cuenta_id in (t.cuenta_origen_id, t.cuenta_destino_id):
            if cuenta_id is not None:
                last[cuenta_id] = t
    closed = [c for c in small.cuentas if c.estado == "cerrada"]
    assert closed
    for c in closed:
        final = last[c.cuenta_id]
        assert final.tipo == "RETIRO" and final.cuenta_origen_id == c.cuenta_id
        assert final.descripcion == "Retiro del saldo por cierre de cuenta"


def test_transactions_fill_the_last_twelve_months_with_seasonality(half: Dataset):
    dataset = half
    fechas = [t.fecha for t in dataset.transacciones]
    start = to_ms(AS_OF) - 365 * 86_400_000
    assert min(to_ms(f) for f in fechas) >= start
    assert max(fechas).date() == AS_OF - timedelta(days=1)
    assert len({f.date() for f in fechas}) > 360  # every day or nearly
    weekdays = Counter(f.weekday() for f in fechas)
    assert weekdays[6] < 0.75 * weekdays[4]  # Sunday is quieter than Friday
    hours = Counter(lima_hour(to_ms(f)) for f in fechas)
    assert hours[3] * 10 < hours[11]  # 3 a.m. is quieter than 11 a.m. in Lima


def test_amounts_are_lognormal_per_type(small: Dataset):
    completed = [t for t in small.transacciones if t.moneda == "PEN"]
    by_tipo = defaultdict(list)
    for t in completed:
        by_tipo[t.tipo].append(t.monto)
    medians = {tipo: sorted(v)[len(v) // 2] for tipo, v in by_tipo.items()}
    assert medians["PAGO_SERVICIO"] < medians["RETIRO"] < medians["DEPOSITO"]
    assert all(t.monto >= 100 for t in small.transacciones)


def test_transaction_documents(small: Dataset):
    for t in small.transacciones:
        doc = t.document()
        ulid = ULID.from_str(doc["transaccion_id"])
        assert ulid.milliseconds == to_ms(doc["fecha"])
        assert doc["_id"].generation_time == doc["fecha"].replace(microsecond=0)
        assert isinstance(doc["monto"], Int64) and doc["monto"] > 0
        assert doc["idempotency_key"] == f"seed-{doc['transaccion_id']}"
        assert set(doc["metadata"]) == {"canal", "dispositivo", "ubicacion"}
        assert doc["created_at"] == doc["fecha"] < doc["updated_at"]
        assert doc["tipo"] in ("DEPOSITO", "RETIRO", "TRANSFERENCIA", "PAGO_SERVICIO")
    ids = [t.transaccion_id for t in small.transacciones]
    assert len(set(ids)) == len(ids)
    assert len({t.object_id for t in small.transacciones}) == len(ids)


def test_tables_have_no_duplicates():
    for table in (peru.MALE_NAMES, peru.FEMALE_NAMES, peru.SURNAMES, peru.MARIA_COMPOUNDS):
        assert len(set(table)) == len(table)
    for table in (peru.EMAIL_DOMAINS, peru.LOCATIONS, peru.SERVICE_PAYEES):
        assert len({name for name, _ in table}) == len(table)
