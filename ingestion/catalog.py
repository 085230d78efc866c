"""Table catalogs: the same names (``raw.<table>``) in AWS Glue and in a local DuckDB file.

- ``GlueCatalog`` creates or updates the database and one external Parquet table per raw table
  with its exact column types and the Hive partition key ``dt``; partitions are either found
  by Athena partition projection (default: no per-partition calls, new days are visible as
  soon as their files land) or added/replaced explicitly. Never crawlers, never MSCK REPAIR.
- ``LocalCatalog`` keeps a DuckDB database file with a ``raw`` schema of views over the very
  same Parquet files (Hive partitioning, ``dt`` typed as DATE), so ``raw.clientes`` resolves
  locally as it does in Athena. A table without files yet is an empty view with the right
  columns and types.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from ingestion.lake import PARTITION_KEY, Lake
from ingestion.tables import TableSpec

SCHEMA = "raw"


def hive_type(t: pa.DataType) -> str:
    if pa.types.is_int32(t):
        return "int"
    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_date32(t):
        return "date"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_float64(t):
        return "double"
    raise TypeError(f"no Hive type for {t}")


def duckdb_type(t: pa.DataType) -> str:
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_date32(t):
        return "DATE"
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_float64(t):
        return "DOUBLE"
    raise TypeError(f"no DuckDB type for {t}")


class Catalog(abc.ABC):
    schema = SCHEMA

    @abc.abstractmethod
    def register_table(self, spec: TableSpec) -> None:
        """Create or update the table (columns, types, partition key, location)."""

    @abc.abstractmethod
    def register_partitions(self, spec: TableSpec, dts: Iterable[str]) -> None:
        """Make the given ``dt`` partitions visible (add or replace)."""

    def register(self, spec: TableSpec, dts: Iterable[str] = ()) -> None:
        self.register_table(spec)
        self.register_partitions(spec, list(dts))


# --- local ------------------------------------------------------------------------------
class LocalCatalog(Catalog):
    """A DuckDB file (``path``) with views ``raw.<table>`` over the lake's Parquet files."""

    def __init__(self, path: str | Path, lake: Lake):
        self.path, self.lake = Path(path), lake

    def connect(self, read_only: bool = False):
        import duckdb

        self.path.parent.mkdir(parents=True, exist_ok=True)
        config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
        con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        con.execute("SET TimeZone = 'UTC'")
        if not self.lake.is_local:  # DuckDB cannot fetch httpfs here: read S3 through fsspec
            con.register_filesystem(self.lake.fs)
        return con

    def files_glob(self, spec: TableSpec) -> str:
        return self.lake.uri(f"{self.lake.table_path(spec)}/{PARTITION_KEY}=*/*.parquet")

    def view_sql(self, spec: TableSpec) -> str:
        columns = ", ".join(f'"{name}"' for name, *_ in spec.lake_columns)
        if self.lake.data_files(spec):
            source = (
                f"read_parquet('{self.files_glob(spec)}', hive_partitioning = true, "
                f"hive_types = {{'{PARTITION_KEY}': DATE}})"
            )
            return f"SELECT {columns}, {PARTITION_KEY} FROM {source}"
        typed = ", ".join(
            f'CAST(NULL AS {duckdb_type(t)}) AS "{name}"' for name, t, *_ in spec.lake_columns
        )
        return f"SELECT {typed}, CAST(NULL AS DATE) AS {PARTITION_KEY} WHERE FALSE"

    def register_table(self, spec: TableSpec) -> None:
        with self.connect() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            con.execute(
                f"CREATE OR REPLACE VIEW {self.schema}.{spec.name} AS {self.view_sql(spec)}"
            )

    def register_partitions(self, spec: TableSpec, dts: Iterable[str]) -> None:
        """Views glob the partitions: new files are visible without any registration."""

    def query(self, sql: str, params=None) -> list[tuple]:
        with self.connect(read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


# --- AWS Glue ---------------------------------------------------------------------------
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


class GlueCatalog(Catalog):
    """Glue tables over the lake (which must be on S3)."""

    def __init__(
        self,
        lake: Lake,
        database: str = SCHEMA,
        *,
        client=None,
        region: str | None = None,
        partition_mode: str = "projection",
        projection_start: str = "2024-01-01",
    ):
        if partition_mode not in ("projection", "partitions"):
            raise ValueError("partition_mode is 'projection' or 'partitions'")
        self.lake, self.database, self.partition_mode = lake, database, partition_mode
        self.projection_start = projection_start
        if client is None:
            import boto3

            client = boto3.client("glue", region_name=region)
        self.client = client
        self.schema = database

    def location(self, spec: TableSpec) -> str:
        return self.lake.uri(self.lake.table_path(spec)) + "/"

    def storage_descriptor(self, spec: TableSpec, location: str) -> dict:
        return {
            "Columns": [
                {"Name": name, "Type": hive_type(t), "Comment": description[:255]}
                for name, t, _, description in spec.lake_columns
            ],
            "Location": location,
            "InputFormat": PARQUET_INPUT,
            "OutputFormat": PARQUET_OUTPUT,
            "Compressed": True,
            "SerdeInfo": {"SerializationLibrary": PARQUET_SERDE, "Parameters": {}},
        }

    def table_input(self, spec: TableSpec) -> dict:
        location = self.location(spec)
        parameters = {
            "classification": "parquet",
            "parquet.compression": "ZSTD",
            "EXTERNAL": "TRUE",
            "cloudbank.kind": spec.kind.value,
            "cloudbank.primary_key": spec.primary_key,
        }
        if self.partition_mode == "projection":
            parameters.update(
                {
                    "projection.enabled": "true",
                    f"projection.{PARTITION_KEY}.type": "date",
                    f"projection.{PARTITION_KEY}.format": "yyyy-MM-dd",
                    f"projection.{PARTITION_KEY}.range": f"{self.projection_start},NOW",
                    f"projection.{PARTITION_KEY}.interval": "1",
                    f"projection.{PARTITION_KEY}.interval.unit": "DAYS",
                    "storage.location.template": f"{location}{PARTITION_KEY}=${{{PARTITION_KEY}}}/",
                }
            )
        return {
            "Name": spec.name,
            "Description": spec.description,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
            "PartitionKeys": [
                {"Name": PARTITION_KEY, "Type": "string", "Comment": "UTC date, YYYY-MM-DD"}
            ],
            "StorageDescriptor": self.storage_descriptor(spec, location),
        }

    def ensure_database(self) -> None:
        errors = self.client.exceptions
        try:
            self.client.get_database(Name=self.database)
        except errors.EntityNotFoundException:
            self.client.create_database(
                DatabaseInput={
                    "Name": self.database,
                    "Description": "Cloud Bank raw layer (registered by the pipeline)",
                }
            )

    def register_table(self, spec: TableSpec) -> None:
        self.ensure_database()
        table_input = self.table_input(spec)
        try:
            self.client.create_table(DatabaseName=self.database, TableInput=table_input)
        except self.client.exceptions.AlreadyExistsException:
            self.client.update_table(DatabaseName=self.database, TableInput=table_input)

    def register_partitions(self, spec: TableSpec, dts: Iterable[str]) -> None:
        if self.partition_mode == "projection":
            return
        dts = sorted(set(dts))
        for i in range(0, len(dts), 100):  # the API's batch limit
            chunk = dts[i : i + 100]
            inputs = [self._partition_input(spec, dt) for dt in chunk]
            response = self.client.batch_create_partition(
                DatabaseName=self.database, TableName=spec.name, PartitionInputList=inputs
            )
            existing = [
                e["PartitionValues"]
                for e in response.get("Errors", [])
                if e["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException"
            ]
            others = [e for e in response.get("Errors", []) if e["PartitionValues"] not in existing]
            if others:
                raise RuntimeError(f"Glue refused partitions of {spec.name}: {others}")
            if existing:
                entries = [
                    {
                        "PartitionValueList": values,
                        "PartitionInput": self._partition_input(spec, values[0]),
                    }
                    for values in existing
                ]
                response = self.client.batch_update_partition(
                    DatabaseName=self.database, TableName=spec.name, Entries=entries
                )
                if response.get("Errors"):
                    raise RuntimeError(f"Glue refused partition updates: {response['Errors']}")

    def _partition_input(self, spec: TableSpec, dt: str) -> dict:
        location = f"{self.location(spec)}{PARTITION_KEY}={dt}/"
        return {"Values": [dt], "StorageDescriptor": self.storage_descriptor(spec, location)}
