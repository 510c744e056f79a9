"""The front page at a glance: headline figures in tiles, the count of ratings, the activity trends.

The tiles are ``layout/tiles.csv``: a tile per heading, a line per indicator with its words; each
figure is the county's latest up to the edition's month, as printed, with the benchmark in
brackets where the tile asks for one. A trend with no figures yet is one sentence, not an empty chart.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..rules import numbers, periods
from . import outputs, palette, tables


@dataclass
class Tile:
    title: str
    as_at: str = ""
    lines: list[tuple[str, str, str]] = field(default_factory=list)   # (figure, words, benchmark)


def _latest(page, indicator: str) -> tuple[str, str]:
    """(printed figure, period) of the county's latest figure up to the edition's month."""
    month = periods.Month.parse(page.month)
    ind = page.ds.indicators[indicator]
    best = None
    for r in page.ds.records("observations.csv"):
        if r["indicator"] != indicator or r["area"] != page.ds.county or r["team"]:
            continue
        try:
            end = periods.end_month(r["period"], ind["frequency"], ind["year_basis"])
        except periods.PeriodError:
            continue
        if end <= month and numbers.read(r["value"]).is_number and (best is None or end > best[0]):
            best = (end, r)
    if best is None:
        return "", ""
    return best[1]["value"], best[0].long_label()


def _with_unit(text: str, unit: str) -> str:
    return f"{text}%" if text and unit == "percent" else text


def _words(label: str, figure: str) -> str:
    """The tile's words after its figure: "27.5%" + "% of pupils" reads "27.5% of pupils", not "% %"."""
    if figure.endswith("%") and label.startswith("%"):
        return label[1:].lstrip()
    return label


def _short(title: str) -> str:
    """A trend's name in a sentence: its title up to " per " or a bracket ("Rate of referrals to ...")."""
    cut = min((i for i in (title.find(" per "), title.find(" (")) if i > 0), default=len(title))
    return title[:cut].strip()


def tiles(page) -> tuple[list[Tile], list[list[dict]]]:
    """(figure tiles, chart tiles' rows) from layout/tiles.csv, in order."""
    rows = sorted(page.ds.records("layout/tiles.csv"), key=lambda r: (int(r["tile_order"]), int(r["position"])))
    figure_tiles: dict[str, Tile] = {}
    charts: dict[str, list[dict]] = {}
    bench = {(r["indicator"], r["benchmark"]): r for r in page.ds.records("benchmarks.csv")}
    for r in rows:
        if r["chart"] == "yes":
            charts.setdefault(r["tile"], []).append(r)
            continue
        ind = page.ds.indicators[r["indicator"]]
        figure, as_at = _latest(page, r["indicator"])
        tile = figure_tiles.setdefault(r["tile"], Tile(r["tile"]))
        tile.as_at = tile.as_at or as_at
        b = ""
        if r["benchmark"]:
            rec = next((v for (i, name), v in bench.items() if i == r["indicator"] and name == r["benchmark"]), None)
            if rec:
                b = f"{r['benchmark']} {_with_unit(rec['value'], ind['unit'])}"
        shown = _with_unit(figure, ind["unit"]) or "N/A"
        tile.lines.append((shown, _words(r["label"] or ind["title"], shown), b))
    return list(figure_tiles.values()), list(charts.values())


def tiles_html(items: list[Tile]) -> str:
    e = html.escape
    out = ['<div class="sc-tile-grid">']
    for t in items:
        out.append(f'<section class="sc-tile"><h2 class="sc-tile-title">{e(t.title)}</h2>')
        if t.as_at:
            out.append(f'<p class="sc-asat">as at {e(t.as_at)}</p>')
        out.append("<ul>")
        for fig, words, b in t.lines:
            extra = f' <span class="sc-bench">({e(b)})</span>' if b else ""
            out.append(f'<li><span class="sc-fig">{e(fig)}</span> {e(words)}{extra}</li>')
        out.append("</ul></section>")
    out.append("</div>")
    return "".join(out)


def ratings_html(counts, county: str, month_label: str) -> str:
    """The count of RED, AMBER and GREEN ratings as three tiles, each with its word (never colour alone)."""
    e = html.escape
    total = counts.iloc[-1]
    rated = int(total["Total rated"])
    out = ['<section class="sc-ratings" aria-labelledby="sc-ratings-title">',
           f'<h2 class="sc-tile-title" id="sc-ratings-title">Ratings at a glance: {e(county)}, {e(month_label)}</h2>',
           '<ul class="sc-rating-tiles">']
    for rag in tables.RAGS:
        n = int(total[rag])
        out.append(f'<li class="sc-rating" style="background:{palette.fill(rag)};color:{palette.text_on(rag)}">'
                   f'<span class="sc-rating-n">{n}</span> <span class="sc-rating-word">{e(rag)}</span></li>')
    out.append(f'</ul><p class="sc-asat">of {rated} rated indicators on the county pages; by section below.</p>'
               "</section>")
    return "".join(out)


def tiles_text(items: list[Tile]) -> str:
    lines = []
    for t in items:
        lines.append(f"{t.title}" + (f" (as at {t.as_at})" if t.as_at else "") + ":")
        lines += [f"- {fig} {words}" + (f" ({b})" if b else "") for fig, words, b in t.lines]
    return "\n".join(lines)


def show(page) -> None:
    from . import charts

    figure_tiles, chart_tiles = tiles(page)
    if figure_tiles:
        outputs.show_html(tiles_html(figure_tiles), tiles_text(figure_tiles), "tiles")
    for note in page.notes_for_page():   # the front page's notes are about its tiles: under them
        outputs.show_words(f"**Note:** {note}", "notes")
    county_rows = []
    seen = set()
    for t in page.edition.tables:
        if t.page:
            continue
        for r in t.rows:
            if r.indicator not in seen:
                seen.add(r.indicator)
                county_rows.append(r)
    counts = tables.rag_counts(county_rows, page.ds.sections)
    if len(counts) > 1:
        total = counts.iloc[-1]
        plain = "Ratings: " + ", ".join(f"{int(total[g])} {g}" for g in tables.RAGS) + "."
        outputs.show_html(ratings_html(counts, page.ds.county, page.params.month_label), plain, "tiles")
        gt = tables.listing(counts, "Ratings of this edition's indicators by section", "tbl-rag-summary",
                            subtitle=f"{page.ds.county}, {page.params.month_label}")
        outputs.show_table(tables.table_html(gt, "plain"), "Ratings of this edition's indicators", counts,
                           "rag-summary.csv", "tbl-rag-summary")
    month = periods.Month.parse(page.month)
    observations = page.ds.records("observations.csv")
    for group in chart_tiles:
        missing = []
        for r in group:
            ind = page.ds.indicators[r["indicator"]]
            series = []
            for k in range(-6, 1):
                p = str(month.shift(k))
                rec = next((o for o in observations if o["indicator"] == r["indicator"]
                            and o["area"] == page.ds.county and o["period"] == p), None)
                series.append((periods.Month.parse(p).label(), numbers.value_of(rec["value"]) if rec else None))
            made = charts.activity_trend(series, r["label"] or ind["title"])
            if made is None:
                missing.append(_short(r["label"] or ind["title"]))
            else:
                outputs.show_chart(*made, name=f"activity-{r['indicator']}")
        if missing:
            first, last = month.shift(-6).long_label(), month.long_label()
            outputs.show_words(f"**{group[0]['tile']}, {first} to {last}:** no figures are available yet for "
                               + "; ".join(missing) + ".", "notes")
