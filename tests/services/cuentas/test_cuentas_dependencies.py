"""cuentas when what it depends on fails: clientes unreachable, the database restarting."""

from __future__ import annotations

import httpx
from cuentas_support import Bank, fresh_cliente, new_key

from infra.local.process import wait_until
from infra.local.stack import Stack


def test_clientes_unreachable_is_503_and_consumes_no_key(cuentas_stack: Stack, bank: Bank, http):
    cliente_id = fresh_cliente()
    existing = bank.open("1", cliente_id=cliente_id)
    key = new_key()
    body = {"cliente_id": fresh_cliente(), "tipo_cuenta_id": 1, "moneda": "PEN"}
    without_accounts = fresh_cliente()
    cuentas_stack.down(["clientes"])
    try:
        refused = http.post("/cuentas", json=body, headers={"Idempotency-Key": key})
        assert refused.status_code == 503 and refused.json()["code"] == "clientes_no_disponible"
        lonely = http.get(f"/cuentas/cliente/{without_accounts}")
        assert lonely.status_code == 503
        # a client with accounts is known to exist (clients are never deleted): no need to ask
        mine = http.get(f"/cuentas/cliente/{cliente_id}")
        assert mine.status_code == 200 and mine.json()["items"] == [existing]
    finally:
        cuentas_stack.up(["clientes"])
    # nothing was stored under the key: the retry opens the account
    retried = http.post("/cuentas", json=body, headers={"Idempotency-Key": key})
    assert retried.status_code == 201


def test_a_database_restart_is_503_then_recovers(cuentas_stack: Stack, bank: Bank, settings, admin):
    cuenta_id = bank.open("5")["cuenta_id"]
    instance = settings.service_url(settings.cuentas_instance_ports[0])
    with httpx.Client(base_url=instance, headers=admin, timeout=30) as direct:
        assert direct.get(f"/cuentas/{cuenta_id}").status_code == 200  # pooled connections
        cuentas_stack.down(["mariadb"])
        try:
            read = direct.get(f"/cuentas/{cuenta_id}")
            assert read.status_code == 503 and read.json()["code"] == "db_unavailable"
            write = direct.patch(
                f"/cuentas/{cuenta_id}/saldo",
                json={"monto": "1", "operacion": "deposito"},
                headers={"Idempotency-Key": new_key()},
            )
            assert write.status_code == 503
            assert direct.get("/health/ready").status_code == 503
            assert "internal" not in read.text.lower()
        finally:
            cuentas_stack.up(["mariadb"])
        # the pool drops its dead connections and the instance serves again
        assert wait_until(lambda: direct.get(f"/cuentas/{cuenta_id}").status_code == 200, 10)
        assert direct.get("/health/ready").status_code == 200


def test_killed_database_connections_are_replaced_without_an_error(
    bank: Bank, settings, admin, sql
):
    """Every pooled connection of an instance is killed behind its back (as a MariaDB restart
    or a network cut would): the next reads, fast lane and routes alike, still answer 200."""
    cuenta = bank.open("7.25")
    instance = settings.service_url(settings.cuentas_instance_ports[0])
    reads = [f"/cuentas/{cuenta['cuenta_id']}", f"/cuentas/numero/{cuenta['numero_cuenta']}"]
    with httpx.Client(base_url=instance, headers=admin, timeout=30) as direct:
        for _ in range(3):
            assert [direct.get(path).status_code for path in reads] == [200, 200]
        with sql.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM information_schema.processlist "
                "WHERE user = %s AND id <> CONNECTION_ID()",
                (settings.mysql_user,),
            )
            pooled = [row[0] for row in cursor.fetchall()]
            assert pooled
            for connection_id in pooled:
                cursor.execute(f"KILL CONNECTION {connection_id:d}")
        for path in reads:
            again = direct.get(path)
            assert again.status_code == 200 and again.json() == cuenta
