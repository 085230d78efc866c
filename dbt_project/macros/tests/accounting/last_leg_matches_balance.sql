{% test last_leg_matches_balance(model, journal, horizon) %}
-- Accounting identity: an account's newest journal leg records the balance the account holds
-- (saldo_resultante of the last leg = saldo). Only settled accounts (unchanged since before the
-- reconciliation horizon) are judged. A row here is a violation.
with

horizon as (

    select horizonte from {{ horizon }}

),

last_legs as (

    select cuenta_id, saldo_resultante_centimos
    from (
        select
            cuenta_id,
            saldo_resultante_centimos,
            row_number() over (partition by cuenta_id order by movimiento_id desc) as recency
        from {{ journal }}
    ) as ranked
    where recency = 1

)

select
    cuentas.cuenta_id,
    cuentas.saldo_centimos,
    last_legs.saldo_resultante_centimos
from {{ model }} as cuentas
inner join last_legs
    on cuentas.cuenta_id = last_legs.cuenta_id
where cuentas.updated_at < (select horizonte from horizon)
  and cuentas.saldo_centimos <> last_legs.saldo_resultante_centimos
{% endtest %}
