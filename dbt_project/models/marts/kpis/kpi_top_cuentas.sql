-- The accounts with the highest balance, ranked within each currency (balances in different
-- currencies are never compared). Ties: lower cuenta_id first. Account numbers masked.
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

ranked as (

    select
        moneda,
        row_number() over (partition by moneda order by saldo_centimos desc, cuenta_id) as posicion,
        cuenta_id,
        numero_cuenta_enmascarado,
        tipo_cuenta,
        estado,
        saldo
    from {{ ref('dim_cuentas') }}

)

select
    cast(moneda as varchar) as moneda,
    cast(posicion as bigint) as posicion,
    cast(cuenta_id as integer) as cuenta_id,
    cast(numero_cuenta_enmascarado as varchar) as numero_cuenta_enmascarado,
    cast(tipo_cuenta as varchar) as tipo_cuenta,
    cast(estado as varchar) as estado,
    cast(saldo as decimal(15, 2)) as saldo
from ranked
where posicion <= {{ var('top_accounts_per_currency') }}
