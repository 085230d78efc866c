"""Every setting of Cloud Bank, in one place.

Each field is read from the environment with the ``CLOUDBANK_`` prefix (``pg_port`` is
``CLOUDBANK_PG_PORT``) or from a ``.env`` file at the repository root. ``.env.example`` is
generated from this module (``cloudbank env-example``) and a test keeps the two in sync.

``port_offset`` shifts every port at once, so a second stack (the test suite's, say) can run
beside the demo stack without clashing. The store ports sit below Linux's ephemeral range
(32768–60999): a port in that range can be held at any moment by an outgoing connection.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]

DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"
DEV_PII_KEY = "dev-only-pii-key-change-me"
DEV_USERS = "admin:admin123:admin,cajero:cajero123:cajero,analista:analista123:analista"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLOUDBANK_", env_file=REPO_ROOT / ".env", extra="ignore"
    )

    env: Literal["local", "aws"] = Field("local", description="local stack or AWS resources")
    production: bool = Field(False, description="refuse development defaults for secrets")
    var_dir: Path = Field(REPO_ROOT / "var", description="data, logs and pid files")
    host: str = Field("127.0.0.1", description="address every local server binds to")
    port_offset: int = Field(0, description="added to every port below")
    instance_name: str = Field(
        "", description="name of this service process (the stack sets it per instance)"
    )

    # stores
    pg_port: int = Field(15432, description="PostgreSQL (clientes)")
    pg_user: str = Field("cloudbank", description="PostgreSQL application user")
    pg_password: str = Field("cloudbank", description="PostgreSQL application password")
    pg_database: str = Field("clientes", description="PostgreSQL database of clientes")
    mysql_port: int = Field(13306, description="MariaDB/MySQL (cuentas)")
    mysql_user: str = Field("cloudbank", description="MariaDB application user")
    mysql_password: str = Field("cloudbank", description="MariaDB application password")
    mysql_database: str = Field("cuentas", description="MariaDB database of cuentas")
    mongo_port: int = Field(17017, description="MongoDB wire protocol (transacciones)")
    mongo_url: str | None = Field(None, description="use this MongoDB instead of a local one")
    mongo_database: str = Field("transacciones", description="MongoDB database")
    redis_port: int = Field(16379, description="Redis (perfil360 cache)")

    # services (public ports fixed by the design brief)
    clientes_port: int = Field(8001, description="clientes API")
    cuentas_port: int = Field(8002, description="cuentas API through HAProxy")
    cuentas_instance_ports: tuple[int, int] = Field(
        (8012, 8022), description="the two cuentas instances behind HAProxy"
    )
    haproxy_stats_port: int = Field(8404, description="HAProxy stats page")
    transacciones_port: int = Field(8004, description="transacciones API")
    perfil360_port: int = Field(6000, description="perfil360 BFF")
    analytics_port: int = Field(8000, description="analytics API")
    dagster_port: int = Field(3000, description="Dagster UI")
    web_port: int = Field(8080, description="SPA dashboard")

    # transacciones: the posting protocol (see services/transacciones/posting.py)
    transacciones_cuentas_timeout_seconds: float = Field(
        3.0, description="timeout of one call from transacciones to cuentas POST /movimientos"
    )
    transacciones_lease_seconds: float = Field(
        10.0,
        description="how long a posting attempt owns a PENDIENTE transaction; the recovery "
        "pass retries it once this has passed (must exceed the longest cuentas call)",
    )
    transacciones_recovery_interval_seconds: float = Field(
        2.0, description="period of the recovery pass inside transacciones (0 disables it)"
    )
    fault_point: str | None = Field(
        None, description="tests only: crash the process at this step (e.g. after_pending@3)"
    )

    # security
    jwt_secret: str = Field(DEV_SECRET, description="HS256 key for bearer tokens")
    jwt_issuer: str = Field("cloudbank", description="issuer claim of tokens")
    jwt_ttl_minutes: int = Field(480, description="lifetime of issued tokens")
    pii_hash_key: str = Field(DEV_PII_KEY, description="key for hashing PII in the lake")
    dev_users: str = Field(
        DEV_USERS,
        description="password logins of POST /auth/token as user:password:role, comma-separated "
        "(production mode ignores the default; set it explicitly, or empty to disable)",
    )

    # data platform
    lake_url: str | None = Field(None, description="file:// or s3:// root of the lake")
    aws_region: str = Field("us-east-1", description="AWS region (aws env)")
    glue_database: str = Field("cloud_bank", description="Glue database of raw tables")
    marts_database: str = Field(
        "cloud_bank", description="prefix of dbt's Glue databases (<prefix>_staging, _marts)"
    )
    athena_workgroup: str = Field(
        "cloudbank-dbt", description="Athena workgroup of dbt and the API"
    )
    athena_results_url: str = Field(
        "s3://cloudbank-athena-results/", description="s3:// prefix for Athena query results"
    )
    athena_marts_url: str = Field(
        "s3://cloudbank-marts/", description="s3:// prefix of the tables dbt writes on Athena"
    )

    @field_validator("var_dir")
    @classmethod
    def _anchor_var_dir(cls, value: Path) -> Path:
        """A relative var dir (``var`` in .env.example) means the repository's, not the cwd's."""
        return value if value.is_absolute() else REPO_ROOT / value

    @field_validator("mongo_url", "lake_url", "fault_point", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``CLOUDBANK_MONGO_URL=`` (as in .env.example) means "not set", not an empty URL."""
        return None if value == "" else value

    def port(self, base: int) -> int:
        """The effective port for a configured base port."""
        return base + self.port_offset

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def effective_lake_url(self) -> str:
        return self.lake_url or (self.var_dir / "lake").resolve().as_uri()

    @property
    def postgres_dsn(self) -> str:
        return (
            f"postgresql://{self.pg_user}:{self.pg_password}@{self.host}:"
            f"{self.port(self.pg_port)}/{self.pg_database}"
        )

    @property
    def mysql_dsn(self) -> str:
        return (
            f"mysql+pymysql://{self.mysql_user}:{self.mysql_password}@{self.host}:"
            f"{self.port(self.mysql_port)}/{self.mysql_database}?charset=utf8mb4"
        )

    @property
    def effective_mongo_url(self) -> str:
        return self.mongo_url or f"mongodb://{self.host}:{self.port(self.mongo_port)}"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.host}:{self.port(self.redis_port)}/0"

    def service_url(self, base_port: int) -> str:
        return f"http://{self.host}:{self.port(base_port)}"

    @field_validator("dev_users")
    @classmethod
    def _valid_dev_users(cls, value: str) -> str:
        parse_dev_users(value)  # a malformed list fails at start-up, not at the first login
        return value

    def login_users(self) -> dict[str, tuple[str, str]]:
        """``{user: (password, role)}`` for POST /auth/token. In production mode the default
        development users are never accepted (even when copied into .env): only a list set
        explicitly to something else is."""
        if self.production and self.dev_users == DEV_USERS:
            return {}
        return parse_dev_users(self.dev_users)

    def check_production(self) -> None:
        """Refuse development secrets when running in production mode."""
        if not self.production:
            return
        weak = [
            name
            for name, value in (
                ("jwt_secret", self.jwt_secret),
                ("pii_hash_key", self.pii_hash_key),
            )
            if value in (DEV_SECRET, DEV_PII_KEY)
        ]
        if weak:
            raise ValueError(f"production mode refuses development defaults for: {', '.join(weak)}")


def parse_dev_users(text: str) -> dict[str, tuple[str, str]]:
    """``user:password:role,...`` to ``{user: (password, role)}`` (a password may hold ':')."""
    users: dict[str, tuple[str, str]] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        user, sep1, rest = entry.partition(":")
        password, sep2, role = rest.rpartition(":")
        if not (sep1 and sep2 and user and password and role):
            raise ValueError("dev_users entries must look like user:password:role")
        users[user] = (password, role)
    return users


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check_production()
    return settings


def env_example() -> str:
    """The text of ``.env.example``: every variable, its default and what it is for."""
    lines = [
        "# Cloud Bank settings: every variable with its default (see services/common/settings.py)"
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            default = "var" if default == REPO_ROOT / "var" else default
        elif isinstance(default, tuple):
            default = ",".join(str(p) for p in default)
            default = f"[{default}]"
        elif default is None:
            default = ""
        elif isinstance(default, bool):
            default = str(default).lower()
        lines.append(f"# {field.description}")
        lines.append(f"CLOUDBANK_{name.upper()}={default}")
    return "\n".join(lines) + "\n"
