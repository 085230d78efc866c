-- Daily activity over the rolling window ending on as_of_date: per day, type and currency,
-- every transaction by state and the completed volume. Every day x type x currency is
-- listed, with zeros (a quiet day is a zero, not a gap).
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

calendar as (

    select * from {{ ref('int_kpi_calendar') }}

),

days as (

    select {{ add_days('calendar.ventana_desde', 'offsets.n') }} as fecha
    from calendar
    cross join {{ integers(var('kpi_window_days'), 'offsets') }}

),

types as (

    select tipo from (
        values {% for t in var('transaction_types') %}('{{ t }}'){% if not loop.last %}, {% endif %}{% endfor %}
    ) as types(tipo)

),

currencies as (

    select moneda from {{ currencies() }}

),

transacciones as (

    select fct.*
    from {{ ref('fct_transacciones') }} as fct
    cross join calendar
    where fct.fecha_dia between calendar.ventana_desde and calendar.as_of_date

),

aggregated as (

    select
        fecha_dia,
        tipo,
        moneda,
        count(*) as cantidad,
        sum(case when estado = 'COMPLETADA' then 1 else 0 end) as completadas,
        sum(case when estado = 'RECHAZADA' then 1 else 0 end) as rechazadas,
        sum(case when estado = 'PENDIENTE' then 1 else 0 end) as pendientes,
        sum(case when estado = 'COMPLETADA' then monto_centimos else 0 end) as volumen_centimos
    from transacciones
    group by fecha_dia, tipo, moneda

),

joined as (

    select
        days.fecha,
        types.tipo,
        currencies.moneda,
        coalesce(aggregated.cantidad, 0) as cantidad,
        coalesce(aggregated.completadas, 0) as completadas,
        coalesce(aggregated.rechazadas, 0) as rechazadas,
        coalesce(aggregated.pendientes, 0) as pendientes,
        coalesce(aggregated.volumen_centimos, 0) as volumen_centimos
    from days
    cross join types
    cross join currencies
    left join aggregated
        on days.fecha = aggregated.fecha_dia
        and types.tipo = aggregated.tipo
        and currencies.moneda = aggregated.moneda

)

select
    cast(fecha as date) as fecha,
    cast(tipo as varchar) as tipo,
    cast(moneda as varchar) as moneda,
    cast(cantidad as bigint) as cantidad,
    cast(completadas as bigint) as completadas,
    cast(rechazadas as bigint) as rechazadas,
    cast(pendientes as bigint) as pendientes,
    {{ cents_to_decimal('volumen_centimos', 18) }} as volumen
from joined
