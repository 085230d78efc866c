"""Reconciliation of the lake against the sources, consistent under live traffic.

A source keeps changing while the pipeline runs, so "lake == source" is checked at the lake's
watermark ``W`` (every source change up to ``W`` is in the lake): rows whose ``updated_at`` is
later than ``W`` are set aside on both sides (the source says which), and everything else must
match exactly: row counts and money sums per currency.

The balance check needs no source read for the comparison itself: every account of the
``cuentas`` snapshot must have ``saldo = Σ movimientos.monto`` over the journal in the lake.
Accounts that changed in the source after the snapshot, or whose journal has legs the lake
has not read yet, are skipped (and counted), for the same reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.extract.base import Extractor, Window
from ingestion.lake import Lake
from ingestion.tables import CUENTAS, MOVIMIENTOS, Kind, TableSpec
from quality.runner import CheckOutcome


@dataclass
class LakeWindow:
    """The lake rows a check looks at, and the watermark they are complete up to."""

    spec: TableSpec
    dts: list[str]
    rows: pa.Table
    watermark: datetime | None

    @property
    def source_window(self) -> Window:
        if self.spec.kind is Kind.EVENTS and self.dts:
            return Window(
                start=date.fromisoformat(self.dts[0]), end=date.fromisoformat(self.dts[-1])
            )
        return Window()


def lake_window(lake: Lake, spec: TableSpec, dts: list[str]) -> LakeWindow:
    manifests = [m for m in (lake.read_manifest(spec, dt) for dt in dts) if m is not None]
    marks = [m.watermark_dt for m in manifests if m.watermark]
    rows = lake.read_partitions(spec, [m.dt for m in manifests])
    return LakeWindow(spec, [m.dt for m in manifests], rows, min(marks) if marks else None)


@dataclass
class Comparison:
    changed: list
    source_rows: int
    lake_rows: int
    source_sums: dict
    lake_sums: dict
    lake_rows_changed_since: int

    @property
    def expected_lake_rows(self) -> int:
        """How many rows the lake window must hold: the source's stable rows plus the rows
        that changed in the source since the watermark (their older version)."""
        return self.source_rows + self.lake_rows_changed_since


def compare(window: LakeWindow, extractor: Extractor) -> Comparison:
    spec, rows = window.spec, window.rows
    source_window = window.source_window
    if window.watermark is None:  # nothing read yet: compare with everything
        changed: list = []
        profile = extractor.profile(spec, source_window)
    else:
        changed = extractor.changed_keys(spec, source_window, window.watermark)
        profile = extractor.profile(
            spec, Window(source_window.start, source_window.end, until=window.watermark)
        )
    key = rows.column(spec.primary_key)
    changed_mask = pc.is_in(key, value_set=pa.array(changed, key.type)) if changed else None
    stable = rows.filter(pc.invert(changed_mask)) if changed_mask is not None else rows
    return Comparison(
        changed=changed,
        source_rows=profile.rows,
        lake_rows=stable.num_rows,
        source_sums=profile.sums,
        lake_sums=money_sums(spec, stable),
        lake_rows_changed_since=rows.num_rows - stable.num_rows,
    )


def money_sums(spec: TableSpec, rows: pa.Table) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = {}
    currency = spec.currency_column
    for money in spec.money_columns:
        if not rows.num_rows:
            sums[money] = {}
            continue
        if currency:
            grouped = rows.group_by(currency).aggregate([(money, "sum")])
            sums[money] = {
                str(k): int(v or 0)
                for k, v in zip(
                    grouped.column(currency).to_pylist(),
                    grouped.column(f"{money}_sum").to_pylist(),
                    strict=True,
                )
            }
        else:
            sums[money] = {"": int(pc.sum(rows.column(money)).as_py() or 0)}
    return sums


def reconcile(
    window: LakeWindow, extractor: Extractor, comparison: Comparison | None = None
) -> CheckOutcome:
    c = comparison or compare(window, extractor)
    failures = []
    if c.lake_rows != c.source_rows:
        failures.append(f"rows: lake {c.lake_rows} != source {c.source_rows}")
    for money in window.spec.money_columns:
        lake_sums = {k: v for k, v in c.lake_sums.get(money, {}).items() if v}
        source_sums = {k: v for k, v in c.source_sums.get(money, {}).items() if v}
        for currency in sorted(set(lake_sums) | set(source_sums)):
            lake_value, source_value = lake_sums.get(currency, 0), source_sums.get(currency, 0)
            if lake_value != source_value:
                failures.append(
                    f"sum({money}) {currency or 'all'}: lake {lake_value} != source "
                    f"{source_value} (céntimos)"
                )
    stats = {
        "lake_rows": c.lake_rows,
        "source_rows": c.source_rows,
        "rows_changed_since_watermark": len(c.changed),
        "watermark": window.watermark.isoformat() if window.watermark else None,
        "partitions": len(window.dts),
        "money_sums": {m: c.lake_sums.get(m, {}) for m in window.spec.money_columns},
    }
    return CheckOutcome(
        check="reconciliation",
        table=window.spec.key,
        passed=not failures,
        stats=stats,
        failures=failures,
        details={"source_sums": c.source_sums, "lake_sums": c.lake_sums},
    )


def check_balances(lake: Lake, extractor: Extractor, cuentas_dt: str) -> CheckOutcome:
    """saldo = Σ journal for every account of the ``cuentas`` snapshot ``cuentas_dt``."""
    accounts_manifest = lake.read_manifest(CUENTAS, cuentas_dt)
    accounts = lake.read_partition(
        CUENTAS, cuentas_dt, accounts_manifest, columns=["cuenta_id", "saldo", "moneda"]
    )
    journal_dts = lake.partitions(MOVIMIENTOS)
    journal = lake.read_partitions(
        MOVIMIENTOS, journal_dts, columns=["cuenta_id", "monto", "moneda"]
    )
    skipped: set[int] = set()
    if accounts_manifest and accounts_manifest.watermark:
        skipped |= set(extractor.changed_keys(CUENTAS, Window(), accounts_manifest.watermark_dt))
    latest = lake.read_manifest(MOVIMIENTOS, journal_dts[-1]) if journal_dts else None
    if latest and latest.watermark:
        skipped |= set(
            extractor.changed_keys(MOVIMIENTOS, Window(), latest.watermark_dt, column="cuenta_id")
        )
    totals: dict[int, int] = defaultdict(int)
    currencies: dict[int, set] = defaultdict(set)
    if journal.num_rows:
        grouped = journal.group_by(["cuenta_id", "moneda"]).aggregate([("monto", "sum")])
        for cuenta, moneda, total in zip(
            grouped.column("cuenta_id").to_pylist(),
            grouped.column("moneda").to_pylist(),
            grouped.column("monto_sum").to_pylist(),
            strict=True,
        ):
            totals[cuenta] += int(total)
            currencies[cuenta].add(moneda)
    mismatches, checked = [], 0
    for cuenta, saldo, moneda in zip(
        accounts.column("cuenta_id").to_pylist(),
        accounts.column("saldo").to_pylist(),
        accounts.column("moneda").to_pylist(),
        strict=True,
    ):
        if cuenta in skipped:
            continue
        checked += 1
        journal_total = totals.get(cuenta, 0)
        if saldo != journal_total or currencies.get(cuenta, {moneda}) != {moneda}:
            mismatches.append(
                {
                    "cuenta_id": cuenta,
                    "saldo": saldo,
                    "journal": journal_total,
                    "moneda": moneda,
                    "journal_currencies": sorted(currencies.get(cuenta, [])),
                }
            )
    failures = [
        f"cuenta {m['cuenta_id']}: saldo {m['saldo']} != Σ movimientos {m['journal']} "
        f"({m['moneda']}, céntimos)"
        for m in mismatches
    ]
    return CheckOutcome(
        check="balance_equals_journal",
        table=CUENTAS.key,
        passed=not mismatches,
        stats={
            "accounts": accounts.num_rows,
            "accounts_checked": checked,
            "accounts_skipped_in_flight": len(skipped),
            "mismatches": len(mismatches),
            "journal_rows": journal.num_rows,
            "journal_partitions": len(journal_dts),
            "snapshot": cuentas_dt,
        },
        failures=failures,
        details={"mismatches": mismatches[:100]},
    )
