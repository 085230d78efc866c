"""The servers of the local stack: how each is initialised, started, checked and stopped."""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from infra.local.process import StackError
from services.common.settings import REPO_ROOT, Settings

VENV_BIN = Path(sys.executable).parent
log = logging.getLogger("cloudbank.stack")


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _find_binary(name: str, *extra_dirs: str) -> str:
    for directory in extra_dirs:
        candidates = sorted(Path("/").glob(directory.lstrip("/") + "/" + name))
        if candidates:
            return str(candidates[-1])
    found = shutil.which(name) or shutil.which(name, path=str(VENV_BIN))
    if not found:
        raise StackError(f"'{name}' is not installed; run 'make setup' first")
    return found


@dataclass
class Component:
    """One server of the stack. Subclasses describe how to run it."""

    name: str
    settings: Settings
    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 30.0
    ready_timeout: float = 60.0
    user: str | None = None
    env: dict[str, str] | None = field(default=None)
    # start order: every component of a wave is ready before the next wave starts
    wave: int = 0
    parallel_wave: bool = False

    @property
    def port(self) -> int:
        raise NotImplementedError

    @property
    def ports(self) -> list[int]:
        """Every TCP port the server listens on; each must be free before it starts."""
        return [self.port]

    @property
    def home(self) -> Path:
        return self.settings.var_dir / self.name

    @property
    def log_path(self) -> Path:
        return self.settings.log_dir / f"{self.name}.log"

    @property
    def managed(self) -> bool:
        """False when the component is external (e.g. a MongoDB given by URL)."""
        return True

    def prepare(self) -> None:
        """First-start initialisation; must be idempotent."""

    def argv(self) -> list[str]:
        raise NotImplementedError

    def is_ready(self) -> bool:
        """True once the server answers a real request (used while starting)."""
        return self.health()[0]

    def after_start(self) -> None:
        """Idempotent set-up that needs the server up (databases, users)."""

    def health(self) -> tuple[bool, str]:
        """(healthy, detail) using the same credentials the applications use."""
        raise NotImplementedError


class Postgres(Component):
    def __init__(self, settings: Settings):
        super().__init__(
            "postgres",
            settings,
            stop_signal=signal.SIGINT,  # fast shutdown: clients disconnected, data flushed
            user="postgres" if _running_as_root() else None,
        )

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.pg_port)

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def socket_dir(self) -> Path:
        return self.home / "socket"

    def _bin(self, name: str) -> str:
        return _find_binary(name, "/usr/lib/postgresql/*/bin")

    def _own(self, *paths: Path) -> None:
        if self.user:
            entry = pwd.getpwnam(self.user)
            for path in paths:
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self._own(self.home, self.socket_dir)
        if (self.data_dir / "PG_VERSION").exists():
            return
        if self.user and not self._user_can("-w", self.home):
            self._grant_passage()
        shutil.rmtree(self.data_dir, ignore_errors=True)  # a half-done initdb from a crash
        argv = [
            self._bin("initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode:
            raise StackError(f"initdb failed:\n{result.stderr[-2000:]}")

    def _user_can(self, test: str, path: Path) -> bool:
        """``test(1)`` of ``path`` as the user PostgreSQL runs as."""
        argv = ["runuser", "-u", self.user, "--", "test", test, str(path)]
        return subprocess.run(argv, check=False).returncode == 0

    def _grant_passage(self) -> None:
        """As root, PostgreSQL runs as its own user, which must reach its home. A directory
        above it that keeps that user out (a clone under /root, or in a ``mktemp -d``
        directory) gets an ACL entry letting that user alone pass through it: search only,
        no listing, nothing for anyone else."""
        for directory in reversed(self.home.parents):  # from / down
            if self._user_can("-x", directory):
                continue
            log.warning(
                "letting the %s user pass through %s (ACL u:%s:x), so PostgreSQL reaches %s",
                self.user,
                directory,
                self.user,
                self.home,
            )
            try:
                subprocess.run(
                    ["setfacl", "-m", f"u:{self.user}:x", str(directory)],
                    check=True,
                    capture_output=True,
                )
            except (OSError, subprocess.CalledProcessError) as exc:
                raise StackError(
                    f"PostgreSQL runs as the '{self.user}' user, which cannot reach {self.home}"
                    f" and could not be let through {directory} ({exc}); clone the repository"
                    " somewhere that user can reach (e.g. under /opt or /srv)"
                ) from exc
        if not self._user_can("-w", self.home):
            raise StackError(f"the '{self.user}' user cannot write {self.home}")

    def argv(self) -> list[str]:
        return [
            self._bin("postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-k",
            str(self.socket_dir),
            "-c",
            f"listen_addresses={self.settings.host}",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=256MB",
        ]

    def _superuser(self):
        return self._superuser_to("postgres")

    def _superuser_to(self, dbname: str):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=True,
            connect_timeout=2,
        )

    def is_ready(self) -> bool:
        with self._superuser() as conn:
            conn.execute("SELECT 1")
        return True

    def after_start(self) -> None:
        from psycopg import sql

        s = self.settings
        with self._superuser() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (s.pg_user,)
            ).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL("{} ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                    sql.SQL(verb), sql.Identifier(s.pg_user), sql.Literal(s.pg_password)
                )
            )
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (s.pg_database,)
            ).fetchone():
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(s.pg_database), sql.Identifier(s.pg_user)
                    )
                )
        # extensions need a superuser (the application user is not one)
        with self._superuser_to(s.pg_database) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    def health(self) -> tuple[bool, str]:
        import psycopg

        try:
            with psycopg.connect(self.settings.postgres_dsn, connect_timeout=2) as conn:
                version = conn.execute("SHOW server_version").fetchone()[0]
            return True, f"PostgreSQL {version}"
        except Exception as exc:
            return False, str(exc).strip().splitlines()[0][:120]


class MariaDB(Component):
    def __init__(self, settings: Settings):
        super().__init__("mariadb", settings)

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.mysql_port)

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def socket(self) -> Path:
        return self.home / "mysqld.sock"

    @property
    def os_user(self) -> str:
        return pwd.getpwuid(os.geteuid()).pw_name

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if (self.data_dir / "mysql").is_dir() and (self.data_dir / "ibdata1").exists():
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        result = subprocess.run(
            [
                _find_binary("mariadb-install-db"),
                "--no-defaults",
                f"--user={self.os_user}",
                f"--datadir={self.data_dir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise StackError(f"mariadb-install-db failed:\n{result.stderr[-2000:]}")

    def argv(self) -> list[str]:
        return [
            _find_binary("mariadbd", "/usr/sbin"),
            "--no-defaults",
            f"--user={self.os_user}",
            f"--datadir={self.data_dir}",
            f"--bind-address={self.settings.host}",
            f"--port={self.port}",
            f"--socket={self.socket}",
            f"--pid-file={self.home / 'mariadbd.pid'}",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--innodb-buffer-pool-size=256M",
            "--max-connections=500",
            "--skip-log-bin",
        ]

    def _root(self):
        import pymysql

        return pymysql.connect(
            unix_socket=str(self.socket), user="root", autocommit=True, connect_timeout=2
        )

    def is_ready(self) -> bool:
        with self._root() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
        return True

    def after_start(self) -> None:
        s = self.settings
        with self._root() as conn, conn.cursor() as cur:
            # mariadb-install-db also creates root@127.0.0.1, root@::1 and root@<hostname>
            # without a password: anyone on the machine could log in as root over TCP. Root
            # keeps only the unix socket (as PostgreSQL's superuser does); TCP is for the app.
            cur.execute(
                "SELECT user, host FROM mysql.user "
                "WHERE (user = 'root' AND host <> 'localhost') OR user = ''"
            )
            for user, host in cur.fetchall():
                cur.execute("DROP USER %s@%s", (user, host))
            cur.execute(
                f"CREATE DATABASE IF NOT EXISTS `{s.mysql_database}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            for host in ("127.0.0.1", "localhost"):
                cur.execute(
                    "CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s",
                    (s.mysql_user, host, s.mysql_password),
                )
                cur.execute(
                    "ALTER USER %s@%s IDENTIFIED BY %s", (s.mysql_user, host, s.mysql_password)
                )
                # the app user owns its database and any test database named after it
                cur.execute(
                    f"GRANT ALL PRIVILEGES ON `{s.mysql_database}%%`.* TO %s@%s",
                    (s.mysql_user, host),
                )

    def health(self) -> tuple[bool, str]:
        import pymysql

        s = self.settings
        try:
            with (
                pymysql.connect(
                    host=s.host,
                    port=self.port,
                    user=s.mysql_user,
                    password=s.mysql_password,
                    database=s.mysql_database,
                    connect_timeout=2,
                ) as conn,
                conn.cursor() as cur,
            ):
                cur.execute("SELECT VERSION()")
                return True, f"MariaDB {cur.fetchone()[0]}"
        except Exception as exc:
            return False, str(exc)[:120]


class Mongo(Component):
    """A real ``mongod`` when one is on PATH, else the nx-27017 wire-protocol server."""

    def __init__(self, settings: Settings):
        super().__init__("mongo", settings)

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.mongo_port)

    @property
    def managed(self) -> bool:
        return not self.settings.mongo_url

    @property
    def flavour(self) -> str:
        return "mongod" if shutil.which("mongod") else "nx-27017"

    @property
    def nx_pid_file(self) -> Path:
        return self.home / "nx-27017.pid"

    def prepare(self) -> None:
        (self.home / "db").mkdir(parents=True, exist_ok=True)
        # we only get here when our own pid file says the server is not running; a pid file
        # nx-27017 left behind (killed, or its pid since reused) would make it refuse to start
        self.nx_pid_file.unlink(missing_ok=True)

    def argv(self) -> list[str]:
        host, port = self.settings.host, str(self.port)
        if self.flavour == "mongod":
            return ["mongod", "--dbpath", str(self.home / "db"), "--bind_ip", host, "--port", port]
        return [
            _find_binary("nx-27017"),
            "--db",
            str(self.home / "db" / "cloudbank.db"),
            "--host",
            host,
            "-p",
            port,
            # its defaults (/tmp/nx_27017.pid, /tmp/nx_27017.log) are shared by every
            # nx-27017 on the machine: a second stack's server would refuse to start. It logs
            # to stdout (our log file) too, so the extra log file is not needed.
            "--pid-file",
            str(self.nx_pid_file),
            "--log-file",
            os.devnull,
        ]

    def health(self) -> tuple[bool, str]:
        import pymongo

        try:
            with pymongo.MongoClient(
                self.settings.effective_mongo_url, serverSelectionTimeoutMS=1500
            ) as client:
                client.admin.command("ping")
            return True, self.flavour if self.managed else "external"
        except Exception as exc:
            return False, str(exc)[:120]


class Redis(Component):
    def __init__(self, settings: Settings):
        super().__init__("redis", settings)

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.redis_port)

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)

    def argv(self) -> list[str]:
        return [
            _find_binary("redis-server", "/usr/bin"),
            "--bind",
            self.settings.host,
            "--port",
            str(self.port),
            "--dir",
            str(self.home),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
        ]

    def health(self) -> tuple[bool, str]:
        import redis

        try:
            client = redis.Redis.from_url(self.settings.redis_url, socket_timeout=1.5)
            info = client.info("server")
            client.close()
            return True, f"Redis {info['redis_version']}"
        except Exception as exc:
            return False, str(exc)[:120]


class HAProxy(Component):
    """Load balancer in front of the two cuentas instances."""

    template = REPO_ROOT / "infra" / "haproxy" / "haproxy.cfg.template"

    def __init__(self, settings: Settings):
        super().__init__("haproxy", settings, stop_signal=signal.SIGUSR1, stop_timeout=10)

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.cuentas_port)

    @property
    def stats_port(self) -> int:
        return self.settings.port(self.settings.haproxy_stats_port)

    @property
    def ports(self) -> list[int]:
        return [self.port, self.stats_port]

    @property
    def config_path(self) -> Path:
        return self.home / "haproxy.cfg"

    def render_config(self) -> str:
        s = self.settings
        first, second = (s.port(p) for p in s.cuentas_instance_ports)
        return self.template.read_text().format(
            host=s.host,
            port=self.port,
            stats_port=self.stats_port,
            instance_1=first,
            instance_2=second,
        )

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self.render_config())
        binary = _find_binary("haproxy", "/usr/sbin")
        result = subprocess.run(
            [binary, "-c", "-q", "-f", str(self.config_path)], capture_output=True, text=True
        )
        if result.returncode:
            raise StackError(f"invalid HAProxy config:\n{result.stdout}{result.stderr}")

    def argv(self) -> list[str]:
        return [_find_binary("haproxy", "/usr/sbin"), "-db", "-f", str(self.config_path)]

    def servers(self) -> dict[str, dict[str, str]]:
        """HAProxy's statistics row of each cuentas instance (status, hrsp_2xx, ...)."""
        import csv
        import io

        import httpx

        url = f"http://{self.settings.host}:{self.stats_port}/stats;csv"
        rows = csv.DictReader(io.StringIO(httpx.get(url, timeout=1.5).text.lstrip("# ")))
        return {
            row["svname"]: row
            for row in rows
            if row["pxname"] == "cuentas_instances" and row["svname"] not in ("BACKEND", "FRONTEND")
        }

    def backends(self) -> dict[str, str]:
        """State of each cuentas instance as HAProxy sees it (UP, DOWN, ...)."""
        return {name: row["status"] for name, row in self.servers().items()}

    def health(self) -> tuple[bool, str]:
        try:
            states = self.backends()
        except Exception as exc:
            return False, str(exc)[:120]
        return True, "backends " + ", ".join(f"{k}={v}" for k, v in states.items())


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as the CLOUDBANK_* variables that rebuild them in a child process."""
    env = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is not None:
            env[f"CLOUDBANK_{name.upper()}"] = (
                value if isinstance(value, str) else json.dumps(value)
            )
    return env


class AsgiService(Component):
    """One of our FastAPI services, served by uvicorn or (``server="granian"``) granian;
    ``prepare_module`` (e.g. the service's migrations) runs before each start and must be
    idempotent."""

    def __init__(
        self,
        name: str,
        settings: Settings,
        *,
        app: str,
        base_port: int,
        workers: int = 1,
        server: Literal["uvicorn", "granian"] = "uvicorn",
        prepare_module: str | None = None,
    ):
        super().__init__(name, settings, stop_timeout=15, wave=1, parallel_wave=True)
        self.app, self.base_port, self.workers, self.server = app, base_port, workers, server
        self.prepare_module = prepare_module
        # the child gets this stack's settings (they may not come from the environment), and
        # names itself (the kit's X-Instance header)
        self.env = {
            **os.environ,
            **settings_env(settings),
            "PYTHONPATH": str(REPO_ROOT),
            "CLOUDBANK_INSTANCE_NAME": name,
        }

    @property
    def port(self) -> int:
        return self.settings.port(self.base_port)

    def prepare(self) -> None:
        if not self.prepare_module:
            return
        result = subprocess.run(
            [sys.executable, "-m", self.prepare_module],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise StackError(f"{self.prepare_module} failed:\n{result.stderr[-3000:]}")

    def argv(self) -> list[str]:
        where = ["--host", self.settings.host, "--port", str(self.port)]
        where += ["--workers", str(self.workers)]
        if self.server == "granian":
            return [
                *(sys.executable, "-m", "granian", "--interface", "asgi", *where),
                *("--http", "1", "--no-ws", "--loop", "uvloop"),
                # one runtime thread per worker: the workers are the parallelism
                *("--runtime-mode", "st"),
                *("--log-level", "warning", "--workers-kill-timeout", "10"),
                self.app,
            ]
        return [
            *(sys.executable, "-m", "uvicorn", self.app, *where),
            "--no-access-log",  # the kit writes its own JSON access line
            # nothing reads X-Forwarded-* (no client addresses are used), so skip parsing them
            "--no-proxy-headers",
            *("--loop", "uvloop", "--http", "httptools", "--timeout-graceful-shutdown", "10"),
        ]

    def health(self) -> tuple[bool, str]:
        import httpx

        try:
            response = httpx.get(f"http://{self.settings.host}:{self.port}/health/ready", timeout=2)
        except httpx.HTTPError as exc:
            return False, str(exc)[:120] or type(exc).__name__
        return response.status_code == 200, f"ready: HTTP {response.status_code}"


class DagsterProcess(Component):
    """The Dagster UI and daemon, loading ``workspace.yaml``; DAGSTER_HOME is var/dagster
    (runs, schedules, event logs; ``dagster.yaml`` with telemetry off)."""

    test_stack = False  # the test suite's stack does not start it

    def __init__(self, name: str, settings: Settings):
        super().__init__(
            name, settings, stop_signal=signal.SIGINT, stop_timeout=20, wave=1, parallel_wave=True
        )
        self.ready_timeout = 180.0  # the first start imports and compiles a lot
        from orchestration.home import DAGSTER_ENV

        self.env = {
            **DAGSTER_ENV,
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "CLOUDBANK_VAR_DIR": str(settings.var_dir),
            "CLOUDBANK_PORT_OFFSET": str(settings.port_offset),
            "DAGSTER_HOME": str(self.dagster_home),
        }

    @property
    def dagster_home(self) -> Path:
        return Path(self.settings.var_dir).resolve() / "dagster"

    def prepare(self) -> None:
        from orchestration.home import create_storage, dagster_home

        create_storage(dagster_home(self.settings.var_dir))

    def command(self) -> list[str]:
        raise NotImplementedError

    def argv(self) -> list[str]:
        # a server started from a non-interactive shell inherits SIGINT/SIGTERM as ignored;
        # restore their default handling so that stopping it works
        return ["env", "--default-signal=INT,TERM", *self.command()]


class DagsterWebserver(DagsterProcess):
    def __init__(self, settings: Settings):
        super().__init__("dagster-webserver", settings)

    @property
    def port(self) -> int:
        return self.settings.port(self.settings.dagster_port)

    def command(self) -> list[str]:
        return [
            _find_binary("dagster-webserver"),
            "-h",
            self.settings.host,
            "-p",
            str(self.port),
            "-w",
            str(REPO_ROOT / "workspace.yaml"),
        ]

    def health(self) -> tuple[bool, str]:
        import httpx

        try:
            response = httpx.get(f"http://{self.settings.host}:{self.port}/server_info", timeout=2)
        except httpx.HTTPError as exc:
            return False, str(exc)[:120] or type(exc).__name__
        if response.status_code != 200:
            return False, f"server_info: HTTP {response.status_code}"
        version = response.json().get("dagster_webserver_version", "?")
        return True, f"Dagster UI {version}"


class DagsterDaemon(DagsterProcess):
    """Runs schedules and sensors; healthy while its heartbeats are fresh."""

    heartbeat_max_age = 90.0

    def __init__(self, settings: Settings):
        super().__init__("dagster-daemon", settings)

    @property
    def port(self) -> int:
        return 0  # listens on nothing

    @property
    def ports(self) -> list[int]:
        return []

    def command(self) -> list[str]:
        return [_find_binary("dagster-daemon"), "run", "-w", str(REPO_ROOT / "workspace.yaml")]

    def health(self) -> tuple[bool, str]:
        import sqlite3
        import time

        database = self.dagster_home / "history" / "runs.db"
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=2) as conn:
                rows = conn.execute(
                    "SELECT daemon_type, timestamp FROM daemon_heartbeats"
                ).fetchall()
        except sqlite3.Error as exc:
            return False, f"no heartbeat yet ({exc})"[:120]
        if not rows:
            return False, "no heartbeat yet"
        now = time.time()
        stale = [kind for kind, ts in rows if now - _epoch(ts) > self.heartbeat_max_age]
        if stale:
            return False, "stale heartbeats: " + ", ".join(sorted(stale))
        return True, "heartbeats: " + ", ".join(sorted(kind for kind, _ in rows))


def _epoch(value) -> float:
    """Heartbeat timestamps are stored as epoch seconds or as an ISO/SQL datetime (UTC)."""
    from datetime import UTC, datetime

    if isinstance(value, (int, float)):
        return float(value)
    parsed = datetime.fromisoformat(str(value))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def all_components(settings: Settings) -> list[Component]:
    """Every component in start order (stop order is the reverse)."""
    return [
        Postgres(settings),
        MariaDB(settings),
        Mongo(settings),
        Redis(settings),
        # the two cuentas instances share the database; HAProxy (next) balances them
        *cuentas_instances(settings),
        HAProxy(settings),
        AsgiService(
            "clientes",
            settings,
            app="services.clientes.main:app",
            base_port=settings.clientes_port,
            workers=2,
            prepare_module="services.clientes.migrate",
        ),
        AsgiService(
            "transacciones",
            settings,
            app="services.transacciones.main:app",
            base_port=settings.transacciones_port,
            workers=2,
        ),
        AsgiService(
            "perfil360",
            settings,
            app="services.perfil360.main:app",
            base_port=settings.perfil360_port,
            workers=2,
        ),
        AsgiService(
            "web",
            settings,
            app="services.web.server:app",
            base_port=settings.web_port,
            prepare_module="services.web.build",
        ),
        DagsterWebserver(settings),
        DagsterDaemon(settings),
        AsgiService(
            "analytics",
            settings,
            app="services.analytics.main:app",
            base_port=settings.analytics_port,
            workers=2,
            server="granian",  # see docs/analytics.md: pre-rendered answers, the server's cost
        ),
    ]


def cuentas_instances(settings: Settings) -> list[AsgiService]:
    """cuentas-1 and cuentas-2; each applies the migrations first (under a database lock)."""
    return [
        AsgiService(
            f"cuentas-{number}",
            settings,
            app="services.cuentas.main:app",
            base_port=port,
            prepare_module="services.cuentas.migrate",
        )
        for number, port in enumerate(settings.cuentas_instance_ports, start=1)
    ]
