{% test legs_balance_per_transaction(model) %}
-- Accounting identity: the legs of a transaction that moves money between two accounts (a
-- transfer, or the reversal of one) sum to zero, in one currency. A row here is a violation.
with

legs as (

    select * from {{ model }}

),

per_transaction as (

    select
        transaccion_id,
        count(*) as legs,
        count(distinct moneda) as currencies,
        sum(monto_centimos) as total_centimos,
        max(case when tipo = 'TRANSFERENCIA' then 1 else 0 end) as is_transfer

    from legs
    group by transaccion_id

)

select *
from per_transaction
where (is_transfer = 1 and legs <> 2)
   or (legs > 1 and (total_centimos <> 0 or currencies <> 1))
{% endtest %}
