"""Read, validate and load the control catalog (grc/catalog/data) into the database.

`catalog_read` parses and validates every file and raises `CatalogError` with all problems at
once. `catalog_load` writes a valid catalog in one transaction and is idempotent: rows already
matching the catalog are not saved again. It never touches custom controls, custom mappings,
checks or evidence requests, controls a person edited since the last load, or overridden
parameter values.
"""

from grc.catalog.loader.reading import catalog_read
from grc.catalog.loader.shapes import (
    DATA_DIR,
    PROVIDER_RESPONSIBILITIES,
    Catalog,
    CatalogError,
)
from grc.catalog.loader.writing import catalog_load, control_catalog_digest

__all__ = [
    "DATA_DIR",
    "PROVIDER_RESPONSIBILITIES",
    "Catalog",
    "CatalogError",
    "catalog_load",
    "catalog_read",
    "control_catalog_digest",
]
