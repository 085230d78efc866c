-- One row per client: state, accounts and whether the client is active (see docs/analytics.md:
-- estado 'activo' and at least one journal leg other than the opening in the
-- active_client_window_days ending on as_of_date). No names, e-mails, phones or documents.
with

clientes as (

    select * from {{ ref('stg_clientes__clientes') }}

),

activity as (

    select * from {{ ref('int_clientes_activity') }}

),

final as (

    select
        clientes.cliente_id,
        clientes.estado,
        clientes.fecha_registro,
        clientes.updated_at,
        cast(coalesce(activity.cuentas, 0) as bigint) as cuentas,
        cast(coalesce(activity.cuentas_activas, 0) as bigint) as cuentas_activas,
        activity.ultima_actividad_at,
        cast(coalesce(activity.movimientos_ventana_actividad, 0) as bigint) as movimientos_ventana_actividad,
        (
            clientes.estado = 'activo'
            and coalesce(activity.movimientos_ventana_actividad, 0) > 0
        ) as es_activo,
        clientes.snapshot_dt

    from clientes
    left join activity
        on clientes.cliente_id = activity.cliente_id

)

select * from final
