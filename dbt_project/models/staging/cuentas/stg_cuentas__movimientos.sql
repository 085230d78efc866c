-- The journal: one row per leg (signed amount: credit > 0, debit < 0).
with

source as (

    select * from {{ source('cuentas', 'movimientos') }}

),

renamed as (

    select
        cast(movimiento_id as bigint) as movimiento_id,
        cast(cuenta_id as integer) as cuenta_id,
        cast(transaccion_id as varchar) as transaccion_id,
        cast(tipo as varchar) as tipo,
        cast(monto as bigint) as monto_centimos,
        {{ cents_to_decimal('monto') }} as monto,
        cast(saldo_resultante as bigint) as saldo_resultante_centimos,
        {{ cents_to_decimal('saldo_resultante') }} as saldo_resultante,
        cast(moneda as varchar) as moneda,
        cast(created_at as {{ timestamp_type() }}) as created_at,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as partition_dt

    from source

)

select * from renamed
