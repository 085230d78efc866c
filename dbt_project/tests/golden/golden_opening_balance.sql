{{ config(tags=['golden'], enabled=var('golden_seed', false)) }}
-- Golden data (docs/analytics.md): a figure of the seed --scale 0.05 --seed 7 --as-of
-- 2025-06-15 (marts as of 2025-06-14); runs only with --vars '{golden_seed: true}'.
-- A known account's opening: cuenta 1 opened in USD with 1,130.01.
select cuenta_id, moneda, monto
from {{ ref('fct_movimientos') }}
where cuenta_id = 1 and tipo = 'APERTURA'
  and (moneda <> 'USD' or monto <> cast(1130.01 as decimal(15, 2)))
union all
select 1, 'missing', null
where not exists (
    select 1 from {{ ref('fct_movimientos') }} where cuenta_id = 1 and tipo = 'APERTURA'
)
