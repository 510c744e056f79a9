"""The reference section: definitions and sources, where floors came from, and the QA log.

Analysts and readers can see, beside the figures, which floor standards were
inferred rather than printed (with the evidence), which source figures look
wrong and were kept as printed (``anomalies.csv``), and every warning the
validation raised for this edition's data.
"""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .dataset import SECTIONS, Dataset
from .listing import listing
from .problems import Report

SECTION_NAMES = {"overview": "Activity and context measures", "send": "SEND indicators",
                 "social-care": "Children's social care indicators", "early-help": "Intensive early help indicators",
                 "education": "Education indicators"}


def definitions(ds: Dataset) -> pd.DataFrame:
    """Every indicator in the catalogue with its definition and data source, grouped by section."""
    ind = ds.indicators.copy()
    ind["Section"] = ind["section"].map(SECTION_NAMES)
    ind["_s"] = ind["section"].map({s: i for i, s in enumerate(SECTIONS)})
    ind = ind.sort_values(["_s"], kind="stable")
    return pd.DataFrame({
        "Section": ind["Section"],
        "Code": [c or f"not printed ({i})" for c, i in zip(ind["code"], ind["indicator"], strict=True)],
        "Indicator": ind["title"], "Definition": ind["definition"].where(ind["definition"] != "",
                                                                       "Definition not given in the edition."),
        "Source": ind["source"], "Latest data": ind["latest_data"], "Released": ind["released"],
    })


def definitions_table(ds: Dataset) -> GT:
    return listing(definitions(ds), "Indicator definitions and data sources", "reference-definitions",
                   group="Section", source_note=f"From {ds.root.name}/indicators.csv.",
                   widths={"Code": "8%", "Indicator": "22%", "Definition": "40%"}, nowrap=["Released"])


def _fmt(v) -> str:
    if v is None or pd.isna(v):
        return ""
    return f"{v:g}"


def floors(ds: Dataset) -> pd.DataFrame:
    """Targets and floors that were not printed: where each came from and the evidence."""
    t = ds.targets[(ds.targets["floor_source"] != "printed") | (ds.targets["target_source"] != "printed")]
    t = t[(t["floor_source"] != "") | (t["target_source"] != "printed")]
    ind = dict(zip(ds.indicators["indicator"], ds.indicators["code"], strict=False))

    def rng(r, key):
        low, high = _fmt(r[f"{key}_low"]), _fmt(r[f"{key}_high"])
        return f"{low} - {high}" if low and high else _fmt(r[key])

    return pd.DataFrame({
        "Indicator": [ind.get(i) or i for i in t["indicator"]],
        "Year": t["year"], "Area": t["area"],
        "Target": [rng(r, "target") for _, r in t.iterrows()],
        "Target from": t["target_source"],
        "Floor": [rng(r, "floor") for _, r in t.iterrows()],
        "Floor from": t["floor_source"],
        "Evidence": t["evidence"],
    })


def floors_table(ds: Dataset) -> GT:
    f = floors(ds)
    counts = f["Floor from"].value_counts().to_dict()
    summary = ", ".join(f"{n} {k or 'none'}" for k, n in sorted(counts.items()))
    return listing(f, "Targets and floor standards not printed in the edition", "reference-floors",
                   subtitle=f"{len(f)} target years; floors: {summary}. Replace inferred floors with the business "
                            "plan's figures when they are available.",
                   source_note=f"From {ds.root.name}/targets.csv (target_source, floor_source, evidence).",
                   widths={"Evidence": "45%"}, right=["Target", "Floor"],
                   nowrap=["Indicator", "Year", "Target", "Floor"])


def anomalies(ds: Dataset) -> pd.DataFrame:
    a = ds.anomalies
    return pd.DataFrame({"File": a["file"], "Indicator": a["indicator"], "Area": a["area"], "Team": a["team"],
                         "Period": a["period"], "Check": a["check"], "What was found and what was done": a["reason"]})


def anomalies_table(ds: Dataset) -> GT:
    return listing(anomalies(ds), "Known anomalies in the source (QA log)", "reference-anomalies",
                   subtitle="Figures that look wrong in the printed edition, kept as printed and explained here.",
                   source_note=f"From {ds.root.name}/anomalies.csv.",
                   widths={"What was found and what was done": "45%"}, nowrap=["Period"])


def warnings(report: Report) -> pd.DataFrame:
    rows = [{"File": p.file.split("/")[-1], "Row": p.row or "", "Column": p.column, "Warning": p.message}
            for p in sorted(report.warnings)]
    return pd.DataFrame(rows, columns=["File", "Row", "Column", "Warning"])


def warnings_table(report: Report) -> GT:
    w = warnings(report)
    return listing(w, "Validation warnings for this edition's data", "reference-warnings",
                   subtitle=f"{len(w)} warning(s) from `scorecard validate`; none stops the build.",
                   widths={"Warning": "60%"})
