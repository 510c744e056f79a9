"""Exports of an edition's printed rows: CSV and an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import formatting

COLUMNS = ["area", "team", "code", "title", "frequency", "period", "value", "numerator", "denominator",
           "target", "floor", "rag", "dot"]


def printed_rows(edition: pd.DataFrame) -> pd.DataFrame:
    """One row per row printed in the edition, with the agreed columns and display formatting."""
    def fmt_value(r):
        if r["value"] is None or pd.isna(r["value"]):
            return ""
        return formatting.value(r["value"], r["unit"], r["decimals"])

    def fmt_nd(v, d):
        return "" if v is None or pd.isna(v) else formatting.number(v, d)

    out = pd.DataFrame({
        "area": edition["area"],
        "team": edition["team"],
        "code": edition["code"],
        "title": edition["title"],
        "frequency": edition["frequency"],
        "period": edition["period"],
        "value": edition.apply(fmt_value, axis=1),
        "numerator": [fmt_nd(v, d) for v, d in zip(edition["numerator"], edition["num_decimals"])],
        "denominator": [fmt_nd(v, d) for v, d in zip(edition["denominator"], edition["den_decimals"])],
        "target": edition["target_text"],
        "floor": edition["floor_text"],
        "rag": edition["rag"],
        "dot": edition["dot"],
    })
    return out[COLUMNS]


def block_sheets(edition: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One sheet per block (Excel names are at most 31 characters)."""
    sheets = {}
    for block, part in edition.groupby("block", sort=False):
        sheets[block[:31]] = printed_rows(part).assign(block_title=part["block_title"].values)
    return sheets


def write(edition: pd.DataFrame, out: Path, fmt: str = "csv") -> Path:
    """Write the edition's printed rows; xlsx adds one sheet per block after the 'edition' sheet."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    if fmt == "csv":
        printed_rows(edition).to_csv(tmp, index=False, encoding="utf-8")
    elif fmt == "xlsx":
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            printed_rows(edition).to_excel(xl, sheet_name="edition", index=False)
            for name, frame in block_sheets(edition).items():
                frame.to_excel(xl, sheet_name=name, index=False)
    else:
        raise ValueError(f"unknown format '{fmt}' (csv or xlsx)")
    tmp.replace(out)
    return out
