"""Fixtures of the analytics tests: a small lake, settings pointing at it, and one real
pipeline run over it (published once per session, copied by tests that change it)."""

from __future__ import annotations

import shutil

import pytest
from analytics_lake import register, small_bank
from analytics_support import Published, run_marts_pipeline, settings_env

from ingestion.lake import Lake
from orchestration.lib.resources import catalog_path
from services.common.auth import Role, issue_token


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Published:
    root = tmp_path_factory.mktemp("analytics")
    bank = small_bank()
    lake, var_dir = root / "lake", root / "var"
    bank.write(lake, catalog_path(var_dir))
    with settings_env(var_dir=str(var_dir), lake_url=lake.as_uri()):
        run = run_marts_pipeline()
    assert run.success, "the pipeline over the fixture lake failed"
    return Published(bank, lake, var_dir, run)


@pytest.fixture
def published_copy(published, tmp_path) -> Published:
    """The published var dir and lake, copied: a test may change them."""
    var_dir, lake = tmp_path / "var", tmp_path / "lake"
    shutil.copytree(published.var_dir, var_dir)
    shutil.copytree(published.lake, lake)
    register(Lake(lake.as_uri()), catalog_path(var_dir))  # views over the copied lake
    return Published(published.bank, lake, var_dir, published.run)


@pytest.fixture(scope="session")
def analista() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('analista-test', Role.ANALISTA)}"}


@pytest.fixture(scope="session")
def cajero() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('cajero-test', Role.CAJERO)}"}
