-- The executive dashboard's money, per currency (never summed across currencies): balances,
-- and completed transactions (count, volume, average ticket) in the rolling window and month
-- to date. Only COMPLETADA transactions count as volume. Every currency is listed, with zeros.
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

calendar as (

    select * from {{ ref('int_kpi_calendar') }}

),

currencies as (

    select moneda from {{ currencies() }}

),

balances as (

    select
        moneda,
        count(*) as cuentas,
        sum(saldo_centimos) as saldo_total_centimos
    from {{ ref('dim_cuentas') }}
    group by moneda

),

completed as (

    select fct.moneda, fct.monto_centimos, fct.fecha_dia
    from {{ ref('fct_transacciones') }} as fct
    cross join calendar
    where fct.es_completada
      and fct.fecha_dia <= calendar.as_of_date
      and fct.fecha_dia >= least(calendar.ventana_desde, calendar.mes_desde)

),

volumes as (

    select
        completed.moneda,
        sum(case when completed.fecha_dia >= calendar.ventana_desde then 1 else 0 end)
            as transacciones_ventana,
        sum(case when completed.fecha_dia >= calendar.ventana_desde then completed.monto_centimos else 0 end)
            as volumen_ventana_centimos,
        sum(case when completed.fecha_dia >= calendar.mes_desde then 1 else 0 end)
            as transacciones_mes,
        sum(case when completed.fecha_dia >= calendar.mes_desde then completed.monto_centimos else 0 end)
            as volumen_mes_centimos
    from completed
    cross join calendar
    group by completed.moneda

),

joined as (

    select
        currencies.moneda,
        coalesce(balances.cuentas, 0) as cuentas,
        coalesce(balances.saldo_total_centimos, 0) as saldo_total_centimos,
        coalesce(volumes.transacciones_ventana, 0) as transacciones_ventana,
        coalesce(volumes.volumen_ventana_centimos, 0) as volumen_ventana_centimos,
        coalesce(volumes.transacciones_mes, 0) as transacciones_mes,
        coalesce(volumes.volumen_mes_centimos, 0) as volumen_mes_centimos
    from currencies
    left join balances
        on currencies.moneda = balances.moneda
    left join volumes
        on currencies.moneda = volumes.moneda

)

select
    cast(moneda as varchar) as moneda,
    cast(cuentas as bigint) as cuentas,
    {{ cents_to_decimal('saldo_total_centimos', 18) }} as saldo_total,
    {{ average_cents_to_decimal('saldo_total_centimos', 'cuentas') }} as saldo_promedio,
    cast(transacciones_ventana as bigint) as transacciones_30d,
    {{ cents_to_decimal('volumen_ventana_centimos', 18) }} as volumen_30d,
    {{ average_cents_to_decimal('volumen_ventana_centimos', 'transacciones_ventana') }} as ticket_promedio_30d,
    cast(transacciones_mes as bigint) as transacciones_mes,
    {{ cents_to_decimal('volumen_mes_centimos', 18) }} as volumen_mes,
    {{ average_cents_to_decimal('volumen_mes_centimos', 'transacciones_mes') }} as ticket_promedio_mes
from joined
