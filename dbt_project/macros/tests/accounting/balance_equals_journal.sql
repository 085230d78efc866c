{% test balance_equals_journal(model, journal, horizon) %}
-- Accounting identity, per account and so per currency: balance = Σ journal legs, the legs
-- taken from the incremental journal fact (a wrong incremental load shows up here). Only
-- settled accounts (unchanged since before the reconciliation horizon) are judged.
-- A row here is a violation.
with

horizon as (

    select horizonte from {{ horizon }}

),

journal as (

    select cuenta_id, sum(monto_centimos) as saldo_journal_centimos
    from {{ journal }}
    group by cuenta_id

)

select
    cuentas.cuenta_id,
    cuentas.moneda,
    cuentas.saldo_centimos,
    coalesce(journal.saldo_journal_centimos, 0) as saldo_journal_centimos
from {{ model }} as cuentas
left join journal
    on cuentas.cuenta_id = journal.cuenta_id
where cuentas.updated_at < (select horizonte from horizon)
  and cuentas.saldo_centimos <> coalesce(journal.saldo_journal_centimos, 0)
{% endtest %}
