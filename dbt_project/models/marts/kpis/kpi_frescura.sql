-- How fresh each raw table is: the partition read (latest snapshot day, or newest business
-- day for event tables), the newest change it holds (the extraction watermark) and its rows.
{%- set tables = [
    ('clientes.clientes', 'snapshot', 'stg_clientes__clientes', 'snapshot_dt', 'updated_at'),
    ('clientes.documentos_identidad', 'snapshot', 'stg_clientes__documentos', 'snapshot_dt', 'updated_at'),
    ('cuentas.tipos_cuenta', 'snapshot', 'stg_cuentas__tipos_cuenta', 'snapshot_dt', 'updated_at'),
    ('cuentas.cuentas', 'snapshot', 'stg_cuentas__cuentas', 'snapshot_dt', 'updated_at'),
    ('cuentas.movimientos', 'events', 'stg_cuentas__movimientos', 'partition_dt', 'updated_at'),
    ('transacciones.transacciones', 'events', 'stg_transacciones__transacciones', 'partition_dt', 'updated_at'),
] %}

{% for fuente, kind, model, partition_column, watermark_column in tables %}
select
    cast('{{ fuente }}' as varchar) as fuente,
    cast('{{ kind }}' as varchar) as tipo,
    cast(max({{ partition_column }}) as date) as ultima_particion,
    cast(max({{ watermark_column }}) as {{ timestamp_type() }}) as ultimo_cambio_at,
    cast(count(*) as bigint) as filas
from {{ ref(model) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
