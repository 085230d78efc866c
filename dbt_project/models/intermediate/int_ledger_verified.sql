-- The gate of the KPI marts: one row, built only after the ledger's accounting identities
-- passed. Those tests (balance = Σ legs, legs of a transfer sum to zero, COMPLETADA <=> legs,
-- known references) sit on the models below; dbt runs a test before the direct children of
-- all of its models, so they run before this gate, and any failure skips it and, with it,
-- every KPI mart (each one depends on this model).
select
    horizon.horizonte,
    (select count(*) from {{ ref('dim_clientes') }}) as clientes,
    (select count(*) from {{ ref('dim_cuentas') }}) as cuentas,
    (select count(*) from {{ ref('fct_movimientos') }}) as movimientos,
    (select count(*) from {{ ref('fct_transacciones') }}) as transacciones
from {{ ref('int_reconciliation_horizon') }} as horizon
