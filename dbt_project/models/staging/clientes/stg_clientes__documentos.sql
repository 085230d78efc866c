-- Identity documents from the latest snapshot; the number only as its keyed hash.
with

source as (

    {{ latest_snapshot(source('clientes', 'documentos_identidad')) }}

),

renamed as (

    select
        cast(documento_id as integer) as documento_id,
        cast(cliente_id as integer) as cliente_id,
        cast(tipo_documento as varchar) as tipo_documento,
        cast(numero_documento_hash as varchar) as numero_documento_hash,
        cast(fecha_emision as date) as fecha_emision,
        cast(fecha_vencimiento as date) as fecha_vencimiento,
        cast(created_at as {{ timestamp_type() }}) as created_at,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as snapshot_dt

    from source

)

select * from renamed
