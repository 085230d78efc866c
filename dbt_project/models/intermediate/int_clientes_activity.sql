-- Per client: accounts, active accounts and journal activity across all their accounts.
with

cuentas as (

    select * from {{ ref('stg_cuentas__cuentas') }}

),

journal as (

    select * from {{ ref('int_movimientos_aggregated_to_cuentas') }}

),

aggregated as (

    select
        cuentas.cliente_id,
        count(*) as cuentas,
        sum(case when cuentas.estado = 'activa' then 1 else 0 end) as cuentas_activas,
        max(journal.ultima_actividad_at) as ultima_actividad_at,
        sum(coalesce(journal.movimientos_ventana_actividad, 0)) as movimientos_ventana_actividad

    from cuentas
    left join journal
        on cuentas.cuenta_id = journal.cuenta_id
    group by cuentas.cliente_id

)

select * from aggregated
