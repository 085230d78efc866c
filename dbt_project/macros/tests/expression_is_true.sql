{#- Generic test (after dbt_utils.expression_is_true): every row satisfies `expression`.
    Used for row-level accounting identities, e.g. `saldo = saldo_journal`. -#}
{% test expression_is_true(model, expression, column_name=none, where=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where %} and ({{ where }}){% endif %}
{% endtest %}
