"""Rolling forward: a SYNTHETIC February 2026 (and later months) needs figures, targets and words, no code.

Expected trends, arrows and target years are worked out here from the generated
figures and the calendar, not read back from the engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import synthetic
from cli_run import run_cli, tree_hash

from scorecard import edition, export, ingest, rollforward
from scorecard.dataset import load

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 10, 1)  # the figures below run to September 2026


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _key(row) -> tuple[str, str, str]:
    """(indicator, area, team) as stored, for an edition row."""
    if row["team"]:
        return row["indicator"], "", row["team"]
    return row["indicator"], row["area"], ""


def _export(ds, month: str, path: Path) -> bytes:
    export.write(edition.build(ds, month), path, "csv")
    return path.read_bytes()


@pytest.fixture(scope="module")
def feb(tmp_path_factory):
    """A copy of the repository's data, commentary and parameters with SYNTHETIC February ingested."""
    base = tmp_path_factory.mktemp("feb")
    for name in ("data", "commentary", "params"):
        shutil.copytree(ROOT / name, base / name)
    data = base / "data"
    ds0, _ = load(data)
    jan_before = _export(ds0, "2026-01", base / "jan-before.csv")
    commentary_before = tree_hash(base / "commentary" / "2026-01")
    params_before = (base / "params" / "2026-01.yml").read_bytes()
    path, rows = synthetic.write_month(data, "2026-02", base)
    outcome = ingest.ingest(path, data, today=dt.date(2026, 3, 1))
    started = rollforward.start("2026-02", base / "commentary", base / "params")
    ds, _ = load(data)
    return dict(base=base, data=data, ds=ds, rows=rows, path=path, outcome=outcome, started=started,
                frame=edition.build(ds, "2026-02"), jan_before=jan_before, commentary_before=commentary_before,
                params_before=params_before,
                jan_obs={(r["indicator"], r["area"], r["team"]): r for r in _csv(ROOT / "data/observations.csv")
                         if r["period"] == "2026-01"})


def test_synthetic_february_ingested(feb):
    assert feb["outcome"].added == {"observations.csv": len(feb["rows"])}
    assert {r["period"] for r in feb["rows"]} == {"2026-02"}
    assert len(feb["rows"]) == len(feb["jan_obs"])  # every series that had January has February


def test_trend_window_runs_aug_25_to_feb_26(feb):
    frame = feb["frame"]
    monthly = frame[frame["frequency"] == "monthly"]
    assert len(monthly) > 300
    expected = ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    assert all(list(p) == expected for p in monthly["periods"])
    assert set(monthly["period"]) == {"2026-02"}
    generated = {(r["indicator"], r["area"], r["team"]): r for r in feb["rows"]}
    checked = 0
    for _, row in monthly.iterrows():
        g, j = generated.get(_key(row)), feb["jan_obs"].get(_key(row))
        if g is None or not g["value"]:
            continue
        assert row["trend"][-1] == pytest.approx(float(g["value"]))
        assert row["trend"][-2] == pytest.approx(float(j["value"]))
        checked += 1
    assert checked > 200


def _expected_dot(now: float, before: float, polarity: str, decimals: int, centre: float | None) -> str:
    """Direction of travel written out from the publication's rule, at the displayed precision."""
    a, b = round(now, decimals), round(before, decimals)
    if polarity == "T":
        a, b = round(abs(a - centre), decimals), round(abs(b - centre), decimals)
        if a == b:
            return "same"
        return "improved" if a < b else "worsened"
    if a == b:
        return "same"
    return "improved" if (a > b) == (polarity == "H") else "worsened"


def test_arrows_compare_february_with_january(feb):
    frame = feb["frame"]
    inds = {r["indicator"]: r for r in _csv(ROOT / "data/indicators.csv")}
    show = {(r["block"], r["indicator"], r["service"]): r["show_dot"] for r in _csv(ROOT / "data/layout/rows.csv")}
    generated = {(r["indicator"], r["area"], r["team"]): r for r in feb["rows"]}
    seen = {"improved": 0, "worsened": 0, "same": 0}
    for _, row in frame[frame["frequency"] == "monthly"].iterrows():
        ind = inds[row["indicator"]]
        g, j = generated.get(_key(row)), feb["jan_obs"].get(_key(row))
        if show[(row["block"], row["indicator"], row["service"])] == "no" or not ind["polarity"]:
            assert row["dot"] == ""
            continue
        if not g or not g["value"] or not j or not j["value"]:
            assert row["dot"] == ""
            continue
        centre = row["target"]
        if ind["polarity"] == "T" and (centre is None or centre != centre):
            low, high = map(float, row["target_text"].split(" - "))
            centre = (low + high) / 2
        want = _expected_dot(float(g["value"]), float(j["value"]), ind["polarity"], int(row["decimals"]), centre)
        assert row["dot"] == want, (row["indicator"], row["area"], row["team"], g["value"], j["value"])
        seen[want] += 1
    assert all(n > 5 for n in seen.values()), seen  # the synthetic month moves series both ways


def test_other_frequencies_keep_their_latest_period(feb):
    frame, jan = feb["frame"], edition.build(feb["ds"], "2026-01")
    expected = {"quarterly": "2025-26 Q3", "termly": "2025-26 Autumn", "annual": "2024-25"}
    cols = ["period", "value", "rag", "dot", "target_text", "year"]
    for freq, period in expected.items():
        f = frame[frame["frequency"] == freq]
        assert len(f) and set(f["period"]) == {period}
        j = jan[jan["frequency"] == freq]
        assert f[cols].fillna(-1).values.tolist() == j[cols].fillna(-1).values.tolist()


def test_january_edition_commentary_and_params_unchanged(feb, tmp_path):
    assert _export(feb["ds"], "2026-01", tmp_path / "jan-after.csv") == feb["jan_before"]
    assert tree_hash(feb["base"] / "commentary" / "2026-01") == feb["commentary_before"]
    assert (feb["base"] / "params" / "2026-01.yml").read_bytes() == feb["params_before"]


def test_new_month_copies_headings_not_text(feb):
    new = feb["base"] / "commentary" / "2026-02"
    assert new in feb["started"].created
    for jan_file in sorted((feb["base"] / "commentary" / "2026-01").glob("*.md")):
        text = (new / jan_file.name).read_text(encoding="utf-8")
        heads = [ln for ln in jan_file.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
        assert [ln for ln in text.splitlines() if ln.strip()] == heads
    params = (feb["base"] / "params" / "2026-02.yml").read_text(encoding="utf-8")
    assert 'month: "2026-02"' in params and "February 2026" in params and "publication_date: 2026-03-23" in params


def test_new_month_again_changes_nothing(feb, capsys, monkeypatch):
    before = tree_hash(feb["base"] / "commentary")
    code, out, err = run_cli(["new-month", "2026-02", "--data", feb["data"]], capsys, monkeypatch)
    assert code == 0, err
    assert "kept" in out and "already exists" in out
    assert tree_hash(feb["base"] / "commentary") == before


def test_february_params_load(feb):
    from scorecard import params

    p = params.load(feb["base"] / "params" / "2026-02.yml", "2026-02", feb["ds"])
    assert p.month == "2026-02" and p.districts


# January's headline figures as its commentary quotes them.
JANUARY_QUOTES = {"SCS19": "68.8", "SCS34": "54.8", "SCS08": "88.8", "SCS13": "26.1", "SCS29": "429",
                  "SCS40": "80.7", "SCS42": "16.1", "SCS43": "21.1", "SCS01": "22.4", "SCS18": "73.8",
                  "SCS37": "86.0"}


def test_lint_catches_januarys_numbers_reused_in_february(feb, tmp_path):
    """Copying January's social care text into February: every figure that moved is reported."""
    from scorecard import lint

    root = tmp_path / "commentary"
    (root / "2026-02").mkdir(parents=True)
    shutil.copy(ROOT / "commentary/2026-01/social-care.md", root / "2026-02" / "social-care.md")
    findings = lint.lint_month(feb["frame"], "2026-02", root)
    stale = {f.indicator for f in findings if f.kind == "value"}
    generated = {r["indicator"]: r for r in feb["rows"] if r["area"] == "Kent"}
    moved = set()
    for ind, quoted in JANUARY_QUOTES.items():
        d = len(quoted.split(".")[1]) if "." in quoted else 0
        if round(float(generated[ind]["value"]), d) != float(quoted):
            moved.add(ind)
    assert moved, "the synthetic month should move some social care figures"
    assert stale == moved


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("%", ""))


def _published_dot(now: str, before: str, polarity: str, target: str) -> str:
    """The arrow a reader should see, from the two figures as the published CSV prints them."""
    a, b = _number(now), _number(before)
    if a == b:
        return "\u2194 No change"
    if polarity == "T":
        low, high = map(_number, target.split(" - "))
        centre = (low + high) / 2
        better = abs(a - centre) < abs(b - centre)
        if abs(a - centre) == abs(b - centre):
            return "\u2194 No change"
    else:
        better = (a > b) == (polarity == "H")
    return "\u2191 Improved" if better else "\u2193 Worsened"


def test_february_is_published_beside_january(feb, built, tmp_path):
    """`scorecard build --month 2026-02` after the synthetic ingest: a second edition, January untouched.

    Trends and arrows are checked from the published CSV files alone: February's Jan-26 column
    must be January's published figure, and each arrow must follow from the two printed figures.
    """
    import csv as csv_mod

    import yaml

    from scorecard import publish

    site = tmp_path / "_site"
    shutil.copytree(built, site)
    january = tree_hash(site / "2026-01")
    params = tmp_path / "params"  # two districts keep the run short; the rest is the real February
    shutil.copytree(feb["base"] / "params", params)
    p = yaml.safe_load((params / "2026-02.yml").read_text(encoding="utf-8"))
    p["districts"] = p["districts"][:2]
    (params / "2026-02.yml").write_text(yaml.safe_dump(p, sort_keys=False), encoding="utf-8")
    warnings: list[str] = []
    result = publish.build("2026-02", site, engine="builtin", data=feb["data"], build_dir=tmp_path / "build",
                           commentary=feb["base"] / "commentary", params_dir=params, warn=warnings.append)
    assert result.month == "2026-02" and len(result.ran) == 6 + 2

    assert tree_hash(site / "2026-01") == january  # January's edition byte-for-byte as published
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.index("February 2026") < index.index("January 2026")
    assert 'href="2026-02/index.html"' in index and 'href="2026-01/index.html"' in index
    feb_dir = site / "2026-02"
    for page in ("overview", "send", "social-care", "early-help", "education", "reference",
                 "district-" + p["districts"][0].lower()):
        assert "February 2026" in (feb_dir / f"{page}.html").read_text(encoding="utf-8"), page
    assert (feb_dir / "scorecard-2026-02.pdf").stat().st_size > 50_000

    def rows(path: Path) -> list[dict[str, str]]:
        return list(csv_mod.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))

    name = "social-care-ics-monthly.csv"
    jan = {r["Code"]: r for r in rows(site / "2026-01" / name)}
    checked = {"Improved": 0, "Worsened": 0, "No change": 0}
    table = rows(feb_dir / name)
    assert list(table[0])[5:12] == ["Aug-25", "Sep-25", "Oct-25", "Nov-25", "Dec-25", "Jan-26", "Measure (Feb-26)"]
    for row in table:
        before = jan[row["Code"]]
        assert row["Jan-26"] == before["Measure (Jan-26)"], row["Code"]
        assert row["Aug-25"] == before["Aug-25"], row["Code"]
        if "N/A" in (row["Measure (Feb-26)"], row["Jan-26"]) or not row["DOT"]:
            continue
        want = _published_dot(row["Measure (Feb-26)"], row["Jan-26"], row["Polarity"], row["Target 2025-26"])
        assert row["DOT"] == want, (row["Code"], row["Measure (Feb-26)"], row["Jan-26"], row["DOT"])
        checked[want.split(" ", 1)[1]] += 1
    assert all(checked.values()), checked  # the synthetic month moves figures both ways and leaves some


# ---- later months: the financial year turns in April, the academic year in September


@pytest.fixture(scope="module")
def year_on(tmp_path_factory):
    """SYNTHETIC figures through September 2026 and SYNTHETIC 2026-27 targets for both kinds of year."""
    base = tmp_path_factory.mktemp("year-on")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    path, rows = synthetic.write_month(data, "2026-09", base)
    ingest.ingest(path, data, today=TODAY)
    targets = synthetic.targets_for(data, "2026-27", "financial") + synthetic.targets_for(data, "2026-27", "academic")
    t_path = synthetic.write(targets, base, "targets-2026-27", synthetic.TARGET_COLUMNS)
    outcome = ingest.ingest(t_path, data, today=TODAY)
    assert outcome.added == {"targets.csv": len(targets)}
    ds, _ = load(data)
    return dict(ds=ds, rows=rows, targets={(t["indicator"], t["area"]): t for t in targets},
                old={(r["indicator"], r["year"], r["area"]): r for r in _csv(ROOT / "data/targets.csv")})


def _kent(frame, block):
    return frame[(frame["block"] == block) & (frame["area"] == "Kent")]


def test_generator_covers_quarters_terms_and_years(year_on):
    periods_made = {r["period"] for r in year_on["rows"]}
    assert {"2026-02", "2026-09", "2025-26 Q4", "2026-27 Q1", "2026-27 Q2", "2025-26 Spring", "2025-26 Summer",
            "2025-26"} <= periods_made  # Q2 and the academic year 2025-26 end by September 2026
    assert not {"2026-10", "2026-27 Q3", "2026-27 Autumn", "2026-27"} & periods_made
    assert all("SYNTHETIC" in r["note"] for r in year_on["rows"])


def test_march_is_still_2025_26_and_april_uses_2026_27_targets(year_on):
    march, april = edition.build(year_on["ds"], "2026-03"), edition.build(year_on["ds"], "2026-04")
    ics_m, ics_a = _kent(march, "ics-monthly"), _kent(april, "ics-monthly")
    assert set(ics_m["year"]) == {"2025-26"} and set(ics_a["year"]) == {"2026-27"}
    checked = 0
    for _, row in ics_a.iterrows():
        new = year_on["targets"].get((row["indicator"], "Kent"))
        if new is None or not new["target"]:
            continue
        assert row["target"] == pytest.approx(float(new["target"]))
        old = year_on["old"][(row["indicator"], "2025-26", "Kent")]
        assert float(new["target"]) != float(old["target"]) or row["polarity"] == "T"
        checked += 1
    assert checked >= 10
    assert list(ics_a["periods"].iloc[0]) == [f"2025-{m}" for m in ("10", "11", "12")] + \
        [f"2026-0{m}" for m in range(1, 5)]
    # academic-year rows do not turn in April
    send = _kent(april, "send-monthly")
    assert set(send["year"]) == {"2025-26"}
    for _, row in send.iterrows():
        old = year_on["old"].get((row["indicator"], "2025-26", "Kent"))
        if old and old["target"]:
            assert row["target"] == pytest.approx(float(old["target"]))
    # the quarter that ended in March belongs to 2025-26 and is rated against 2025-26's target
    q = _kent(april, "ics-quarterly").iloc[0]
    assert (q["period"], q["year"]) == ("2025-26 Q4", "2025-26")
    assert q["target"] == pytest.approx(float(year_on["old"][(q["indicator"], "2025-26", "Kent")]["target"]))
    term = _kent(april, "edu-termly").iloc[0]
    assert term["period"] == "2025-26 Spring"


def test_september_turns_the_academic_year(year_on):
    aug, sep = edition.build(year_on["ds"], "2026-08"), edition.build(year_on["ds"], "2026-09")
    assert set(_kent(aug, "edu-monthly")["year"]) == {"2025-26"}
    edu = _kent(sep, "edu-monthly")
    assert set(edu["year"]) == {"2026-27"}
    for _, row in edu.iterrows():
        new = year_on["targets"].get((row["indicator"], "Kent"))
        if new and new["target"]:
            assert row["target"] == pytest.approx(float(new["target"]))
    # financial rows stay in 2026-27 through September; annual results for 2025-26 now show
    assert set(_kent(sep, "ics-monthly")["year"]) == {"2026-27"}
    annual = _kent(sep, "edu-annual")
    assert set(annual["period"]) == {"2025-26"}
    assert list(annual["periods"].iloc[0]) == ["2022-23", "2023-24", "2024-25", "2025-26"]
