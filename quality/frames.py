"""Arrow tables to the pandas frames GX validates (GX 1.x takes pandas, not Arrow/polars)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

_NULLABLE = {
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
}


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """Nullable integer and string dtypes (a null never turns an int column into floats);
    timestamps stay tz-aware UTC; dates become datetime64."""
    return table.to_pandas(types_mapper=_NULLABLE.get, date_as_object=False)
