{#- The rows of a snapshot table's latest dt partition (dimensions are extracted as one full
    copy per day). The latest partition is one max over the whole dt value, never separate
    maxima of its parts. -#}
{% macro latest_snapshot(relation) -%}
    select *
    from {{ relation }}
    where dt = (select max(dt) from {{ relation }})
{%- endmacro %}
