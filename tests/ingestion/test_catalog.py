"""Catalogs: the local DuckDB views and AWS Glue (moto), and the lake on S3 (moto server)."""

from __future__ import annotations

from datetime import date

import boto3
import pytest
from ingestion_support import DAYS

from ingestion.catalog import GlueCatalog, LocalCatalog
from ingestion.lake import Lake
from ingestion.load import TableLoader
from ingestion.tables import TABLES, Kind, get_table
from ingestion.testing import fake_aws_env, moto_server

BUCKET = "cloudbank-lake-test"


def load_all(source_dbs, lake, hasher, run_id="run-1"):
    results = {}
    for spec in TABLES.values():
        loader = TableLoader(spec, source_dbs.sources.extractor(spec), lake, hasher, run_id)
        if spec.kind is Kind.EVENTS:
            results[spec.name] = loader.load_events(DAYS[0], DAYS[-1])
        else:
            results[spec.name] = loader.load_snapshot(DAYS[-1])
    return results


def test_local_catalog_views_resolve_raw_names_with_exact_types(
    source_dbs, bank, lake, hasher, tmp_path
):
    load_all(source_dbs, lake, hasher)
    catalog = LocalCatalog(tmp_path / "catalog.duckdb", lake)
    for spec in TABLES.values():
        catalog.register(spec, [d.isoformat() for d in DAYS])
    assert catalog.query("SELECT count(*) FROM raw.movimientos")[0][0] == len(bank.movimientos)
    per_day = dict(catalog.query("SELECT dt, count(*) FROM raw.transacciones GROUP BY dt"))
    assert per_day == {d: bank.rows_on("transacciones", d, "fecha") for d in DAYS}
    types = dict(catalog.query("SELECT column_name, column_type FROM (DESCRIBE raw.cuentas)"))
    assert types["saldo"] == "BIGINT"
    assert types["fecha_apertura"] == "TIMESTAMP WITH TIME ZONE"
    assert types["cuenta_id"] == "INTEGER"
    assert types["dt"] == "DATE"
    tipos = dict(catalog.query("SELECT column_name, column_type FROM (DESCRIBE raw.tipos_cuenta)"))
    assert tipos["tasa_interes"] == "DECIMAL(5,2)"
    sums = dict(catalog.query("SELECT moneda, sum(saldo) FROM raw.cuentas GROUP BY 1"))
    expected: dict[str, int] = {}
    for cuenta in bank.cuentas:
        expected[cuenta["moneda"]] = expected.get(cuenta["moneda"], 0) + cuenta["saldo"]
    assert sums == expected


def test_a_table_without_files_is_an_empty_typed_view(lake, tmp_path):
    catalog = LocalCatalog(tmp_path / "catalog.duckdb", lake)
    catalog.register(get_table("transacciones"))
    assert catalog.query("SELECT count(*) FROM raw.transacciones") == [(0,)]
    types = dict(catalog.query("SELECT column_name, column_type FROM (DESCRIBE raw.transacciones)"))
    assert types["monto"] == "BIGINT"


# --- AWS through moto ------------------------------------------------------------------
@pytest.fixture(scope="module")
def moto_endpoint():
    with moto_server(timeout=30) as url:
        yield url


@pytest.fixture
def aws(moto_endpoint, monkeypatch):
    for name, value in fake_aws_env(moto_endpoint).items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    return moto_endpoint


@pytest.fixture
def s3_lake(aws, tmp_path):
    prefix = f"lake-{tmp_path.name}"
    return Lake(
        f"s3://{BUCKET}/{prefix}",
        storage_options={"endpoint_url": aws},
        spool_dir=tmp_path / "spool",
    )


def test_s3_lake_writes_the_same_layout_and_bytes_as_a_local_one(
    source_dbs, bank, s3_lake, lake, hasher, aws
):
    spec = get_table("movimientos")
    TableLoader(spec, source_dbs.sources.extractor(spec), lake, hasher, "r1").load_events(
        DAYS[0], DAYS[-1]
    )
    result = TableLoader(
        spec, source_dbs.sources.extractor(spec), s3_lake, hasher, "r1"
    ).load_events(DAYS[0], DAYS[-1])
    prefix = s3_lake.root.split("/", 1)[1]
    keys = sorted(
        o["Key"].removeprefix(prefix + "/")
        for o in boto3.client("s3", endpoint_url=aws)
        .list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        .get("Contents", [])
    )
    assert keys == sorted(
        f"raw/cuentas/movimientos/dt={d}/{name}"
        for d in DAYS
        for name in ("_manifest.json", "part-00000.parquet")
    )
    for d in DAYS:
        assert (
            s3_lake.read_manifest(spec, d.isoformat()).files
            == lake.read_manifest(spec, d.isoformat()).files
        )  # same names, sizes and hashes
        assert s3_lake.read_partition(spec, d.isoformat()).equals(
            lake.read_partition(spec, d.isoformat())
        )
    assert result.partitions[0].path.startswith(f"s3://{BUCKET}/")
    again = TableLoader(
        spec, source_dbs.sources.extractor(spec), s3_lake, hasher, "r2"
    ).load_events(DAYS[0], DAYS[-1], full_refresh=True)
    assert {p.action for p in again.partitions} == {"written"}
    assert [p.bytes for p in again.partitions] == [p.bytes for p in result.partitions]
    catalog = LocalCatalog(s3_lake.spool_dir / "catalog.duckdb", s3_lake)  # DuckDB over fsspec
    catalog.register(spec)
    assert catalog.query("SELECT count(*) FROM raw.movimientos")[0][0] == len(bank.movimientos)


@pytest.mark.parametrize("mode", ["projection", "partitions"])
def test_glue_registration_types_partition_keys_and_partitions(
    source_dbs, bank, s3_lake, hasher, aws, mode
):
    results = load_all(source_dbs, s3_lake, hasher)
    glue = boto3.client("glue", endpoint_url=aws)
    database = f"raw_{mode}"
    catalog = GlueCatalog(s3_lake, database, client=glue, partition_mode=mode)
    for spec in TABLES.values():
        catalog.register(spec, [p.dt for p in results[spec.name].partitions])
        catalog.register(spec, [p.dt for p in results[spec.name].partitions])  # idempotent
    table = glue.get_table(DatabaseName=database, Name="transacciones")["Table"]
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert columns == {
        "transaccion_id": "string",
        "tipo": "string",
        "cuenta_origen_id": "int",
        "cuenta_destino_id": "int",
        "monto": "bigint",
        "moneda": "string",
        "descripcion": "string",
        "estado": "string",
        "motivo": "string",
        "fecha": "timestamp",
        "metadata": "string",
        "reversa_de": "string",
        "created_at": "timestamp",
        "updated_at": "timestamp",
    }
    assert table["PartitionKeys"] == [
        {"Name": "dt", "Type": "string", "Comment": "UTC date, YYYY-MM-DD"}
    ]
    location = table["StorageDescriptor"]["Location"]
    assert location == f"s3://{s3_lake.root}/raw/transacciones/transacciones/"
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith(
        "ParquetHiveSerDe"
    )
    tipos = glue.get_table(DatabaseName=database, Name="tipos_cuenta")["Table"]
    tipo_columns = {c["Name"]: c["Type"] for c in tipos["StorageDescriptor"]["Columns"]}
    assert tipo_columns["tasa_interes"] == "decimal(5,2)"
    clientes = glue.get_table(DatabaseName=database, Name="clientes")["Table"]
    names = [c["Name"] for c in clientes["StorageDescriptor"]["Columns"]]
    assert "email" not in names and "email_hash" in names
    partitions = glue.get_partitions(DatabaseName=database, TableName="transacciones")["Partitions"]
    if mode == "projection":
        params = table["Parameters"]
        assert params["projection.enabled"] == "true"
        assert params["projection.dt.type"] == "date"
        assert params["projection.dt.format"] == "yyyy-MM-dd"
        assert params["storage.location.template"] == location + "dt=${dt}/"
        assert partitions == []
    else:
        assert "projection.enabled" not in table["Parameters"]
        assert sorted(p["Values"][0] for p in partitions) == [d.isoformat() for d in DAYS]
        assert {p["StorageDescriptor"]["Location"] for p in partitions} == {
            f"{location}dt={d.isoformat()}/" for d in DAYS
        }
    assert glue.get_database(Name=database)["Database"]["Name"] == database
    assert date.fromisoformat(results["transacciones"].partitions[0].dt) == DAYS[0]
