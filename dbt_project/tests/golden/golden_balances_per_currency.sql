{{ config(tags=['golden'], enabled=var('golden_seed', false)) }}
-- Golden data (docs/analytics.md): a figure of the seed --scale 0.05 --seed 7 --as-of
-- 2025-06-15 (marts as of 2025-06-14); runs only with --vars '{golden_seed: true}'.
-- Total balance and accounts per currency of the seed, to the cent.
with expected as (
    select * from (
        values ('PEN', 802, cast(2175775.23 as decimal(18, 2))),
               ('USD', 165, cast(153622.35 as decimal(18, 2))),
               ('EUR', 33, cast(50088.23 as decimal(18, 2)))
    ) as e(moneda, cuentas, saldo_total)
)
select expected.*, got.cuentas as got_cuentas, got.saldo_total as got_saldo_total
from expected
left join {{ ref('kpi_dashboard_monedas') }} as got
    on expected.moneda = got.moneda
where got.moneda is null
   or got.cuentas <> expected.cuentas
   or got.saldo_total <> expected.saldo_total
