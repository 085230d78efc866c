-- Transactions per month, type, state and currency: how many, and the amount they carried.
-- Only the COMPLETADA rows are volume (kpi_volumen_transacciones); the others show what was
-- attempted and rejected or is still pending.
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

transacciones as (

    select * from {{ ref('fct_transacciones') }}
    where fecha_dia <= (select as_of_date from {{ ref('int_kpi_calendar') }})

),

aggregated as (

    select
        mes,
        tipo,
        estado,
        moneda,
        count(*) as cantidad,
        sum(monto_centimos) as monto_total_centimos
    from transacciones
    group by mes, tipo, estado, moneda

)

select
    cast(mes as date) as mes,
    cast(tipo as varchar) as tipo,
    cast(estado as varchar) as estado,
    cast(moneda as varchar) as moneda,
    cast(cantidad as bigint) as cantidad,
    {{ cents_to_decimal('monto_total_centimos', 18) }} as monto_total
from aggregated
