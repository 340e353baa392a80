"""Import every table module, so that ``Base.metadata`` is complete for Alembic and drift checks.

Each concern that owns tables (``store/tables.py`` for the core, others beside it) adds one
import line here.
"""

from reunify.store import (
    centre_tables,  # noqa: F401
    families_tables,  # noqa: F401
    hl7_tables,  # noqa: F401
    match_tables,  # noqa: F401
    pages_tables,  # noqa: F401
    pfif_tables,  # noqa: F401
    tables,  # noqa: F401
)
