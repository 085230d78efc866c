"""Extractors: stream a source table as Arrow record batches in ``TableSpec.source_schema``.

Each extractor reads with bounded memory (PostgreSQL Arrow batches streamed by ADBC,
MariaDB keyset-paginated chunks, MongoDB cursors with a batch size), filters by a ``Window``
(business-date range for event tables, ``updated_at`` watermark for incremental runs) and
returns rows in primary-key order, so the same source state always gives the same batches.

The same classes answer the reconciliation queries of the quality checks (``profile`` and
``changed_keys``): one place per engine knows its SQL dialect.
"""

from ingestion.extract.base import Extractor, SourceProfile, Sources, Window

__all__ = ["Extractor", "SourceProfile", "Sources", "Window"]
