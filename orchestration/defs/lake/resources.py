"""Resources shared by every source: the lake, the catalog, PII hashing and the GX runner."""

import dagster as dg

from orchestration.lib.resources import (
    CatalogResource,
    LakeResource,
    PiiResource,
    QualityResource,
)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "lake": LakeResource(),
            "catalog": CatalogResource(),
            "pii": PiiResource(),
            "quality": QualityResource(),
        }
    )
