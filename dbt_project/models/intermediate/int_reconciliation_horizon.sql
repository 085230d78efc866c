-- The instant before which the ledger's sources are mutually consistent: the oldest of the
-- newest changes seen in accounts, journal and transactions, minus
-- reconciliation_margin_minutes. The sources are extracted one after another from live
-- systems, so rows newer than this may be mid-flight between them (a transaction posted to
-- the journal but not yet recorded as COMPLETADA, an account opened for a client registered
-- after the clients were read); the cross-source identities only judge older rows.
with

newest as (

    select
        (select max(updated_at) from {{ ref('stg_cuentas__cuentas') }}) as cuentas_at,
        (select max(created_at) from {{ ref('stg_cuentas__movimientos') }}) as movimientos_at,
        (select max(updated_at) from {{ ref('stg_transacciones__transacciones') }}) as transacciones_at

)

select
    {{ dbt.dateadd('minute', -var('reconciliation_margin_minutes'),
                   'least(cuentas_at, movimientos_at, transacciones_at)') }} as horizonte
from newest
