"""``cloudbank``: the command line of the local stack.

Run ``cloudbank --help`` for the commands and ``cloudbank COMMAND --help`` for each one.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import click

from infra.local.process import StackError
from infra.local.stack import Stack
from services.common.settings import get_settings


def _stack() -> Stack:
    return Stack(get_settings())


def _fail(exc: Exception) -> None:
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log every step.")
def main(verbose: bool) -> None:
    """Cloud Bank local stack: databases, load balancer, services and data platform.

    Everything runs as child processes on 127.0.0.1 with data, logs and pid files under
    var/ (CLOUDBANK_VAR_DIR). Ports and credentials are settings (see .env.example).
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


@main.command()
@click.argument("components", nargs=-1)
def up(components: tuple[str, ...]) -> None:
    """Start COMPONENTS (default: all), waiting until each answers real requests.

    Components already running are left as they are, so running it twice is harmless.
    """
    stack = _stack()
    started = time.monotonic()
    try:
        timings = stack.up(components)
    except StackError as exc:
        _fail(exc)
    for name, seconds in timings.items():
        click.echo(f"  {name:<14} ready in {seconds:5.2f}s")
    click.secho(f"stack up in {time.monotonic() - started:.2f}s", fg="green")


@main.command()
@click.argument("components", nargs=-1)
def down(components: tuple[str, ...]) -> None:
    """Stop COMPONENTS (default: all) gracefully; only processes this stack started."""
    try:
        stopped = _stack().down(components)
    except StackError as exc:
        _fail(exc)
    click.echo("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))


@main.command()
def status() -> None:
    """Show each component's state, pid, port and health; exit 1 if any is unhealthy."""
    rows = _stack().status()
    click.echo(f"{'COMPONENT':<14} {'STATE':<10} {'PID':>7} {'PORT':>6}  HEALTH")
    for row in rows:
        colour = "green" if row.healthy else "red"
        health = ("ok" if row.healthy else "FAIL") + (f"  {row.detail}" if row.detail else "")
        click.echo(
            f"{row.name:<14} {row.state:<10} {row.pid or '-':>7} {row.port:>6}  "
            + click.style(health, fg=colour)
        )
    sys.exit(0 if all(r.healthy for r in rows) else 1)


@main.command()
@click.argument("component", required=False)
@click.option("-n", "--lines", default=40, show_default=True, help="Lines to show per log.")
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines.")
def logs(component: str | None, lines: int, follow: bool) -> None:
    """Show the logs of COMPONENT (default: every component)."""
    stack = _stack()
    try:
        selected = stack.select([component] if component else None)
    except StackError as exc:
        _fail(exc)
    if follow:
        paths = [str(c.log_path) for c in selected if c.log_path.exists()]
        if not paths:
            _fail(StackError("no logs yet; start the stack with 'cloudbank up'"))
        subprocess.run(["tail", "-n", str(lines), "-F", *paths], check=False)
        return
    for c in selected:
        click.secho(f"==> {c.name} ({c.log_path})", bold=True)
        click.echo(stack.tail(c, lines))


@main.command()
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "cajero", "analista", "service"]),
    help="Role of the token; it decides the scopes.",
)
@click.option("--sub", default=None, help="Subject (user name); defaults to the role.")
@click.option("--ttl", "ttl_minutes", type=int, default=None, help="Minutes until it expires.")
def token(role: str, sub: str | None, ttl_minutes: int | None) -> None:
    """Print a development bearer token for ROLE (paste it into Swagger's Authorize)."""
    from services.common.auth import Role, issue_token

    click.echo(issue_token(sub or role, Role(role), ttl_minutes=ttl_minutes))


@main.command()
def urls() -> None:
    """Print every URL of the local stack and how to log in."""
    from infra.local.urls import describe_urls

    click.echo(describe_urls(get_settings()))


@main.command("seed")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Volume: 1 = 20,000 clientes (with their documents), 20,000 cuentas and 20,000 "
    "transacciones; fractions work (0.05 = 1,000 of each).",
)
@click.option(
    "--seed",
    "seed_value",
    type=int,
    default=42,
    show_default=True,
    help="Random seed. The same seed, scale and --as-of give byte-identical data.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day the data ends, YYYY-MM-DD [default: today, UTC]: everything happens before "
    "midnight UTC of that day, transactions in the 12 months before it.",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Empty the seeded tables of the three stores first (tipos_cuenta is kept). "
    "Without it (or --if-empty) the command refuses, with exit code 1, to load into stores "
    "that already hold data.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only if the stores are empty; otherwise do nothing and exit 0 (for make demo).",
)
def seed_command(scale: float, seed_value: int, as_of, reset: bool, if_empty: bool) -> None:
    """Load synthetic Peruvian bank data into the three stores.

    clientes and documentos_identidad go to PostgreSQL (COPY), cuentas and their journal
    (movimientos, one APERTURA leg per account plus the legs of every completed
    transaction) to MariaDB, and transacciones to MongoDB. Every balance equals the sum of
    its journal; rejected transactions have no legs.

    Starts the databases if they are not running and applies the services' migrations
    first. Prints a progress bar per table (stderr) and a summary with rows/s.
    """
    import datetime as dt

    from seed.command import SeedRefused, run, summary
    from seed.config import SeedConfig
    from seed.load import LoadError

    if reset and if_empty:
        raise click.UsageError("--reset and --if-empty exclude each other")
    day = as_of.date() if as_of else dt.datetime.now(dt.UTC).date()
    try:
        config = SeedConfig(as_of=day, scale=scale, seed=seed_value)
        stats = run(get_settings(), config, reset=reset, if_empty=if_empty, echo=click.echo)
    except (SeedRefused, LoadError, StackError, ValueError) as exc:
        _fail(exc)
    if stats:
        click.echo(summary(stats))


@main.command()
@click.option("--batch", default=200, show_default=True, help="Transactions per pass.")
def recover(batch: int) -> None:
    """Finish every PENDIENTE transaction whose posting attempt is over.

    The same idempotent call to cuentas as the service's own recovery pass (which runs every
    few seconds inside transacciones); safe to run at any time, even beside it.
    """
    import asyncio

    from services.transacciones.recovery import recover_cli

    try:
        report = asyncio.run(recover_cli(get_settings(), batch))
    except Exception as exc:
        _fail(exc)
    if not report:
        click.echo("nothing to recover")
    for estado, count in sorted(report.items()):
        click.echo(f"  {estado:<11} {count}")
    if report.get("PENDIENTE"):
        click.secho("some transactions are still PENDIENTE: is cuentas up?", fg="yellow")
        sys.exit(1)


@main.command()
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First business date (UTC).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last business date (today).")
@click.option("--full-refresh", is_flag=True, help="Re-extract everything in the range.")
@click.option("--log-level", default="WARNING", show_default=True, help="Dagster's console log.")
def pipeline(start, end, full_refresh: bool, log_level: str) -> None:
    """Run the data pipeline once: every raw table into the lake, catalog, blocking checks.

    One Dagster run in this process (it shows in the Dagster UI). Exits 1 naming each failed
    step and check (with the expectations that failed). Default range: yesterday and today;
    into an empty lake, the first run also loads the sources' whole history.
    """
    settings = get_settings()
    from orchestration.home import use_dagster_home

    use_dagster_home(settings.var_dir)
    import dagster as dg

    from orchestration.pipeline import run_pipeline

    with dg.DagsterInstance.get() as instance:
        report = run_pipeline(
            start=start.date() if start else None,
            end=end.date() if end else None,
            full_refresh=full_refresh,
            instance=instance,
            log_level=log_level.upper(),
        )
    for line in report.lines():
        failed = "FAILED" in line
        click.secho(line, fg="red" if failed else None, err=failed)
    click.echo(f"Dagster UI: {settings.service_url(settings.dagster_port)}/runs/{report.run_id}")
    if not report.ok:
        click.secho("pipeline failed", fg="red", err=True)
        sys.exit(1)
    click.secho("pipeline succeeded", fg="green")


@main.command("env-example")
def env_example_command() -> None:
    """Print .env.example: every setting with its default."""
    from services.common.settings import env_example

    click.echo(env_example(), nl=False)


if __name__ == "__main__":
    main()
