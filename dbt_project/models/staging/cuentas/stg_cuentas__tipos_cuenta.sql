-- Account types from the latest snapshot.
with

source as (

    {{ latest_snapshot(source('cuentas', 'tipos_cuenta')) }}

),

renamed as (

    select
        cast(tipo_cuenta_id as integer) as tipo_cuenta_id,
        cast(nombre as varchar) as nombre,
        cast(descripcion as varchar) as descripcion,
        cast(costo_mantenimiento as bigint) as costo_mantenimiento_centimos,
        {{ cents_to_decimal('costo_mantenimiento') }} as costo_mantenimiento,
        cast(tasa_interes as decimal(5, 2)) as tasa_interes,
        cast(estado as varchar) as estado,
        cast(updated_at as {{ timestamp_type() }}) as updated_at,
        cast(dt as date) as snapshot_dt

    from source

)

select * from renamed
