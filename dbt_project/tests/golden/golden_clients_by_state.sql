{{ config(tags=['golden'], enabled=var('golden_seed', false)) }}
-- Golden data (docs/analytics.md): a figure of the seed --scale 0.05 --seed 7 --as-of
-- 2025-06-15 (marts as of 2025-06-14); runs only with --vars '{golden_seed: true}'.
-- The seed's 1,000 clients: 857 activo, 105 inactivo, 38 bloqueado; 172 of them active.
with expected as (
    select * from (values ('activo', 857), ('inactivo', 105), ('bloqueado', 38)) as e(estado, cantidad)
)
select expected.estado, expected.cantidad, got.cantidad as got
from expected
left join {{ ref('kpi_clientes_por_estado') }} as got
    on expected.estado = got.estado
where got.cantidad is null or got.cantidad <> expected.cantidad
union all
select 'clientes_activos', 172, clientes_activos
from {{ ref('kpi_dashboard_resumen') }}
where clientes_activos <> 172 or total_clientes <> 1000
