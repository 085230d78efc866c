-- Transaction volume per month, type and currency: COMPLETADA transactions only (count,
-- volume, average ticket rounded half up to the cent, smallest and largest amount).
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

completed as (

    select * from {{ ref('fct_transacciones') }}
    where es_completada
      and fecha_dia <= (select as_of_date from {{ ref('int_kpi_calendar') }})

),

aggregated as (

    select
        mes,
        tipo,
        moneda,
        count(*) as cantidad,
        sum(monto_centimos) as volumen_centimos,
        min(monto_centimos) as monto_minimo_centimos,
        max(monto_centimos) as monto_maximo_centimos
    from completed
    group by mes, tipo, moneda

)

select
    cast(mes as date) as mes,
    cast(tipo as varchar) as tipo,
    cast(moneda as varchar) as moneda,
    cast(cantidad as bigint) as cantidad,
    {{ cents_to_decimal('volumen_centimos', 18) }} as volumen,
    {{ average_cents_to_decimal('volumen_centimos', 'cantidad') }} as ticket_promedio,
    {{ cents_to_decimal('monto_minimo_centimos') }} as monto_minimo,
    {{ cents_to_decimal('monto_maximo_centimos') }} as monto_maximo
from aggregated
