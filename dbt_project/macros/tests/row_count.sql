{#- Generic test: the model has between `min_rows` and `max_rows` rows (either bound optional). -#}
{% test row_count(model, min_rows=none, max_rows=none) %}
select n
from (select count(*) as n from {{ model }}) as counted
where {% if min_rows is not none %}n < {{ min_rows }}{% else %}false{% endif %}
   or {% if max_rows is not none %}n > {{ max_rows }}{% else %}false{% endif %}
{% endtest %}
