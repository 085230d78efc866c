-- Accounts and their balances from the latest snapshot. Money: céntimos and exact decimal.
with

source as (

    {{ latest_snapshot(source('cuentas', 'cuentas')) }}

),

renamed as (

    select
        cast(cuenta_id as integer) as cuenta_id,
        cast(cliente_id as integer) as cliente_id,
        cast(tipo_cuenta_id as integer) as tipo_cuenta_id,
        cast(numero_cuenta as varchar) as numero_cuenta,
        cast(saldo as bigint) as saldo_centimos,
        {{ cents_to_decimal('saldo') }} as saldo,
        cast(moneda as varchar) as moneda,
        cast(fecha_apertura as {{ timestamp_type() }}) as fecha_apertura,
        cast(estado as varchar) as estado,
        cast(version as integer) as version,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as snapshot_dt

    from source

)

select * from renamed
