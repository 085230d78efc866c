-- Business transactions. The free-text description and the metadata document (IP, place)
-- stay out of the marts' lineage.
with

source as (

    select * from {{ source('transacciones', 'transacciones') }}

),

renamed as (

    select
        cast(transaccion_id as varchar) as transaccion_id,
        cast(tipo as varchar) as tipo,
        cast(estado as varchar) as estado,
        cast(cuenta_origen_id as integer) as cuenta_origen_id,
        cast(cuenta_destino_id as integer) as cuenta_destino_id,
        cast(monto as bigint) as monto_centimos,
        {{ cents_to_decimal('monto') }} as monto,
        cast(moneda as varchar) as moneda,
        cast(motivo as varchar) as motivo,
        cast(reversa_de as varchar) as reversa_de,
        cast(fecha as {{ timestamp_type() }}) as fecha,
        cast(created_at as {{ timestamp_type() }}) as created_at,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as partition_dt

    from source

)

select * from renamed
