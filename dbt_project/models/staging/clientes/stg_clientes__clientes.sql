-- Clients from the latest snapshot. Names, e-mail and phone stay out (the marts carry no
-- PII); the keyed e-mail hash is kept for distinct counts and joins.
with

source as (

    {{ latest_snapshot(source('clientes', 'clientes')) }}

),

renamed as (

    select
        cast(cliente_id as integer) as cliente_id,
        cast(estado as varchar) as estado,
        cast(email_hash as varchar) as email_hash,
        cast(fecha_registro as {{ timestamp_type() }}) as fecha_registro,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as snapshot_dt

    from source

)

select * from renamed
