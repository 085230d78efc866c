"""dbt in Dagster: the models as assets downstream of the raw tables, dbt tests as asset checks
(error severity blocks), and the analytics snapshot published when a run passes."""
