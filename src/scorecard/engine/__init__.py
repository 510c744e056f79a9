"""The engine: an edition's tables, every cell as printed, every rating and arrow decided once."""

from .build import build
from .model import CELL_EXPORT, Cell, Column, Edition, Mark, Row, RowFrame, Table

__all__ = ["build", "Edition", "Table", "Row", "Cell", "Column", "Mark", "RowFrame", "CELL_EXPORT"]
