{#- Local (DuckDB): the folder's schema as is (staging, intermediate, marts).
    Athena: <target schema>_<folder schema> (e.g. cloud_bank_marts), lowercase, one Glue
    database per layer. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | lower }}
    {%- elif target.type == 'athena' -%}
        {{ (target.schema ~ '_' ~ custom_schema_name) | trim | lower }}
    {%- else -%}
        {{ custom_schema_name | trim | lower }}
    {%- endif -%}
{%- endmacro %}
