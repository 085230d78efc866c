"""Fixtures of the analytics tests: a small lake, settings pointing at it, and one real
pipeline run over it (published once per session, copied by tests that change it)."""

from __future__ import annotations

import shutil

import pytest
from analytics_lake import small_bank
from analytics_support import Published, run_marts_pipeline, settings_env

from services.common.auth import Role, issue_token


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Published:
    root = tmp_path_factory.mktemp("analytics")
    bank = small_bank()
    lake = root / "lake"
    bank.write(lake)
    var_dir = root / "var"
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
    return Published(published.bank, lake, var_dir, published.run)


@pytest.fixture(scope="session")
def analista() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('analista-test', Role.ANALISTA)}"}


@pytest.fixture(scope="session")
def cajero() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('cajero-test', Role.CAJERO)}"}
