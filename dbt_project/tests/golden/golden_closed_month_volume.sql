{{ config(tags=['golden'], enabled=var('golden_seed', false)) }}
-- Golden data (docs/analytics.md): a figure of the seed --scale 0.05 --seed 7 --as-of
-- 2025-06-15 (marts as of 2025-06-14); runs only with --vars '{golden_seed: true}'.
-- A closed month: May 2025, PEN, COMPLETADA transactions of every type: 59 for 21,810.26.
select count_total, volume_total
from (
    select sum(cantidad) as count_total, sum(volumen) as volume_total
    from {{ ref('kpi_volumen_transacciones') }}
    where mes = date '2025-05-01' and moneda = 'PEN'
) as may
where count_total is null or count_total <> 59 or volume_total <> cast(21810.26 as decimal(18, 2))
