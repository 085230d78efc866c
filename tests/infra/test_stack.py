"""The local stack manager against real servers: a throwaway stack of this module's own."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from stat import S_IMODE

import httpx
import psycopg
import pymongo
import pymysql
import pytest
import redis
from click.testing import CliRunner

from infra.local.cli import main
from infra.local.components import HAProxy, Postgres, Redis, all_components
from infra.local.process import PidFile, StackError, port_in_use, process_start_time, wait_until
from infra.local.stack import Stack
from services.common.settings import REPO_ROOT, Settings, env_example, get_settings

pytestmark = pytest.mark.stack

ALL = [c.name for c in all_components(get_settings())]


@pytest.fixture(scope="module")
def local(new_stack) -> Stack:
    return new_stack(300)


@pytest.fixture
def running(local: Stack) -> Stack:
    """The module's stack with every component up (a test may stop some; the next restarts)."""
    stopped = [c.name for c in local.components if local.pid_file(c).live_pid() is None]
    if stopped:
        local.up(stopped)
    return local


@pytest.fixture
def cli(local: Stack, monkeypatch):
    """Run ``cloudbank ...`` in-process against the module's stack; returns the click Result."""
    monkeypatch.setenv("CLOUDBANK_VAR_DIR", str(local.settings.var_dir))
    monkeypatch.setenv("CLOUDBANK_PORT_OFFSET", str(local.settings.port_offset))
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(args))
    get_settings.cache_clear()


def component(stack: Stack, name: str):
    return stack.select([name])[0]


def children(parents: set[int]) -> dict[int, str]:
    """Live child processes of ``parents`` (PostgreSQL's workers, say) -> their start times."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[1]) in parents:
                found[int(stat.parent.name)] = fields[19]
    return found


def live_pids(stack: Stack) -> dict[str, int]:
    return {
        c.name: pid for c in stack.components if (pid := stack.pid_file(c).live_pid()) is not None
    }


@contextlib.contextmanager
def foreign_listener(port: int):
    """A process-external-looking listener: a plain socket bound to ``port``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # the component just stopped on that port may have left connections in TIME_WAIT
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield sock
    finally:
        sock.close()


def pg_connect(stack: Stack, password: str | None = None):
    s = stack.settings
    return psycopg.connect(
        host=s.host,
        port=s.port(s.pg_port),
        user=s.pg_user,
        password=s.pg_password if password is None else password,
        dbname=s.pg_database,
        connect_timeout=3,
        autocommit=True,
    )


def my_connect(stack: Stack, password: str | None = None, user: str | None = None):
    s = stack.settings
    return pymysql.connect(
        host=s.host,
        port=s.port(s.mysql_port),
        user=s.mysql_user if user is None else user,
        password=s.mysql_password if password is None else password,
        database=s.mysql_database if user is None else None,
        connect_timeout=3,
        autocommit=True,
    )


def mongo_client(stack: Stack) -> pymongo.MongoClient:
    return pymongo.MongoClient(stack.settings.effective_mongo_url, serverSelectionTimeoutMS=3000)


def redis_client(stack: Stack) -> redis.Redis:
    return redis.Redis.from_url(stack.settings.redis_url, socket_timeout=3)


# --- connections with the configured credentials -----------------------------------------


def test_postgres_accepts_the_app_user_over_tcp(running):
    with pg_connect(running) as conn:
        user, db = conn.execute("SELECT current_user, current_database()").fetchone()
    assert (user, db) == (running.settings.pg_user, running.settings.pg_database)


def test_postgres_refuses_a_wrong_password(running):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        pg_connect(running, password="not-the-password")


def test_mariadb_accepts_the_app_user_over_tcp(running):
    with my_connect(running) as conn, conn.cursor() as cur:
        cur.execute("SELECT CURRENT_USER(), DATABASE()")
        user, db = cur.fetchone()
    assert user.split("@")[0] == running.settings.mysql_user
    assert db == running.settings.mysql_database


def test_mariadb_refuses_a_wrong_password(running):
    with pytest.raises(pymysql.err.OperationalError) as info:
        my_connect(running, password="not-the-password")
    assert info.value.args[0] == 1045  # access denied


def test_mariadb_root_without_password_is_refused_over_tcp(running):
    with pytest.raises(pymysql.err.OperationalError) as info:
        my_connect(running, user="root", password="")
    assert info.value.args[0] == 1045


def test_mongo_answers_ping_and_stores_a_document(running):
    with mongo_client(running) as client:
        assert client.admin.command("ping")["ok"] == 1
        collection = client[running.settings.mongo_database]["stack_probe"]
        marker = uuid.uuid4().hex
        collection.insert_one({"_id": marker, "n": 1})
        assert collection.find_one({"_id": marker}) == {"_id": marker, "n": 1}
        collection.delete_one({"_id": marker})


def test_redis_sets_and_gets(running):
    client = redis_client(running)
    client.set("stack:probe", "hola", ex=60)
    assert client.get("stack:probe") == b"hola"
    client.close()


def test_haproxy_stats_page_lists_both_cuentas_instances(running):
    haproxy = component(running, "haproxy")
    response = httpx.get(f"http://127.0.0.1:{haproxy.stats_port}/stats;csv", timeout=3)
    assert response.status_code == 200
    assert "cuentas-1" in response.text and "cuentas-2" in response.text
    assert set(haproxy.backends()) == {"cuentas-1", "cuentas-2"}


def test_a_second_stack_runs_its_own_mongo_beside_this_one(running, new_stack):
    other = new_stack(600)
    other.up(["mongo"])
    for stack in (running, other):
        with mongo_client(stack) as client:
            assert client.admin.command("ping")["ok"] == 1
    assert other.settings.port(other.settings.mongo_port) != component(running, "mongo").port
    other.down(["mongo"])


# --- persistence ----------------------------------------------------------------------------


def test_data_survives_down_and_up(running):
    marker = uuid.uuid4().hex
    with pg_connect(running) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS survival (marker text PRIMARY KEY)")
        conn.execute("INSERT INTO survival VALUES (%s)", (marker,))
    with my_connect(running) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS survival (marker varchar(64) PRIMARY KEY)")
        cur.execute("INSERT INTO survival VALUES (%s)", (marker,))
    with mongo_client(running) as client:
        client[running.settings.mongo_database]["survival"].insert_one({"_id": marker})
    redis_client(running).set(f"survival:{marker}", "1")

    assert running.down() == list(reversed(ALL))
    assert live_pids(running) == {}
    running.up()

    with pg_connect(running) as conn:
        assert conn.execute("SELECT marker FROM survival WHERE marker = %s", (marker,)).fetchone()
    with my_connect(running) as conn, conn.cursor() as cur:
        cur.execute("SELECT marker FROM survival WHERE marker = %s", (marker,))
        assert cur.fetchone() == (marker,)
    with mongo_client(running) as client:
        assert client[running.settings.mongo_database]["survival"].find_one({"_id": marker})
    assert redis_client(running).get(f"survival:{marker}") == b"1"


# --- pid files --------------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_pid_file_of_a_dead_process_does_not_block_up(local):
    local.down(["redis"])
    pid_file = local.pid_file(component(local, "redis"))
    pid = dead_pid()
    pid_file.path.write_text(f"{pid} 12345\n")

    local.up(["redis"])

    new_pid = pid_file.live_pid()
    assert new_pid is not None and new_pid != pid
    assert redis_client(local).ping()


def test_pid_reused_by_an_unrelated_process_is_neither_stopped_nor_blocks_up(local):
    local.down(["redis"])
    pid_file = local.pid_file(component(local, "redis"))
    # an unrelated live process (own session, like our servers) recorded with a start time
    # that is not its own: what a pid file looks like once the pid has been reused
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        pid_file.path.write_text(f"{stranger.pid} 1\n")
        assert local.down(["redis"]) == []
        assert stranger.poll() is None, "down signalled a process that is not ours"

        pid_file.path.write_text(f"{stranger.pid} 1\n")
        local.up(["redis"])
        assert stranger.poll() is None
        assert pid_file.live_pid() not in (None, stranger.pid)
        assert redis_client(local).ping()
    finally:
        stranger.kill()
        stranger.wait()


def test_own_pid_with_another_start_time_does_not_block_up(local):
    local.down(["redis"])
    pid_file = local.pid_file(component(local, "redis"))
    pid_file.path.write_text(f"{os.getpid()} 1\n")
    local.up(["redis"])
    assert pid_file.live_pid() not in (None, os.getpid())


def test_pid_file_records_the_start_time(running):
    pid_file = running.pid_file(component(running, "redis"))
    pid, started = pid_file.path.read_text().split()
    assert started == process_start_time(int(pid))


# --- ports --------------------------------------------------------------------------------------


def test_a_foreign_listener_on_a_port_is_named_in_the_error(local, cli):
    local.down(["redis"])
    port = component(local, "redis").port
    with foreign_listener(port):
        with pytest.raises(StackError, match=f"port {port} \\(redis\\) is already in use"):
            local.up(["redis"])
        result = cli("up", "redis")
    assert result.exit_code == 1
    assert f"port {port} (redis) is already in use" in result.output
    assert local.pid_file(component(local, "redis")).live_pid() is None


def test_a_foreign_listener_on_the_haproxy_stats_port_is_named_too(local):
    local.down(["haproxy"])
    haproxy: HAProxy = component(local, "haproxy")
    with (
        foreign_listener(haproxy.stats_port),
        pytest.raises(StackError, match=f"port {haproxy.stats_port} \\(haproxy\\)"),
    ):
        local.up(["haproxy"])


def test_a_server_that_dies_while_starting_fails_fast_with_its_log(local):
    class BrokenRedis(Redis):
        def argv(self) -> list[str]:
            return [*super().argv(), "--no-such-option", "yes"]

    broken = BrokenRedis(local.settings)
    broken.ready_timeout = 20  # a hang until the timeout would give the other message
    local.down(["redis"])
    stack = Stack(local.settings, [broken])
    with pytest.raises(StackError, match="redis exited while starting") as info:
        stack.up()
    assert "no-such-option" in str(info.value)  # the log tail says why
    assert stack.pid_file(broken).live_pid() is None


# --- status -------------------------------------------------------------------------------------


def test_status_reports_each_component_and_the_cli_exit_code(running, cli):
    assert {s.name: (s.state, s.healthy) for s in running.status()} == {
        name: ("running", True) for name in ALL
    }
    result = cli("status")
    assert result.exit_code == 0, result.output

    running.down(["redis"])
    states = {s.name: s.state for s in running.status()}
    assert states == {**{name: "running" for name in ALL}, "redis": "stopped"}
    result = cli("status")
    assert result.exit_code == 1
    redis_line = next(line for line in result.output.splitlines() if line.startswith("redis"))
    assert "stopped" in redis_line and "FAIL" in redis_line

    result = cli("up", "redis")
    assert result.exit_code == 0, result.output
    assert cli("status").exit_code == 0


# --- down ---------------------------------------------------------------------------------------


def test_down_twice_is_harmless_and_leaves_nothing_behind(running):
    pids = live_pids(running)
    assert set(pids) == set(ALL)
    workers = children(set(pids.values()))
    assert workers, "expected PostgreSQL's worker processes"
    ports = [port for c in running.components for port in c.ports]

    assert running.down() == list(reversed(ALL))
    assert running.down() == []

    assert all(process_start_time(pid) is None for pid in pids.values())
    assert [pid for pid, started in workers.items() if process_start_time(pid) == started] == []
    assert not [port for port in ports if port_in_use("127.0.0.1", port)]
    assert not any(running.pid_file(c).path.exists() for c in running.components)
    assert all(s.state == "stopped" for s in running.status())


def test_down_of_a_stack_never_started_is_harmless(new_stack):
    assert new_stack(900).down() == []


def test_pid_file_ignores_garbage(tmp_path):
    pid_file = PidFile(tmp_path / "x.pid")
    assert pid_file.live_pid() is None
    pid_file.path.write_text("not a pid\n")
    assert pid_file.live_pid() is None


def test_wait_until_polls_until_true():
    calls = []
    assert wait_until(lambda: calls.append(1) or len(calls) >= 3, timeout=5, interval=0.01)
    assert len(calls) == 3
    assert not wait_until(lambda: False, timeout=0.05, interval=0.01)


# --- settings file ------------------------------------------------------------------------------


def test_env_example_is_in_sync_with_the_settings():
    result = CliRunner().invoke(main, ["env-example"])
    assert result.exit_code == 0
    assert result.output == env_example()
    assert (REPO_ROOT / ".env.example").read_text() == result.output, (
        "regenerate it: cloudbank env-example > .env.example"
    )


def test_the_dagster_ui_and_daemon_find_their_storage_created_once(tmp_path):
    """Both start at once on a new var/: their preparation creates the instance's storage
    first (two processes creating it together fail on its schema), once, whatever the
    number of concurrent preparations."""
    settings = get_settings().model_copy(update={"var_dir": tmp_path})
    dagster = [c for c in all_components(settings) if c.name.startswith("dagster-")]
    assert len(dagster) == 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda c: c.prepare(), dagster * 2))
    home = tmp_path / "dagster"
    for database in ("history/runs.db", "history/runs/index.db", "schedules/schedules.db"):
        assert (home / database).is_file(), database
    with sqlite3.connect(home / "history" / "runs.db") as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="PostgreSQL runs as its own user only under root")
def test_postgres_is_let_through_a_private_parent_directory():
    """A clone in a ``mktemp -d`` directory (mode 0700): the postgres user alone is let through
    it by an ACL entry (search only), and initdb runs."""
    private = Path(tempfile.mkdtemp(prefix="cloudbank-private-"))
    try:
        assert S_IMODE(private.stat().st_mode) == 0o700
        postgres = Postgres(Settings(_env_file=None, var_dir=private / "clone" / "var"))
        postgres.prepare()
        assert (postgres.data_dir / "PG_VERSION").exists()
        acl = subprocess.run(
            ["getfacl", "--omit-header", str(private)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert "user:postgres:--x" in acl
        assert "other::---" in acl  # nobody else is let in
    finally:
        shutil.rmtree(private)
