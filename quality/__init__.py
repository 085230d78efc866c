"""Data quality of the raw layer: a Great Expectations suite per raw table
(``quality.suites``, run by ``quality.runner``) and reconciliation against the sources
(``quality.reconcile``). ``quality.checks`` ties them to the lake for the Dagster checks."""
