-- Clients by state, every state listed (bloqueado included, with zeros), with its share of
-- all clients in percent (rounded half up to 2 places, exact).
-- Built only when the ledger's accounting identities hold (a failure skips this mart).
-- depends_on: {{ ref('int_ledger_verified') }}
with

states as (

    select estado from (
        values {% for s in var('client_states') %}('{{ s }}'){% if not loop.last %}, {% endif %}{% endfor %}
    ) as states(estado)

),

counted as (

    select estado, count(*) as cantidad
    from {{ ref('dim_clientes') }}
    group by estado

),

totals as (

    select count(*) as total from {{ ref('dim_clientes') }}

),

joined as (

    select
        states.estado,
        coalesce(counted.cantidad, 0) as cantidad,
        totals.total
    from states
    cross join totals
    left join counted
        on states.estado = counted.estado

)

select
    cast(estado as varchar) as estado,
    cast(cantidad as bigint) as cantidad,
    {{ average_cents_to_decimal('cantidad * 10000', 'total') }} as porcentaje
from joined
