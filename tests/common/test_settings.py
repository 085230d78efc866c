from pathlib import Path

import pytest

from services.common.settings import REPO_ROOT, Settings


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for name in list(os.environ):
        if name.startswith("CLOUDBANK_"):
            monkeypatch.delenv(name)


def test_env_example_gives_the_defaults(clean_env):
    """Copying .env.example to .env must not change anything."""
    defaults = Settings(_env_file=None)
    from_file = Settings(_env_file=REPO_ROOT / ".env.example")
    assert from_file.model_dump() == defaults.model_dump()


def test_a_relative_var_dir_is_the_repository_s(clean_env, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert Settings(_env_file=None, var_dir=Path("var/x")).var_dir == REPO_ROOT / "var" / "x"
    assert Settings(_env_file=None, var_dir=tmp_path).var_dir == tmp_path


def test_empty_urls_mean_unset(clean_env, monkeypatch):
    monkeypatch.setenv("CLOUDBANK_MONGO_URL", "")
    monkeypatch.setenv("CLOUDBANK_LAKE_URL", "")
    settings = Settings(_env_file=None)
    assert settings.mongo_url is None and settings.lake_url is None


def test_port_offset_moves_every_port(clean_env):
    settings = Settings(_env_file=None, port_offset=300)
    assert settings.postgres_dsn.endswith(":15732/clientes")
    assert settings.redis_url == "redis://127.0.0.1:16679/0"
    assert settings.effective_mongo_url == "mongodb://127.0.0.1:17317"


def test_production_refuses_development_secrets(clean_env):
    with pytest.raises(ValueError, match="jwt_secret, pii_hash_key"):
        Settings(_env_file=None, production=True).check_production()
    Settings(
        _env_file=None, production=True, jwt_secret="s" * 40, pii_hash_key="p" * 40
    ).check_production()
