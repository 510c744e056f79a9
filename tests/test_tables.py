"""Rendered tables say what the engine decided, with real headers, readable colours and nothing remote."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from scorecard import display, tables

ARROWS = {"improved": "↑ Improved", "worsened": "↓ Worsened", "same": "↔ No change"}
# The printed edition's column headings (Kent ICS monthly table, January 2026), flattened.
ICS_MONTHLY_COLUMNS = [
    "Code", "Indicator", "Polarity", "Data Period", "QPR",
    "Jul-25", "Aug-25", "Sep-25", "Oct-25", "Nov-25", "Dec-25", "Measure (Jan-26)", "Numerator", "Denominator",
    "DOT", "Target 2025-26", "RAG 2025-26", "Kent Outturn 2024-25", "Target 2024-25", "RAG 2024-25",
    "Benchmark Group 2023-24", "England 2023-24",
]


def wcag_contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, written out here so the test does not trust the palette module."""
    def lum(hex_colour: str) -> float:
        h = hex_colour.lstrip("#")
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        chans = []
        for i in (0, 2, 4):
            c = int(h[i:i + 2], 16) / 255
            chans.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * chans[0] + 0.7152 * chans[1] + 0.0722 * chans[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


NAMED = {"white": "#FFFFFF", "black": "#000000"}


def _colour(value: str) -> str:
    value = value.strip().lower()
    return NAMED.get(value, value)


def body_rows(soup: BeautifulSoup) -> list:
    return [tr for tr in soup.select("tbody tr") if "gt_group_heading_row" not in (tr.get("class") or [])]


def refs(tag) -> list[str]:
    """The ids a cell's ``headers`` attribute names (bs4 may give a string or a list)."""
    value = tag.get("headers") or []
    return value.split() if isinstance(value, str) else list(value)


def cell(tr, tid: str, key: str):
    """The cell of a body row whose headers name column ``key``."""
    for c in tr.find_all(["td", "th"]):
        if f"{tid}-{key}" in refs(c):
            return c
    raise AssertionError(f"no {key} cell in row")


def render(edition, block, district=None):
    gt = tables.rag_table(edition, block, district)
    html = tables.table_html(gt)
    return gt, html, BeautifulSoup(html, "html.parser"), tables.table_id(block, district)


@pytest.fixture(scope="module")
def kent_ics(january):
    return render(january, "ics-monthly")


@pytest.fixture(scope="module")
def ashford_teams(january):
    return render(january, "district-ics-monthly", "Ashford")


def _rows(edition, block, district=None):
    part = edition[edition["block"] == block]
    part = part[part["district_page"] == (district or "")]
    return part.sort_values("seq").to_dict("records")


@pytest.mark.parametrize("which", ["kent_ics", "ashford_teams"])
def test_rag_word_and_arrow_match_the_engine(request, january, which):
    _, _, soup, tid = request.getfixturevalue(which)
    block, district = ("ics-monthly", None) if which == "kent_ics" else ("district-ics-monthly", "Ashford")
    expected = _rows(january, block, district)
    rows = body_rows(soup)
    assert len(rows) == len(expected) > 10
    for tr, row in zip(rows, expected):
        rag_text = cell(tr, tid, "rag").get_text(strip=True)
        dot_text = cell(tr, tid, "dot").get_text(strip=True)
        title = tr.find("th", attrs={"scope": "row"}).get_text(" ", strip=True)
        assert title.startswith(row["title"].replace(" [seasonally impacted indicator]", "")[:40])
        if row["status"] == "not_available":
            assert rag_text == "N/A" and dot_text == "N/A"
        else:
            assert rag_text == row["rag"], row["indicator"]
            assert dot_text == (ARROWS[row["dot"]] if row["dot"] else ""), row["indicator"]


def test_kent_ics_monthly_columns_follow_the_edition(january):
    frame = tables.table_frame(january, "ics-monthly")
    assert list(frame.columns) == ICS_MONTHLY_COLUMNS
    scs29 = frame[frame["Code"] == "SCS29"].iloc[0]
    # as printed: 429.1 days, 20,167 over 47, improved, AMBER against 426.0, outturn 367.6 GREEN
    assert (scs29["Measure (Jan-26)"], scs29["Numerator"], scs29["Denominator"]) == ("429.1", "20,167", "47")
    assert (scs29["DOT"], scs29["Target 2025-26"], scs29["RAG 2025-26"]) == ("↑ Improved", "426.0", "AMBER")
    assert (scs29["Kent Outturn 2024-25"], scs29["RAG 2024-25"]) == ("367.6", "GREEN")
    assert frame[frame["Code"] == "SCS40"].iloc[0]["Numerator"] == "509.0"


def test_spanners_group_trend_and_latest_columns(kent_ics):
    _, _, soup, _ = kent_ics
    spanners = {th.get_text(strip=True): int(th.get("colspan", 1)) for th in soup.select("thead th")
                if th.select_one(".gt_column_spanner")}
    assert spanners == {"Monthly Trends": 6, "Latest Month": 3}


def test_missing_numerators_are_blank_and_na_rows_say_na(january):
    edu = tables.table_frame(january, "edu-monthly")
    eh43 = edu[edu["Code"] == "EH43"].iloc[0]
    assert eh43["Measure (Jan-26)"] == "32" and eh43["Numerator"] == "" and eh43["Denominator"] == ""
    teams = tables.table_frame(january, "district-ics-monthly", "Ashford")
    na = teams[teams["Code"].isin(["SCS18", "SCS19", "SCS29", "SCS34", "SCS42"])]
    assert len(na) == 5
    for col in ["Jul-25", "Measure (Jan-26)", "Numerator", "DOT", "RAG 2025-26", "Team Outturn 2024-25"]:
        assert set(na[col]) == {"N/A"}, col
    assert set(teams["Team"]) == {"Ashford CSWT", "Ashford EHU"}


def test_na_team_rows_show_na_in_html(ashford_teams):
    _, _, soup, tid = ashford_teams
    na_rows = [tr for tr in body_rows(soup) if cell(tr, tid, "code").get_text(strip=True) == "SCS18"]
    assert len(na_rows) == 1
    texts = [td.get_text(strip=True) for td in na_rows[0].find_all("td")]
    assert texts.count("N/A") >= 14


def test_headers_are_th_with_scope_and_cells_point_at_them(ashford_teams):
    _, html, soup, tid = ashford_teams
    for th in soup.select("thead th"):
        assert th.get("scope") in {"col", "colgroup"}
    groups = soup.select("th.gt_group_heading")
    assert [g.get_text(strip=True) for g in groups] == ["Ashford CSWT", "Ashford EHU"]
    assert all(g["scope"] == "rowgroup" for g in groups)
    ids = {el["id"] for el in soup.find_all(id=True)}
    for tr in body_rows(soup):
        heads = tr.find_all("th", attrs={"scope": "row"})
        assert len(heads) == 1
        for td in tr.find_all("td"):
            named = refs(td)
            assert heads[0]["id"] in named
            assert set(named) <= ids, named
    table = soup.find("table")
    assert soup.find(id=table["aria-labelledby"]).get_text(strip=True).startswith("Integrated Children")
    assert "Ashford" in soup.find(id=table["aria-describedby"]).get_text()


def test_rag_cells_have_colour_word_and_enough_contrast(kent_ics):
    _, _, soup, tid = kent_ics
    seen = set()
    for tr in body_rows(soup):
        for key in ("rag", "rag_prev"):
            c = cell(tr, tid, key)
            word = c.get_text(strip=True)
            if word not in {"RED", "AMBER", "GREEN"}:
                continue
            style = dict(part.split(":", 1) for part in c.get("style", "").split(";") if ":" in part)
            style = {k.strip(): v.strip() for k, v in style.items()}
            bg, fg = _colour(style["background-color"]), _colour(style["color"])
            assert wcag_contrast(bg, fg) >= 4.5, (word, bg, fg)
            seen.add((word, bg.upper()))
    assert {w for w, _ in seen} == {"RED", "AMBER", "GREEN"}
    assert ("RED", "#C00000") in seen and ("AMBER", "#FFC000") in seen and ("GREEN", "#00B050") in seen
    assert len(seen) == 3  # one colour per word


def test_no_remote_resources_and_stable_ids(january, kent_ics):
    _, html, _, _ = kent_ics
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?:", html)
    assert "@import" not in html and "googleapis" not in html
    again = tables.table_html(tables.rag_table(january, "ics-monthly"))
    assert again == html


def test_seasonal_rows_get_a_footnote(january):
    html = tables.table_html(tables.rag_table(january, "edu-monthly"))
    soup = BeautifulSoup(html, "html.parser")
    assert "[seasonally impacted indicator]" in soup.select_one(".gt_footnote").get_text()
    sise71 = next(tr for tr in body_rows(soup) if "not in education" in tr.get_text())
    assert sise71.select_one("th .gt_footnote_marks") is not None


@pytest.mark.parametrize("block", ["send-monthly", "ics-quarterly", "edu-monthly", "edu-termly", "edu-annual",
                                   "edu-annual-2", "vl-primary", "vl-secondary", "district-ics-monthly",
                                   "district-ics-quarterly", "district-edu-monthly", "district-edu-termly",
                                   "district-edu-annual"])
def test_every_block_renders_one_row_header_per_printed_row(january, block):
    district = "Canterbury" if block.startswith("district") else None
    soup = BeautifulSoup(tables.table_html(tables.rag_table(january, block, district)), "html.parser")
    assert len(soup.select('tbody th[scope="row"]')) == len(_rows(january, block, district))


def test_annual_and_termly_headings(january):
    annual = list(tables.table_frame(january, "edu-annual").columns)
    assert annual[5:] == ["2021-22", "2022-23", "2023-24", "Measure (2024-25)", "Numerator", "Denominator",
                          "Target 2024-25", "RAG 2024-25", "DOT", "Target 2025-26", "Benchmark Group 2024-25",
                          "England 2024-25"]
    termly = list(tables.table_frame(january, "edu-termly").columns)
    assert termly[5:] == ["Autumn 24-25", "Spring 24-25", "Summer 24-25", "Measure (Autumn 25-26)", "Numerator",
                          "Denominator", "DOT", "Target Autumn 2025-26", "RAG 2025-26"]
    quarterly = list(tables.table_frame(january, "district-ics-quarterly", "Dover").columns)
    assert "District Outturn 2024-25" in quarterly and "Q3 25-26" not in quarterly


def test_district_block_needs_a_district(january):
    with pytest.raises(ValueError, match="district"):
        tables.rag_table(january, "district-edu-monthly")


def test_rag_counts_add_up(january):
    counts = tables.rag_counts(january)
    kent = january[(january["page"] == "kent") & (january["rag"] != "")]
    total = counts[counts["section"] == "All indicators"].iloc[0]
    assert total["RED"] == (kent["rag"] == "RED").sum() > 0
    assert total["Total rated"] == len(kent)
    sections = counts[counts["section"] != "All indicators"]
    assert sections[["RED", "AMBER", "GREEN"]].sum().tolist() == total[["RED", "AMBER", "GREEN"]].tolist()
    soup = BeautifulSoup(tables.table_html(tables.rag_summary_table(january)), "html.parser")
    assert [th.get_text(strip=True) for th in soup.select('tbody th[scope="row"]')][-1] == "All indicators"


def test_show_table_bundle_carries_html_csv_and_marker(january, monkeypatch):
    shown = []
    monkeypatch.setattr(display, "display", lambda data, raw, metadata: shown.append((data, metadata)))
    display.show_table(tables.rag_table(january, "district-ics-monthly", "Ashford"), "ashford-ics-monthly.csv")
    (data, meta), = shown
    assert set(data) == {"text/html", "text/csv", "text/plain"}
    assert 'href="ashford-ics-monthly.csv"' in data["text/html"]
    expected = tables.table_frame(january, "district-ics-monthly", "Ashford").to_csv(index=False)
    assert data["text/csv"] == expected
    assert meta["scorecard"] == {"kind": "table", "block": "district-ics-monthly", "district": "Ashford",
                                 "id": "tbl-district-ics-monthly-ashford", "csv": "ashford-ics-monthly.csv",
                                 "title": meta["scorecard"]["title"]}
    assert "Ashford EHU" in data["text/plain"]
