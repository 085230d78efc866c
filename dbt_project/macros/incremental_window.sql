{#- The rows an incremental fact (re)processes in this run, merged by unique_key:
    - every row changed since the newest change already loaded (`>=`: rows sharing that
      instant are merged again, never lost);
    - and, with the `min_dt`/`max_dt` vars (the run's partition window, i.e. the business
      dates the pipeline re-extracted, or a backfill's), every row of those partitions,
      whatever its updated_at;
    - on a first or full-refresh run: everything. -#}
{% macro incremental_window(partition_column='partition_dt', watermark_column='updated_at') -%}
    {%- set min_dt, max_dt = var('min_dt', none), var('max_dt', none) -%}
    {%- if (min_dt and not max_dt) or (max_dt and not min_dt) -%}
        {{ exceptions.raise_compiler_error("min_dt and max_dt go together") }}
    {%- endif -%}
    {%- set incremental = loads_incrementally() -%}
    {%- if incremental and min_dt -%}
        where {{ partition_column }} between {{ date_literal(min_dt) }} and {{ date_literal(max_dt) }}
           or {{ watermark_column }} >= (select max({{ watermark_column }}) from {{ this }})
    {%- elif incremental -%}
        where {{ watermark_column }} >= (select max({{ watermark_column }}) from {{ this }})
    {%- endif -%}
{%- endmacro %}

{#- The incremental strategy that is safe on each engine: DuckDB deletes and inserts by
    unique_key in one transaction; Athena merges into an Iceberg table (atomic, by unique_key;
    Hive insert_overwrite is delete-then-insert and is not used). -#}
{% macro safe_incremental_strategy() -%}
    {{ return('merge' if target.type == 'athena' else 'delete+insert') }}
{%- endmacro %}

{#- is_incremental(), except that `dbt compile` on Athena never asks Glue whether the table
    exists (it renders the full load), so the Athena SQL compiles with no AWS at all
    (`dbt compile --target athena --no-populate-cache`). The `assume_incremental` var forces
    either branch, to compile and check the incremental SQL too. -#}
{% macro loads_incrementally() -%}
    {%- set forced = var('assume_incremental', none) -%}
    {%- if forced is not none -%}
        {{ return(forced in (true, 'true', 'True', 1, '1')) }}
    {%- elif target.type == 'athena' and flags.WHICH == 'compile' -%}
        {{ return(false) }}
    {%- else -%}
        {{ return(is_incremental()) }}
    {%- endif -%}
{%- endmacro %}
