"""Every printed row as its cells' text (`scorecard export --cells`), and as machine-readable data.

``cells_of`` gives each row's cells exactly as the tables show them (``1,796``, ``<= 25``, ``N/A``,
blank), named by what they hold (``target_current`` is the column headed with the edition's
reporting year, ``target_previous`` the year before). ``data_of`` gives the same rows for
downloads: numbers as numbers, ratings and arrows as words, the displayed text beside them.
"""

from __future__ import annotations

from ..engine.model import CELL_EXPORT, Edition, Row, Table


def _row_cells(table: Table, row: Row) -> dict[str, str]:
    out = {k: "" for k in CELL_EXPORT}
    out.update(area=row.page or row.area, team=row.team, block=row.block)
    trend = []
    for col in table.columns:
        cell = row.cell(col.key)
        if col.kind in ("trend", "latest"):
            trend.append(cell.text)
        elif col.kind == "indicator":
            out["title"] = cell.text
        elif col.export:
            out[col.export] = cell.text
    out["trend"] = "|".join(trend)
    return out


def cells_of(edition: Edition) -> list[dict[str, str]]:
    """One record per printed row, in print order, with the CELL_EXPORT columns."""
    return [_row_cells(t, r) for t in edition.tables for r in t.rows]


def marks_of(edition: Edition) -> list[dict[str, str]]:
    """Every mark on every cell: where a shown value is not simply what the edition printed."""
    out = []
    for t in edition.tables:
        for r in t.rows:
            for col in t.columns:
                for m in r.cell(col.key).marks:
                    out.append(dict(area=r.page or r.area, team=r.team, block=r.block, code=r.code, title=r.title,
                                    column=col.export or col.kind, header=col.header, shown=r.cell(col.key).text,
                                    printed=r.cell(col.key).printed or "", kind=m.kind, note=m.text))
    return out


DATA_COLUMNS = ("area", "team", "block", "indicator", "code", "title", "polarity", "rated_as", "data_period",
                "frequency", "period", "value", "value_text", "numerator", "denominator", "rag", "dot", "target",
                "target_text", "floor", "floor_source", "target_source", "quality")


def data_of(edition: Edition) -> list[dict]:
    """One record per printed row for downloads: machine values (floats or None) and words."""
    return [rec for t in edition.tables for rec in data_of_table(t)]


def data_of_table(t: Table) -> list[dict]:
    """A table's rows for downloads (``<column>__decimals`` gives Excel's display format)."""
    out = []
    if True:
        for r in t.rows:
            latest = next((r.cell(c.key) for c in t.columns if c.kind == "latest"), None)
            num = next((r.cell(c.key) for c in t.columns if c.kind == "numerator"), None)
            den = next((r.cell(c.key) for c in t.columns if c.kind == "denominator"), None)
            tgt = next((r.cell(c.key) for c in t.columns if c.kind == "target" and c.relative == "current"), None)
            th = r.threshold
            out.append(dict(
                area=r.page or r.area, team=r.team, block=r.block, indicator=r.indicator, code=r.code, title=r.title,
                polarity=r.polarity, rated_as=r.rated_as, data_period=r.data_period, frequency=r.frequency,
                period=r.latest, value=r.value, value_text=latest.text if latest else "",
                numerator=num.value if num else None, denominator=den.value if den else None,
                rag=r.rag, dot={"improved": "Improved", "worsened": "Worsened", "same": "No change"}.get(r.dot, ""),
                target=th.target if th else None, target_text=tgt.text if tgt else "",
                floor=th.floor if th else None, floor_source=r.floor_source, target_source=r.target_source,
                quality=r.quality, value__decimals=r.decimals,
                numerator__decimals=_decimals(num.text) if num else None,
                denominator__decimals=_decimals(den.text) if den else None,
                target__decimals=_decimals(tgt.text) if tgt else None))
    return out


def _decimals(text: str) -> int | None:
    from ..rules import numbers

    try:
        f = numbers.read(text, allow_op=True)
    except numbers.NumberError:
        return None
    return f.decimals if f.is_number else None
