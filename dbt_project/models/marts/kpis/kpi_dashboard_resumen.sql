-- The executive dashboard's figures that are not money: clients (total, active) and accounts
-- by state, as of as_of_date. One row.
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

calendar as (

    select * from {{ ref('int_kpi_calendar') }}

),

clientes as (

    select
        count(*) as total_clientes,
        sum(case when es_activo then 1 else 0 end) as clientes_activos
    from {{ ref('dim_clientes') }}

),

cuentas as (

    select
        count(*) as total_cuentas,
        sum(case when estado = 'activa' then 1 else 0 end) as cuentas_activas,
        sum(case when estado = 'bloqueada' then 1 else 0 end) as cuentas_bloqueadas,
        sum(case when estado = 'cerrada' then 1 else 0 end) as cuentas_cerradas
    from {{ ref('dim_cuentas') }}

)

select
    calendar.as_of_date,
    calendar.ventana_desde,
    calendar.mes_desde,
    calendar.actividad_desde,
    cast(clientes.total_clientes as bigint) as total_clientes,
    cast(coalesce(clientes.clientes_activos, 0) as bigint) as clientes_activos,
    cast(cuentas.total_cuentas as bigint) as total_cuentas,
    cast(coalesce(cuentas.cuentas_activas, 0) as bigint) as cuentas_activas,
    cast(coalesce(cuentas.cuentas_bloqueadas, 0) as bigint) as cuentas_bloqueadas,
    cast(coalesce(cuentas.cuentas_cerradas, 0) as bigint) as cuentas_cerradas
from calendar
cross join clientes
cross join cuentas
