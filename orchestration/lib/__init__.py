"""Reusable machinery of the Dagster code: resources, partitions, the raw-table factory."""
