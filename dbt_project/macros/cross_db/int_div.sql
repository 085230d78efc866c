{#- Integer division of two integer expressions, truncating (operands are never negative
    where it is used). DuckDB's `/` returns a DOUBLE; Trino's truncates. -#}
{% macro int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('int_div', 'cloudbank')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__int_div(numerator, denominator) -%}
    (({{ numerator }}) / ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__int_div(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{#- The mean of a sum of céntimos over a count, rounded half up to the cent, as DECIMAL(15,2);
    null when the count is 0. Exact: no floating point takes part. -#}
{% macro average_cents_to_decimal(sum_cents, count) -%}
    case when ({{ count }}) > 0 then
        {{ cents_to_decimal(int_div('2 * (' ~ sum_cents ~ ') + (' ~ count ~ ')', '2 * (' ~ count ~ ')')) }}
    end
{%- endmacro %}
