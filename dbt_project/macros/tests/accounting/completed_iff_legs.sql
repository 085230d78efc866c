{% test completed_iff_legs(model, legs, horizon) %}
-- Accounting identity: a transaction is COMPLETADA if and only if the journal holds its legs,
-- and those legs are exactly what it moved: -monto on the origin, +monto on the destination,
-- in its currency. Legs written by cuentas itself (account openings 'APERTURA-<id>' and
-- teller operations 'IDEM-<hash>') belong to no transaction.
-- The sources are extracted one after another from live systems, so only settled rows are
-- judged: transactions last changed before the reconciliation horizon, legs written before
-- it (a transaction's legs are written before it is recorded as COMPLETADA).
-- A row here is a violation.
with

horizon as (

    select horizonte from {{ horizon }}

),

transacciones as (

    select * from {{ model }}

),

legs as (

    select * from {{ legs }}
    where transaccion_id not like 'APERTURA-%'
      and transaccion_id not like 'IDEM-%'

),

expected as (

    select transaccion_id, updated_at, cuenta_origen_id as cuenta_id,
           -monto_centimos as monto_centimos, moneda
    from transacciones
    where es_completada and cuenta_origen_id is not null

    union all

    select transaccion_id, updated_at, cuenta_destino_id as cuenta_id,
           monto_centimos, moneda
    from transacciones
    where es_completada and cuenta_destino_id is not null

),

missing as (

    select
        expected.transaccion_id,
        expected.cuenta_id,
        'COMPLETADA without this leg' as problem

    from expected
    left join legs
        on expected.transaccion_id = legs.transaccion_id
        and expected.cuenta_id = legs.cuenta_id
        and expected.monto_centimos = legs.monto_centimos
        and expected.moneda = legs.moneda
    where legs.movimiento_id is null
      and expected.updated_at < (select horizonte from horizon)

),

unexpected as (

    select
        legs.transaccion_id,
        legs.cuenta_id,
        case
            when transacciones.transaccion_id is null then 'leg of an unknown transaction'
            when transacciones.es_completada then 'leg not moved by its transaction'
            else concat('leg of a transaction in state ', transacciones.estado)
        end as problem

    from legs
    left join expected
        on legs.transaccion_id = expected.transaccion_id
        and legs.cuenta_id = expected.cuenta_id
        and legs.monto_centimos = expected.monto_centimos
        and legs.moneda = expected.moneda
    left join transacciones
        on legs.transaccion_id = transacciones.transaccion_id
    where expected.transaccion_id is null
      and legs.created_at < (select horizonte from horizon)
      -- posted, not yet recorded as completed: in flight, unless it stays so past the horizon
      and not (
          transacciones.estado = 'PENDIENTE'
          and transacciones.updated_at >= (select horizonte from horizon)
      )

)

select * from missing
union all
select * from unexpected
{% endtest %}
