"""Dagster definitions of the Cloud Bank data platform (``workspace.yaml`` loads
``orchestration.definitions``). Layout after dagster-open-platform: a thin ``definitions.py``,
one folder per source system under ``defs/`` with the same file names in each, reusable
machinery in ``lib/``."""
