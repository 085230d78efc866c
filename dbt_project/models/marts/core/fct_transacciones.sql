{{
    config(
        materialized='incremental',
        unique_key='transaccion_id',
        incremental_strategy=safe_incremental_strategy(),
        on_schema_change='fail',
        partitioned_by=['month(fecha)'] if target.type == 'athena' else none,
    )
}}
-- One row per business transaction, in its latest state. Incremental: a transaction changes
-- state after it is first loaded (PENDIENTE -> COMPLETADA | RECHAZADA), so rows are merged by
-- transaccion_id: the partition window given by the orchestrator, else every row changed since
-- the last load.
with

transacciones as (

    select * from {{ ref('stg_transacciones__transacciones') }}
    {{ incremental_window(partition_column='partition_dt', watermark_column='updated_at') }}

),

final as (

    select
        transaccion_id,
        tipo,
        estado,
        (estado = 'COMPLETADA') as es_completada,
        cuenta_origen_id,
        cuenta_destino_id,
        moneda,
        monto_centimos,
        monto,
        motivo,
        reversa_de,
        fecha,
        {{ to_day('fecha') }} as fecha_dia,
        {{ month_start(to_day('fecha')) }} as mes,
        created_at,
        updated_at,
        partition_dt

    from transacciones

)

select * from final
