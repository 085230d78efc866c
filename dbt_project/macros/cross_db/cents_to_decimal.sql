{#- Exact conversion of int64 céntimos to DECIMAL(15,2) (after jaffle-shop's cents_to_dollars).
    A multiplication by 0.01 as a DECIMAL keeps the value exact on every engine: DuckDB turns
    a DECIMAL division into a DOUBLE, so `/ 100` is never used. -#}
{% macro cents_to_decimal(column_name, precision=15) -%}
    {{ return(adapter.dispatch('cents_to_decimal', 'cloudbank')(column_name, precision)) }}
{%- endmacro %}

{% macro default__cents_to_decimal(column_name, precision) -%}
    cast(cast({{ column_name }} as decimal({{ precision }}, 0)) * cast(0.01 as decimal(3, 2)) as decimal({{ precision }}, 2))
{%- endmacro %}

{% macro athena__cents_to_decimal(column_name, precision) -%}
    cast(cast({{ column_name }} as decimal({{ precision }}, 0)) * decimal '0.01' as decimal({{ precision }}, 2))
{%- endmacro %}
