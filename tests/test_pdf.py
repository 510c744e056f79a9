"""The committee PDF as the committee gets it: the January 2026 edition's paper, read back with poppler
and pypdf. One build per session (the ``published`` fixture in conftest.py). Expected values come from
the printed edition (its districts, the Kent SCS19 figure 68.8), not from the code under test.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import scorecard

MONTH = "2026-01"
LABEL = "January 2026"
DISTRICTS = ["Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe", "Gravesham", "Maidstone",
             "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells"]
A4_LANDSCAPE = (841.9, 595.3)   # points
QA_HEADINGS = ["Cells shown with a note", "Targets and floor standards that were not printed",
               "Known inconsistencies of the source", "What the data checks found"]


@pytest.fixture(scope="session")
def pdf(published) -> Path:
    path = published / "_site" / MONTH / f"scorecard-{MONTH}.pdf"
    assert path.is_file()
    return path


@pytest.fixture(scope="session")
def pages(pdf) -> list[str]:
    """Each page's text (pdftotext -layout), page 1 first."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils)")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texts = out.split("\f")
    return texts[:-1] if texts and not texts[-1].strip() else texts


@pytest.fixture(scope="session")
def contents(pages) -> list[tuple[str, int]]:
    """(chapter, first page) as the contents page prints them."""
    page = pages[1]
    assert "Contents" in page
    found = re.findall(r"([A-Z][A-Za-z'(),& -]*?[A-Za-z)])\s{2,}(\d{1,3})(?=\s|$)", page)
    return [(title.strip(), int(n)) for title, n in found]


def test_a4_landscape_and_under_60_pages(pdf):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) < 60, f"{len(reader.pages)} pages"
    for i, page in enumerate(reader.pages, 1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4_LANDSCAPE[0]) < 2 and abs(h - A4_LANDSCAPE[1]) < 2, (i, w, h)


def test_every_page_but_the_cover_says_page_n_of_n(pages):
    total = len(pages)
    assert "Page 1 of" not in pages[0]
    for i, text in enumerate(pages[1:], 2):
        assert f"Page {i} of {total}" in text, f"page {i}: {text[-300:]!r}"


def chapter_in_footer(text: str) -> str:
    """The middle of a page's footer ("<edition>   <chapter>   Page n of N"): the chapter it belongs to."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    parts = re.split(r"\s{2,}", lines[-1].strip()) if lines else []
    return parts[1] if len(parts) == 3 else ""


def test_contents_point_at_each_chapters_first_page(pages, contents):
    titles = [t for t, _ in contents]
    for district in DISTRICTS:
        assert district in titles, f"{district} is not in the contents: {titles}"
    assert "Children's social care" in titles and "Reference" in titles
    numbers = [n for _, n in contents]
    assert len(set(numbers)) == len(numbers), contents
    for title, n in contents:
        text = pages[n - 1]
        first = next(ln.strip() for ln in text.splitlines() if ln.strip())
        assert first.startswith(title) and LABEL in first, (title, n, first)
        assert chapter_in_footer(text) == title, (title, n, chapter_in_footer(text))
        assert chapter_in_footer(pages[n - 2]) != title, f"{title} starts before page {n}"


def test_bookmarks_are_the_contents(pdf, contents):
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    marks: dict[str, int] = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    for title, n in contents:
        assert marks.get(title) == n, (title, n, marks.get(title))
    assert "Districts" in marks


def test_districts_and_ratings_are_in_the_paper(pages):
    text = "\n".join(pages)
    for district in DISTRICTS:
        assert f"{district} — {LABEL}" in text, district
    for word in ("RED", "AMBER", "GREEN"):
        assert re.search(rf"\b{word}\b", text), word


def test_kent_scs19_as_printed(pages, contents):
    start = dict(contents)["Children's social care"]
    row = next((ln for ln in pages[start - 1].splitlines() if ln.lstrip().startswith("SCS19")), "")
    assert re.search(r"\b68\.8\b", row) and "RED" in row, row


def test_printed_value_beside_ours(pages):
    """Where the edition printed another rating than its own figures give, both are on paper:
    Kent's CYPE23 (the education annual table) is AMBER, printed GREEN."""
    text = "\n".join(pages)
    i = text.index("CYPE23")
    near = text[max(0, i - 600):i + 900]   # a cell's lines sit above and below its row's middle line
    assert re.search(r"AMBER\s*[a-z,]*\s*\n", near) and "printed GREEN" in near, near


def _font_sizes(pdf: Path) -> dict[float, str]:
    """The size (pt, on the page) of every piece of text, with an example of each size."""
    from pypdf import PdfReader

    def times(m, n):
        a, b, c, d, e, f = m
        A, B, C, D, E, F = n
        return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]

    sizes: dict[float, str] = {}
    for i, page in enumerate(PdfReader(pdf).pages, 1):
        def visit(text, cm, tm, font, size, i=i):
            if not text.strip():
                return
            m = times(tm, cm)
            pt = round(size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2])), 2)
            sizes.setdefault(pt, f"page {i}: {text.strip()[:40]!r}")

        page.extract_text(visitor_text=visit)
    return sizes


def test_no_text_under_7pt(pdf):
    """No table text (nor any other) is set under 7pt: the tables print at 7pt, never shrunk to fit."""
    sizes = _font_sizes(pdf)
    smallest = min(sizes)
    print(f"\nsmallest text in the PDF: {smallest} pt ({sizes[smallest]})")
    assert smallest >= 6.99, sorted(sizes.items())[:5]


def test_qa_material_stays_on_the_website(pages):
    text = "\n".join(pages)
    for heading in QA_HEADINGS:
        assert heading not in text, heading


def test_front_page_at_a_glance(pages, contents):
    page = pages[dict(contents)["Overview"] - 1]
    for tile in ("Schools and pupils", "Open cases", "Activity at the Front Door", "Ofsted judgements",
                 "Ratings at a glance"):
        assert tile in page, tile
    assert re.search(r"128,716\s+pupils in primary schools", page)
    assert page.count("no figures are available yet") == 1   # the trends without figures: one sentence
    assert "could not be drawn" not in "\n".join(pages)


def test_printer_reads_only_its_folder(tmp_path):
    from scorecard.publish.pdf import Printer

    inside = tmp_path / "site"
    (inside / "site_libs").mkdir(parents=True)
    printer = Printer(inside)
    assert printer.allowed((inside / "site_libs" / "x.js").as_uri())
    assert printer.allowed("data:,")
    assert not printer.allowed((tmp_path / "elsewhere.js").as_uri())
    assert not printer.allowed((inside / ".." / "elsewhere.js").as_uri())
    assert not printer.allowed("http://example.org/x.js")
    assert not printer.allowed("https://127.0.0.1/x.css")


def test_printing_is_incremental(published, pdf):
    """A second build with nothing changed prints no chapter again (each is cached by its HTML)."""
    before = pdf.read_bytes()
    done = scorecard("build", "--month", MONTH, "--data", str(published / "data"), "--out",
                     str(published / "_site"), "-v")
    assert done.returncode == 0, done.stderr[-3000:]
    printed = re.search(r"pdf: chapters printed: ([\d.]+)", done.stdout + done.stderr)
    assert printed and float(printed.group(1)) == 0, (done.stdout + done.stderr)[-2000:]
    after = (published / "_site" / MONTH / f"scorecard-{MONTH}.pdf").read_bytes()
    assert len(after) == pytest.approx(len(before), rel=0.01)
