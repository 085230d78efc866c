-- The KPI windows, in one row: every mart reads its dates from here, so "today" is defined
-- once (the as_of_date var, or the current UTC date).
select
    {{ as_of_date() }} as as_of_date,
    {{ add_days(as_of_date(), 1 - var('kpi_window_days')) }} as ventana_desde,
    {{ month_start(as_of_date()) }} as mes_desde,
    {{ add_days(as_of_date(), 1 - var('active_client_window_days')) }} as actividad_desde
