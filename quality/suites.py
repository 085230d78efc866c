"""The expectation suite of each raw table, derived from its ``TableSpec`` (plain data; GX is
imported only by the runner).

Every suite checks: the exact column list, each column's type, not-null keys and required
columns, unique ids (and compound keys), the accepted values of every enumeration, value
ranges (money, rates), instants not in the future, and the row count: at least one row when
the source has any, and exactly the number the source holds for the validated window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from ingestion.tables import TableSpec

#: Clock skew allowed between the sources and the pipeline when checking "not in the future".
CLOCK_SKEW = timedelta(minutes=5)

#: Value ranges per table and column: (min, max), None = open; "nonzero" for signed legs.
RANGES: dict[str, dict[str, tuple | str]] = {
    "cuentas.tipos_cuenta": {"costo_mantenimiento": (0, None), "tasa_interes": (0, 100)},
    "cuentas.cuentas": {"saldo": (0, None), "version": (0, None)},
    "cuentas.movimientos": {"monto": "nonzero", "saldo_resultante": (0, None)},
    "transacciones.transacciones": {"monto": (1, None)},  # > 0 céntimos
}


def gx_type(t: pa.DataType) -> str | None:
    """The type name GX reports for a column converted by ``quality.frames.to_pandas``."""
    if pa.types.is_int32(t):
        return "int32"
    if pa.types.is_int64(t):
        return "int64"
    if pa.types.is_string(t):
        return "str"
    if pa.types.is_timestamp(t):
        return "Timestamp"
    if pa.types.is_date32(t):
        return "datetime64"
    return None  # decimals: checked on the Arrow schema only


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: GX class name and keyword arguments."""

    type: str
    kwargs: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        column = self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", [])[:3])
        return f"{self.type}({column})" if column else self.type


def suite_for(
    spec: TableSpec, *, expected_rows: int | None, now: datetime | None = None
) -> list[ExpectationSpec]:
    now = (now or datetime.now(UTC)) + CLOCK_SKEW
    columns = spec.lake_columns
    out = [
        ExpectationSpec(
            "ExpectTableColumnsToMatchOrderedList", {"column_list": [c[0] for c in columns]}
        )
    ]
    for name, t, nullable, _ in columns:
        type_name = gx_type(t)
        if type_name:
            out.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeOfType", {"column": name, "type_": type_name}
                )
            )
        if not nullable:
            out.append(ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": name}))
        if pa.types.is_timestamp(t):
            out.append(
                ExpectationSpec("ExpectColumnValuesToBeBetween", {"column": name, "max_value": now})
            )
    out.append(ExpectationSpec("ExpectColumnValuesToBeUnique", {"column": spec.primary_key}))
    if spec.unique_together:
        out.append(
            ExpectationSpec(
                "ExpectCompoundColumnsToBeUnique", {"column_list": list(spec.unique_together)}
            )
        )
    for column in spec.columns:
        if column.accepted:
            out.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeInSet",
                    {"column": column.name, "value_set": list(column.accepted)},
                )
            )
    for name, rule in RANGES.get(spec.key, {}).items():
        if rule == "nonzero":
            out.append(
                ExpectationSpec(
                    "ExpectColumnValuesToNotBeInSet", {"column": name, "value_set": [0]}
                )
            )
        else:
            low, high = rule
            kwargs = {"column": name}
            if low is not None:
                kwargs["min_value"] = low
            if high is not None:
                kwargs["max_value"] = high
            out.append(ExpectationSpec("ExpectColumnValuesToBeBetween", kwargs))
    if spec.name == "documentos_identidad":
        out.append(
            ExpectationSpec(
                "ExpectColumnValuesToBeBetween",
                {"column": "fecha_emision", "max_value": now.replace(tzinfo=None)},
            )
        )
    if expected_rows is not None:
        if expected_rows > 0:
            out.append(ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1}))
        out.append(ExpectationSpec("ExpectTableRowCountToEqual", {"value": expected_rows}))
    return out
