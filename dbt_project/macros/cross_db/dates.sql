{#- The "today" of every KPI window: the `as_of_date` var (an ISO date, so that tests and
    reruns are deterministic) or the current UTC date. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value is none or value == '' -%}
        current_date
    {%- else -%}
        {{ date_literal(value) }}
    {%- endif -%}
{%- endmacro %}

{#- `date 'YYYY-MM-DD'`, valid on DuckDB and Trino; anything but an ISO date is refused at
    compile time (vars come from the command line). -#}
{% macro date_literal(value) -%}
    {%- set text = value | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error("not an ISO date: " ~ text) }}
    {%- endif -%}
    date '{{ text }}'
{%- endmacro %}

{#- The UTC calendar day of a timestamp (both engines run in UTC: see profiles.yml). -#}
{% macro to_day(timestamp_expression) -%}
    cast({{ timestamp_expression }} as date)
{%- endmacro %}

{#- First day of the month of a date, as a DATE on both engines. -#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- `date_expression` plus `days` days, as a DATE on both engines. -#}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{#- The integers 0 .. n-1 as a derived table with column `n` (n known at compile time; no
    introspective query, so offline compilation works on Athena). -#}
{% macro integers(count, alias='integers') -%}
    (values {% for i in range(count) %}({{ i }}){% if not loop.last %}, {% endif %}{% endfor %}) as {{ alias }}(n)
{%- endmacro %}

{#- The `currencies` var as a derived table with column `moneda`. -#}
{% macro currencies(alias='currencies') -%}
    (values {% for c in var('currencies') %}('{{ c }}'){% if not loop.last %}, {% endif %}{% endfor %}) as {{ alias }}(moneda)
{%- endmacro %}

{#- The timestamp type of every mart column: Athena's Iceberg tables take microseconds only
    (timestamp(6)); DuckDB's TIMESTAMP is microseconds already. Values are UTC. -#}
{% macro timestamp_type() -%}
    {{ return(adapter.dispatch('timestamp_type', 'cloudbank')()) }}
{%- endmacro %}

{% macro default__timestamp_type() -%}
    timestamp
{%- endmacro %}

{% macro athena__timestamp_type() -%}
    timestamp(6)
{%- endmacro %}
