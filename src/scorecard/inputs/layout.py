"""The one walk over the layout: which tables an edition prints, for whom, with which rows.

Sections (``layout/sections.csv``) come in order; a county block is printed once, a district
block once per district page, a team block once per team working in the district (a team that
spans two districts is printed on both pages). The engine computes what this walk yields; the
month template lists the figures it needs; nothing else decides what is printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .dataset import Dataset


@dataclass(frozen=True)
class Unit:
    """Whose figures a group of rows shows: an area, or a team (with the district page it is on)."""

    area: str
    team: str = ""
    service: str = ""


@dataclass(frozen=True)
class Placement:
    """One block printed on one page, for its units."""

    block: dict
    page: str                                   # the district page ("" for the county's pages)
    area: str                                   # the area named in the table's title
    groups: tuple[tuple[Unit, tuple[dict, ...]], ...]   # (unit, its rows), in print order


def district_section(ds: Dataset) -> dict | None:
    return next((s for s in ds.sections if s["kind"] == "district"), None)


def pages(ds: Dataset, districts: list[str]) -> list[tuple[dict, str]]:
    """(section, district page) in publication order; the district section once per district."""
    out = []
    for s in ds.sections:
        if s["kind"] == "district":
            out += [(s, d) for d in districts]
        else:
            out.append((s, ""))
    return out


def _units(ds: Dataset, block: dict, page: str) -> list[Unit]:
    if block["scope"] == "county":
        return [Unit(ds.county)]
    if block["scope"] == "district":
        return [Unit(page)]
    return [Unit(page, t["team"], t["service"]) for t in ds.teams_of(page)]


def placements(ds: Dataset, districts: list[str]) -> Iterator[Placement]:
    """Every printed block, in print order: the county's blocks, then each district page's."""
    county = [b for b in ds.blocks if b["scope"] == "county"]
    local = [b for b in ds.blocks if b["scope"] != "county"]
    for block in county:
        rows = tuple(ds.rows.get(block["block"], []))
        yield Placement(block, "", ds.county, ((Unit(ds.county), rows),))
    for page in districts:
        for block in local:
            rows = ds.rows.get(block["block"], [])
            groups = []
            for unit in _units(ds, block, page):
                mine = tuple(r for r in rows if block["scope"] != "team" or r["service"] == unit.service)
                if mine:
                    groups.append((unit, mine))
            yield Placement(block, page, page, tuple(groups))


def series(ds: Dataset, districts: list[str]) -> list[tuple[str, str, str]]:
    """Every (indicator, area, team) the edition prints figures for, once each, in print order."""
    seen: dict[tuple[str, str, str], None] = {}
    for p in placements(ds, districts):
        for unit, rows in p.groups:
            for r in rows:
                key = (r["indicator"], "" if unit.team else unit.area, unit.team)
                seen.setdefault(key, None)
    return list(seen)
