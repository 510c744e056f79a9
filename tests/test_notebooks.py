"""The section notebooks, executed once per test session with the runner, read back from their outputs.

What a reader sees must be what the engine decided: every RAG word and arrow in
every table is compared with ``edition.build`` for that block, district and
section, row by row. Charts must carry a static image and a text alternative
besides the interactive HTML; commentary must appear grouped RED, AMBER, GREEN.
A failing notebook must stop the run, name the notebook and cell, and leave the
previous output untouched.
"""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from cli_run import run_cli

from scorecard import nbtools, runner
from scorecard.direction import Dot
from scorecard.problems import EXIT_BUILD, EXIT_INVALID, ScorecardError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MONTH = "2026-01"
KENT_SECTIONS = ("send", "social-care", "early-help", "education")
SEASONAL = "[seasonally impacted indicator]"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture(scope="session")
def executed(grid):
    return {p.stem: nbformat.read(p, as_version=4) for p in grid.folder.glob("*.ipynb")}


def outputs(nb, kind: str | None = None):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = (out.get("metadata") or {}).get("scorecard") or {}
            if kind is None or meta.get("kind") == kind:
                yield cell, out, meta


def text_of(data, mime: str) -> str:
    v = data.get(mime, "")
    return "".join(v) if isinstance(v, list) else v


# --- the grid ------------------------------------------------------------------------------------------------

def test_source_notebooks_are_committed_without_outputs():
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert {p.stem for p in paths} == {"overview", "send", "social-care", "early-help", "education", "district",
                                       "reference"}
    for p in paths:
        raw = json.loads(p.read_text(encoding="utf-8"))
        for cell in raw["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, f"{p.name}: {cell['source'][:2]}"
        tagged = [c for c in raw["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, p.name
        params = "".join(tagged[0]["source"])
        for name in ("month", "district", "data_dir", "commentary_dir"):
            assert re.search(rf"^{name} = ", params, re.M), f"{p.name}: no {name} parameter"
        assert nbtools.problems(p) == []


def test_all_eighteen_notebooks_and_the_manifest(grid, dataset):
    districts = dataset.districts
    expected = {"overview", "send", "social-care", "early-help", "education", "reference"}
    expected |= {f"district-{slug(d)}" for d in districts}
    assert len(expected) == 18
    assert {p.stem for p in grid.folder.glob("*.ipynb")} == expected
    manifest = json.loads((grid.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == MONTH and manifest["complete"] is True
    assert {e["name"] for e in manifest["notebooks"]} == expected
    assert all(e["seconds"] > 0 for e in manifest["notebooks"])
    by_name = {e["name"]: e for e in manifest["notebooks"]}
    assert {by_name[f"district-{slug(d)}"]["district"] for d in districts} == set(districts)
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["data_fingerprint"])
    assert not list(grid.folder.parent.glob(".run-*")) and not (grid.folder.parent / "failed").exists()


def test_papermill_recorded_the_parameters(executed, dataset):
    for d in dataset.districts:
        params = executed[f"district-{slug(d)}"].metadata["papermill"]["parameters"]
        assert params["district"] == d and params["month"] == MONTH
        assert Path(params["data_dir"]).is_absolute()


def test_every_page_opens_with_its_heading_for_the_month(executed):
    for name, nb in executed.items():
        first = next(text_of(o["data"], "text/markdown") for _, o, _ in outputs(nb) if "text/markdown" in o["data"])
        assert first.startswith("# ") and first.splitlines()[0].endswith("— January 2026"), (name, first[:80])
    assert text_of(next(o for _, o, _ in outputs(executed["district-dover"]))["data"],
                   "text/markdown").startswith("# Dover — January 2026")


# --- tables against the engine -----------------------------------------------------------------------------

class TableCells(HTMLParser):
    """Body rows of a table: {column key: text} per row, each cell placed by the column its ``headers`` name."""

    def __init__(self, tid: str):
        super().__init__()
        self.tid, self.columns, self.rows, self.row, self.key, self.buf, self.skip = tid, set(), [], None, None, [], 0
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "th" and not self.in_body and a.get("scope") == "col" and a.get("id"):
            self.columns.add(a["id"])
        elif tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = {}
        elif self.in_body and tag in ("td", "th") and self.row is not None and a.get("scope") != "rowgroup":
            keys = [h for h in (a.get("headers") or "").split() if h in self.columns]
            self.key, self.buf = (keys[-1][len(self.tid) + 1:] if keys else None), []
        elif tag == "span" and "gt_footnote_marks" in (a.get("class") or ""):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "span" and self.skip:
            self.skip -= 1
        elif tag in ("td", "th") and self.key is not None and self.row is not None:
            self.row[self.key] = " ".join("".join(self.buf).split())
            self.key = None
        elif tag == "tr" and self.row:
            self.rows.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.key is not None and not self.skip:
            self.buf.append(data)


def parse_table(out, meta) -> list[dict]:
    p = TableCells(meta["id"])
    p.feed(text_of(out["data"], "text/html"))
    return p.rows


def expected_rows(edition, block: str, district: str | None, section: str | None):
    rows = edition[(edition["block"] == block) & (edition["district_page"] == (district or ""))]
    if section is not None:
        rows = rows[rows["section"] == section]
    return rows.sort_values("seq").to_dict("records")


def shown_rag(row, key="rag") -> str:
    return "N/A" if row["status"] == "not_available" else row[key]


def shown_dot(row) -> str:
    if row["dot"]:
        d = Dot(row["dot"])
        return f"{d.arrow} {d.words}"
    return "N/A" if row["status"] == "not_available" else ""


def test_every_table_shows_the_engines_ratings_and_arrows_row_by_row(executed, january, dataset):
    checked_rows = 0
    seen_blocks: dict[str, set] = {}
    for name, nb in executed.items():
        district = nb.metadata["papermill"]["parameters"]["district"]
        for _, out, meta in outputs(nb, "table"):
            if not meta.get("block"):
                continue   # summary and reference tables carry no block
            block = meta["block"]
            on_district_page = block.startswith("district-")
            section = name if name in KENT_SECTIONS and not on_district_page else None
            want = expected_rows(january, block, district if on_district_page else None, section)
            got = parse_table(out, meta)
            assert len(got) == len(want) > 0, (name, block)
            for g, w in zip(got, want, strict=True):
                assert g["code"] == w["code"], (name, block, g, w["code"])
                assert g["indicator"] == w["title"].replace(SEASONAL, "").strip(), (name, block, g["indicator"])
                assert g["rag"] == shown_rag(w), (name, block, w["indicator"], w["team"], g["rag"], w["rag"])
                assert g["dot"] == shown_dot(w), (name, block, w["indicator"], w["team"], g["dot"], w["dot"])
                if "rag_prev" in g:
                    assert g["rag_prev"] == shown_rag(w, "rag_prev"), (name, block, w["indicator"])
                checked_rows += 1
            seen_blocks.setdefault(name, set()).add(block)
    # every printed row of the edition is in some notebook: Kent rows by section, district pages by district
    kent = january[january["page"] != "district"]
    for section in KENT_SECTIONS:
        assert set(kent[kent["section"] == section]["block"]) == seen_blocks[section], section
    for d in dataset.districts:
        assert seen_blocks[f"district-{slug(d)}"] == set(january[january["district_page"] == d]["block"]), d
    assert checked_rows == len(january)


def test_the_headline_counts_match_the_engine(executed, january):
    (_, out, meta), = [(c, o, m) for c, o, m in outputs(executed["overview"], "table") if "RAG" in m.get("title", "")]
    csv = text_of(out["data"], "text/csv").splitlines()
    header = csv[0].split(",")
    total = dict(zip(header, csv[-1].split(","), strict=True))
    kent = january[january["page"] == "kent"]
    for rag in ("RED", "AMBER", "GREEN"):
        assert int(total[rag]) == int((kent["rag"] == rag).sum())


# --- charts and commentary --------------------------------------------------------------------------------

def test_every_chart_has_html_a_static_image_and_a_description(executed):
    n = 0
    for name, nb in executed.items():
        for _, out, meta in outputs(nb, "chart"):
            data = out["data"]
            assert "text/html" in data, name
            assert "image/svg+xml" in data or "image/png" in data, name
            if "image/svg+xml" in data:
                assert text_of(data, "image/svg+xml").lstrip().startswith("<svg"), name
            desc = text_of(data, "text/plain")
            assert len(desc) > 40 and desc == meta["description"], name
            assert "cdn." not in text_of(data, "text/html"), name   # offline: no CDN
            n += 1
    per = {name: sum(1 for _ in outputs(nb, "chart")) for name, nb in executed.items()}
    assert all(per[s] >= 1 for s in ("overview", *KENT_SECTIONS)), per
    assert all(v >= 2 for k, v in per.items() if k.startswith("district-")), per
    assert n == sum(per.values())


@pytest.mark.parametrize("section", KENT_SECTIONS)
def test_commentary_is_shown_grouped_red_amber_green(executed, section):
    source = (ROOT / "commentary" / MONTH / f"{section}.md").read_text(encoding="utf-8")
    shown = [(meta["group"], text_of(o["data"], "text/markdown")) for _, o, meta in
             outputs(executed[section], "commentary")]
    assert shown, section
    groups = [g for g, _ in shown if g in ("RED", "AMBER", "GREEN")]
    assert groups == sorted(groups, key=["RED", "AMBER", "GREEN"].index)
    for rag in ("RED", "AMBER", "GREEN"):
        in_file = source.count(f"**{rag}:**")
        in_group = sum(md.count(f"**{rag}:**") for g, md in shown if g == rag)
        assert in_group == in_file, (section, rag)
        if in_file:
            assert rag in groups
    # unrated paragraphs (the SEND commentary, education's introduction) are shown too
    words = re.sub(r"[*#_]", "", source).split()
    everything = " ".join(md for _, md in shown)
    assert all(w in everything for w in words[-12:])


def test_reference_shows_the_qa_log(executed, dataset):
    nb = executed["reference"]
    titles = [m.get("title", "") + text_of(o["data"], "text/html")[:2000] for _, o, m in outputs(nb, "table")]
    text = unescape(" ".join(text_of(o["data"], "text/html") for _, o, _ in outputs(nb, "table")))
    assert any("anomalies" in t.lower() for t in titles)
    for reason in dataset.anomalies["reason"]:
        assert reason in text
    inferred = dataset.targets[dataset.targets["floor_source"] == "inferred"]
    assert all(e in text for e in inferred["evidence"])
    guidance = " ".join(text_of(o["data"], "text/markdown") for _, o, _ in outputs(nb, "notes"))
    assert "Ministry of Justice" in guidance


def test_a_partial_run_replaces_only_its_notebooks(grid, tmp_path):
    out = tmp_path / "build"
    shutil.copytree(grid.folder, out / MONTH / "notebooks")
    before = json.loads((out / MONTH / "notebooks" / "manifest.json").read_text(encoding="utf-8"))
    kept = (out / MONTH / "notebooks" / "send.ipynb").read_bytes()
    redone = (out / MONTH / "notebooks" / "reference.ipynb").read_bytes()
    result = runner.run(MONTH, data_dir=ROOT / "data", out_dir=out, sections=["reference"], jobs=1)
    assert [r.job.name for r in result.results] == ["reference"]
    after = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert after["complete"] is True and len(after["notebooks"]) == 18
    by_name = {e["name"]: e for e in after["notebooks"]}
    old = {e["name"]: e for e in before["notebooks"]}
    assert by_name["send"] == old["send"] and (result.folder / "send.ipynb").read_bytes() == kept
    assert by_name["reference"]["executed_at"] >= old["reference"]["executed_at"]
    assert (result.folder / "reference.ipynb").read_bytes() != redone   # papermill's timestamps changed


# --- failures ---------------------------------------------------------------------------------------------

def broken_notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder)
    nb = nbformat.read(folder / "district.ipynb", as_version=4)
    nb.cells.insert(1, nbtools.code('raise RuntimeError("deliberate failure")', label="broken"))
    nbtools.write(nb, folder / "district.ipynb")
    return folder


def test_a_failing_notebook_stops_the_run_and_leaves_the_last_output_alone(tmp_path, capsys, monkeypatch):
    out = tmp_path / "build"
    previous = out / MONTH / "notebooks"
    previous.mkdir(parents=True)
    (previous / "overview.ipynb").write_text("{}", encoding="utf-8")
    (previous / "manifest.json").write_text('{"month": "2026-01", "complete": true}', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in previous.iterdir()}
    monkeypatch.chdir(ROOT)
    code, _, err = run_cli(["run", "--month", MONTH, "--district", "Dover", "--out", out, "--jobs", "1",
                            "--notebooks", broken_notebooks(tmp_path)], capsys, monkeypatch)
    assert code == EXIT_BUILD, err
    first = next(ln for ln in err.splitlines() if ln.startswith("ERROR: notebook"))
    assert "notebook district-dover" in first and "district=Dover" in first
    assert "cell 2 (broken)" in first and "RuntimeError: deliberate failure" in first
    kept = out / MONTH / "failed" / "district-dover.ipynb"
    assert kept.exists() and str(kept) in first
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before
    assert not list((out / MONTH).glob(".run-*")) and not list((out / MONTH).glob(".old-*"))


def test_bad_arguments_are_refused_before_any_notebook_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, _, err = run_cli(["run", "--month", MONTH, "--district", "Atlantis", "--out", tmp_path], capsys, monkeypatch)
    assert code == EXIT_INVALID, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "'Atlantis' is not a district" in lines[0] and "params/2026-01.yml" in lines[0]
    code, _, err = run_cli(["run", "--month", "2026-13", "--out", tmp_path], capsys, monkeypatch)
    assert code == EXIT_INVALID and "--month" in err
    code, _, err = run_cli(["run", "--month", MONTH, "--section", "health", "--out", tmp_path], capsys, monkeypatch)
    assert code == EXIT_INVALID and "unknown section 'health'" in err
    assert not list(tmp_path.iterdir())


def test_a_district_the_edition_does_not_have_fails_in_the_notebook_setup():
    from scorecard.page import Page

    with pytest.raises(ScorecardError) as exc:
        Page.open(MONTH, "Atlantis", ROOT / "data", section="district")
    assert len(exc.value.lines) == 1 and "Atlantis" in exc.value.lines[0]


def test_grid_selection():
    ds = ["Ashford", "Dover"]
    assert [j.name for j in runner.grid(None, None, ds)] == [
        "overview", "send", "social-care", "early-help", "education", "reference", "district-ashford",
        "district-dover"]
    assert [j.name for j in runner.grid(["send"], None, ds)] == ["send"]
    assert [(j.name, j.district) for j in runner.grid(None, ["Dover"], ds)] == [("district-dover", "Dover")]
    assert [j.source for j in runner.grid(["district"], None, ds)] == ["district", "district"]


def test_fingerprint_changes_with_any_byte(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("y\n2\n")
    files = list(tmp_path.glob("*.csv"))
    first = runner.fingerprint(files, tmp_path)
    assert runner.fingerprint(reversed(files), tmp_path) == first
    (tmp_path / "b.csv").write_text("y\n3\n")
    assert runner.fingerprint(files, tmp_path) != first
