{#- An account number shown as its last four digits only (marts carry no identifiers a
    customer could be found by). -#}
{% macro mask_last4(column_name) -%}
    concat('****', substr({{ column_name }}, length({{ column_name }}) - 3, 4))
{%- endmacro %}
