-- Per account: its journal summed (the balance the journal says it should have), its legs,
-- and its last activity (legs other than the opening).
with

movimientos as (

    select * from {{ ref('stg_cuentas__movimientos') }}

),

calendar as (

    select * from {{ ref('int_kpi_calendar') }}

),

aggregated as (

    select
        movimientos.cuenta_id,
        count(*) as movimientos,
        sum(movimientos.monto_centimos) as saldo_journal_centimos,
        max(movimientos.movimiento_id) as ultimo_movimiento_id,
        max(
            case
                when movimientos.tipo <> 'APERTURA'
                    and {{ to_day('movimientos.created_at') }} <= calendar.as_of_date
                    then movimientos.created_at
            end
        ) as ultima_actividad_at,
        sum(
            case
                when movimientos.tipo <> 'APERTURA'
                    and {{ to_day('movimientos.created_at') }} between calendar.actividad_desde and calendar.as_of_date
                    then 1
                else 0
            end
        ) as movimientos_ventana_actividad

    from movimientos
    cross join calendar
    group by movimientos.cuenta_id

)

select * from aggregated
