{{
    config(
        materialized='incremental',
        unique_key='movimiento_id',
        incremental_strategy=safe_incremental_strategy(),
        on_schema_change='fail',
        partitioned_by=['month(created_at)'] if target.type == 'athena' else none,
    )
}}
-- The journal, one row per leg, with the account's client. Incremental: the partition window
-- given by the orchestrator, else the legs written since the last load.
with

movimientos as (

    select * from {{ ref('stg_cuentas__movimientos') }}
    {{ incremental_window(partition_column='partition_dt', watermark_column='updated_at') }}

),

cuentas as (

    select cuenta_id, cliente_id from {{ ref('stg_cuentas__cuentas') }}

),

final as (

    select
        movimientos.movimiento_id,
        movimientos.cuenta_id,
        cuentas.cliente_id,
        movimientos.transaccion_id,
        movimientos.tipo,
        movimientos.moneda,
        movimientos.monto_centimos,
        movimientos.monto,
        movimientos.saldo_resultante_centimos,
        movimientos.saldo_resultante,
        movimientos.created_at,
        {{ to_day('movimientos.created_at') }} as fecha_dia,
        movimientos.updated_at,
        movimientos.partition_dt

    from movimientos
    left join cuentas
        on movimientos.cuenta_id = cuentas.cuenta_id

)

select * from final
