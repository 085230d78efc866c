-- Accounts and balances per account type and currency. Every type is listed with every
-- currency, with zeros where there are no accounts (the type list drives the join, so types
-- without accounts never vanish).
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

tipos as (

    select * from {{ ref('stg_cuentas__tipos_cuenta') }}

),

currencies as (

    select moneda from {{ currencies() }}

),

aggregated as (

    select
        tipo_cuenta_id,
        moneda,
        count(*) as cantidad_cuentas,
        sum(case when estado = 'activa' then 1 else 0 end) as cuentas_activas,
        sum(saldo_centimos) as saldo_total_centimos
    from {{ ref('dim_cuentas') }}
    group by tipo_cuenta_id, moneda

),

joined as (

    select
        tipos.tipo_cuenta_id,
        tipos.nombre as tipo_cuenta,
        tipos.descripcion,
        currencies.moneda,
        coalesce(aggregated.cantidad_cuentas, 0) as cantidad_cuentas,
        coalesce(aggregated.cuentas_activas, 0) as cuentas_activas,
        coalesce(aggregated.saldo_total_centimos, 0) as saldo_total_centimos
    from tipos
    cross join currencies
    left join aggregated
        on tipos.tipo_cuenta_id = aggregated.tipo_cuenta_id
        and currencies.moneda = aggregated.moneda

)

select
    cast(tipo_cuenta_id as integer) as tipo_cuenta_id,
    cast(tipo_cuenta as varchar) as tipo_cuenta,
    cast(descripcion as varchar) as descripcion,
    cast(moneda as varchar) as moneda,
    cast(cantidad_cuentas as bigint) as cantidad_cuentas,
    cast(cuentas_activas as bigint) as cuentas_activas,
    {{ cents_to_decimal('saldo_total_centimos', 18) }} as saldo_total,
    {{ average_cents_to_decimal('saldo_total_centimos', 'cantidad_cuentas') }} as saldo_promedio
from joined
