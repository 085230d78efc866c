-- One row per account with its type, its balance (exact) and what its journal says. The
-- account number is masked: marts carry nothing a customer could be found by.
with

cuentas as (

    select * from {{ ref('stg_cuentas__cuentas') }}

),

tipos as (

    select * from {{ ref('stg_cuentas__tipos_cuenta') }}

),

journal as (

    select * from {{ ref('int_movimientos_aggregated_to_cuentas') }}

),

final as (

    select
        cuentas.cuenta_id,
        cuentas.cliente_id,
        cuentas.tipo_cuenta_id,
        tipos.nombre as tipo_cuenta,
        {{ mask_last4('cuentas.numero_cuenta') }} as numero_cuenta_enmascarado,
        cuentas.moneda,
        cuentas.estado,
        cuentas.saldo_centimos,
        cuentas.saldo,
        cast(coalesce(journal.saldo_journal_centimos, 0) as bigint) as saldo_journal_centimos,
        cast(coalesce(journal.movimientos, 0) as bigint) as movimientos,
        journal.ultima_actividad_at,
        cuentas.fecha_apertura,
        cuentas.updated_at,
        cuentas.snapshot_dt

    from cuentas
    inner join tipos
        on cuentas.tipo_cuenta_id = tipos.tipo_cuenta_id
    left join journal
        on cuentas.cuenta_id = journal.cuenta_id

)

select * from final
