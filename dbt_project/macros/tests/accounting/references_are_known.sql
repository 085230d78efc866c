{% test references_are_known(model, cuentas, clientes, horizon) %}
-- Cross-service integrity (no database enforces it): every account belongs to a known client,
-- every transaction that moved money (COMPLETADA) names known accounts of its own currency: a
-- request naming an unknown account or one of another currency is what cuentas rejects
-- (RECHAZADA, nothing posted). Only rows older than the reconciliation horizon are judged.
-- A row here is a violation.
with

horizon as (

    select horizonte from {{ horizon }}

),

clientes as (

    select cliente_id from {{ clientes }}

),

cuentas as (

    select cuenta_id, cliente_id, moneda, fecha_apertura from {{ cuentas }}

),

transacciones as (

    select * from {{ model }}
    where fecha < (select horizonte from horizon)
      and estado = 'COMPLETADA'

),

sides as (

    select transaccion_id, moneda, cuenta_origen_id as cuenta_id from transacciones
    where cuenta_origen_id is not null
    union all
    select transaccion_id, moneda, cuenta_destino_id as cuenta_id from transacciones
    where cuenta_destino_id is not null

)

select
    cast(cuentas.cuenta_id as varchar) as reference,
    'account of an unknown client' as problem
from cuentas
left join clientes
    on cuentas.cliente_id = clientes.cliente_id
where clientes.cliente_id is null
  and cuentas.fecha_apertura < (select horizonte from horizon)

union all

select
    sides.transaccion_id as reference,
    case
        when cuentas.cuenta_id is null then 'transaction on an unknown account'
        else 'transaction in another currency than its account'
    end as problem
from sides
left join cuentas
    on sides.cuenta_id = cuentas.cuenta_id
where cuentas.cuenta_id is null
   or cuentas.moneda <> sides.moneda
{% endtest %}
