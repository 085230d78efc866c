-- The active clients (definition in docs/analytics.md and dim_clientes): one row per active
-- client with the activity that makes it active. No PII: the client id only.
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
select
    cast(cliente_id as integer) as cliente_id,
    cast(cuentas_activas as bigint) as cuentas_activas,
    cast(movimientos_ventana_actividad as bigint) as movimientos_ventana,
    cast(ultima_actividad_at as {{ timestamp_type() }}) as ultima_actividad_at
from {{ ref('dim_clientes') }}
where es_activo
