"""The case-file register: units, and importing registers from CSV/XLSX files as they really arrive."""

from scoring.register.importer import (
    ImportReport,
    RegisterRow,
    import_register,
    read_register,
)
from scoring.register.units import UnitImportReport, add_unit, import_units, list_units

__all__ = [
    "ImportReport",
    "RegisterRow",
    "UnitImportReport",
    "add_unit",
    "import_register",
    "import_units",
    "list_units",
    "read_register",
]
