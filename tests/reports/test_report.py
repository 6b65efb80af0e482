"""The report on the churn and loan demos (smaller models, the real data): every section the project can fill, every
model named in every comparative section, the same file twice, one self-contained file that shows only the rows it
explains, and its options checked before anything is computed."""

from __future__ import annotations

import json
import re
import tomllib
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from portal.config import ConfigError, parse_config
from portal.data import LOAN_CONFIG, PRICING_CONFIG
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.reports import ExplanationFailed, write_report
from portal.reports.report._live import HOVER_EXTRAS
from portal.results import JobProgress
from tests.project.test_project import FAST_CHURN
from tests.reports import render_stub

FAST_LOAN = (
    LOAN_CONFIG.replace("n_estimators = 200, max_depth = 3", "n_estimators = 60, max_depth = 3")
    .replace("n_estimators = 200, max_depth = 8", "n_estimators = 30, max_depth = 6")
    .replace("outer_bags = 4, interactions = 5", "outer_bags = 2, interactions = 3, max_rounds = 300")
    + "\n[explain]\ncommon_sample_rows = 20\n"
)
FAST_PRICING = (
    PRICING_CONFIG.replace("n_estimators = 60, max_depth = 8", "n_estimators = 8, max_depth = 6")
    .replace("max_iter = 150", "max_iter = 20")
    .replace("outer_bags = 2, interactions = 0, max_rounds = 1000", "outer_bags = 1, interactions = 0, max_rounds = 60")
)
CHURN_MODELS = ("Random forest", "Gradient boosting", "EBM")
COMPARATIVE = ("models", "performance", "global", "disagreements", "fairness")
MAX_BYTES = 5 * 1024**2
GENERATED = re.compile(r'^<p class="generated">Generated at [^<]*</p>$', re.M)


def demo_project(text: str, cache: Path) -> Project:
    raw = tomllib.loads(text)
    raw["cache"] = {"dir": str(cache)}
    config = parse_config(raw, base_dir=Path.cwd())
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)  # inline jobs


@pytest.fixture(scope="module", autouse=True)
def renderer():
    with render_stub.installed():
        yield


@pytest.fixture(scope="module")
def churn(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("churn-report")
    project = demo_project(FAST_CHURN, folder / "cache")
    written = write_report(project, folder / "report.html", rows=["C00010"])
    return project, written, (folder / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def loan(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("loan-report")
    project = demo_project(FAST_LOAN, folder / "cache")
    written = write_report(project, folder / "report.html")
    return project, written, (folder / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pricing(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pricing-report")
    project = demo_project(FAST_PRICING, folder / "cache")
    written = write_report(project, folder / "report.html")
    return project, written, (folder / "report.html").read_text(encoding="utf-8")


def section(html: str, name: str) -> str:
    """The HTML of one section: from its opening tag to the next section's."""
    start = html.index(f'id="{name}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def test_the_churn_report_has_every_section_it_can_fill_and_says_why_monitoring_is_not(churn) -> None:
    _project, written, html = churn
    assert written.sections == ("cover", "models", "performance", "global", "disagreements", "fairness", "appendix")
    assert [name for name, _why in written.skipped] == ["monitoring"]
    assert "Not in this report: the project is not monitored over time" in section(html, "monitoring")
    assert written.figures >= 3 + 2 + 3 + 3 * 4 + 1 + 3  # curves, importance & agreement, beeswarms, rows, fairness
    assert html.count("<svg") == written.figures


def test_every_model_is_named_in_every_comparative_section(churn, loan) -> None:
    for (_project, _written, html), names in ((churn, CHURN_MODELS), (loan, CHURN_MODELS)):
        for name in COMPARATIVE:
            for model in names:
                assert model in section(html, name), (name, model)


def test_the_cover_names_the_hashes_and_the_appendix_how_numbers_were_computed(churn) -> None:
    project, written, html = churn
    cover = section(html, "cover")
    assert written.inputs_hash in cover and f'content="{written.inputs_hash}"' in html
    assert project.facts().data_fingerprint in cover and "7,043 rows" in cover
    appendix = unescape(section(html, "appendix"))
    for words in ("explanation engine", "scikit-learn", "shap", "held-out", "500 of 7,043 rows per model", "seed"):
        assert words in appendix, words
    assert "200 resamples" in appendix and '"test_size": 0.25' in appendix and "redis_url" not in appendix


def test_every_number_names_its_scale_and_rows(churn) -> None:
    _project, _written, html = churn
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert captions and all("Scale" in c or "Basis" in c for c in captions), captions
    assert all(re.search(r"[\d,]+ of 7,043 rows|held-out rows", c) for c in captions), captions


def test_the_loan_report_has_fairness_for_every_protected_attribute(loan) -> None:
    project, written, html = loan
    assert "fairness" in written.sections
    fairness = unescape(section(html, "fairness"))
    for attribute in project.protected_attributes():
        assert f"Protected attribute: {attribute.name}" in fairness
    assert "four-fifths rule" in fairness and "interval" in fairness and "AUC alone" in fairness
    assert "Adverse-action reasons" in fairness or "reasons" in fairness
    assert re.search(r"Row A\d{5}", fairness)  # a declined applicant's reasons


def test_the_same_project_writes_the_same_file_apart_from_the_time(churn, tmp_path: Path) -> None:
    project, written, html = churn
    again = write_report(project, tmp_path / "again.html", rows=["C00010"])
    second = (tmp_path / "again.html").read_text(encoding="utf-8")
    assert again.inputs_hash == written.inputs_hash
    assert len(GENERATED.findall(html)) == 1
    assert GENERATED.sub("", second) == GENERATED.sub("", html)


def test_the_file_stands_alone_without_network_or_script(churn, loan) -> None:
    for _project, written, html in (churn, loan):
        assert written.size_bytes < MAX_BYTES
        assert "<script" not in html.lower() and "<link" not in html.lower()
        for target in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html, re.I):
            assert target.startswith(("#", "data:image/")), target[:40]
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html), "a CSS url() to the network"


def test_the_file_shows_no_row_beyond_those_it_explains(churn, loan) -> None:
    for (project, written, html), letter in ((churn, "C"), (loan, "A")):
        text = re.sub(r"data:image/[^\"']*|\sd=\"[^\"]*\"", "", html)  # inline pictures and SVG path data
        shown = set(re.findall(rf"(?<![\w+/]){letter}\d{{5}}(?!\w)", text))
        assert shown and shown <= set(written.rows), shown - set(written.rows)
        assert len(written.rows) < 10 and len(project.row_ids()) > 4_000


def test_sections_and_rows_choose_what_is_written(churn, tmp_path: Path) -> None:
    project, _written, _html = churn
    written = write_report(project, tmp_path / "two.html", sections=["appendix", "disagreements"], rows=["C00042"])
    html = (tmp_path / "two.html").read_text(encoding="utf-8")
    assert written.sections == ("disagreements", "appendix") and written.skipped == ()
    assert 'id="global"' not in html and "Row C00042" in html and "asked for" in html


def test_interactive_adds_every_figure_live_over_its_svg_and_still_no_row_beyond_those_explained(
    churn, tmp_path: Path
) -> None:
    """``--interactive``: plotly.js inline (no network), one figure JSON per chart, each tied to its chart, and hover
    extras dropped: the pages' beeswarms carry 500 rows' ids and values in customdata, which the report must not."""
    project, written, static = churn
    live = write_report(project, tmp_path / "live.html", rows=["C00010"], interactive=True)
    html = (tmp_path / "live.html").read_text(encoding="utf-8")
    holders = re.findall(r'data-live="([^"]+)"', html)
    figures = dict(re.findall(r'<script type="application/json" id="live-([^"]+)">(.*?)</script>', html, re.S))
    assert len(holders) == live.figures == written.figures and set(holders) == set(figures)
    for text in figures.values():
        figure = json.loads(text)
        assert figure["data"] and not any(key in trace for trace in figure["data"] for key in HOVER_EXTRAS)
    assert html.count("<script>") == 2 and "Plotly.newPlot" in html and "plotly.js v" in html
    outside = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    for target in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', outside, re.I):
        assert target.startswith(("#", "data:image/")), target[:40]
    assert outside.count("<svg") == static.count("<svg")  # the static figures stay, for print and without script
    text = re.sub(r"data:image/[^\"']*|\sd=\"[^\"]*\"", "", "".join(figures.values()))
    shown = set(re.findall(r"(?<![\w+/])C\d{5}(?!\w)", text))
    assert shown <= set(written.rows), shown - set(written.rows)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sections": ["cover", "glossary"]}, "sections: no section 'glossary'. Fix: use some of cover, models"),
        ({"rows": ["C99999"]}, "rows: no row C99999 in the data. Fix: use the id column's values, e.g. C00001"),
        ({"fmt": "docx"}, "format: 'docx' is not a report format. Fix: use one of html, pdf"),
        ({"fmt": "pdf", "interactive": True}, "interactive: a PDF cannot run the interactive figures"),
    ],
)
def test_a_wrong_option_is_a_config_error_before_anything_is_written(churn, tmp_path, options, message) -> None:
    project, _written, _html = churn
    with pytest.raises(ConfigError) as error:
        write_report(project, tmp_path / "r.html", **options)
    assert str(error.value).startswith(message)
    assert not list(tmp_path.iterdir())


def test_the_pricing_report_says_what_changed_in_the_last_window(pricing) -> None:
    project, written, html = pricing
    assert written.sections == ("cover", "models", "performance", "global", "disagreements", "monitoring", "appendix")
    assert written.skipped == (("fairness", "the project names no protected column ([data] protected)"),)
    assert "weighted average of" in unescape(section(html, "models"))  # the ensemble, explained by linearity
    monitoring = unescape(section(html, "monitoring"))
    assert "What changed in 2017-08" in monitoring and "against the reference (2016-07..2016-12)" in monitoring
    for model in project.model_names:
        assert model in monitoring, model
    assert "2017-08: " in monitoring and " of 15,402 rows" in monitoring and "PSI" in monitoring
    assert "Scale: the target's units (avg_price_per_room) for every model" in unescape(section(html, "performance"))


def test_the_churn_pdf_prints_every_page_with_something_on_it(churn, tmp_path: Path) -> None:
    if not render_stub.is_real():
        pytest.skip("the PDF needs the render module (headless Chromium): portal.reports._render")
    from portal.reports._render import pdf_page_images

    project, html_written, _html = churn
    written = write_report(project, tmp_path / "report.pdf", fmt="pdf", rows=["C00010"])
    assert written.inputs_hash == html_written.inputs_hash and written.size_bytes < MAX_BYTES
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    pages = pdf_page_images(tmp_path / "report.pdf", tmp_path / "pages", dpi=40)
    assert len(pages) > 10
    for page in pages:
        with Image.open(page) as image:
            pixels = np.asarray(image.convert("L"), dtype=np.float64)
        assert (pixels < 200).mean() > 0.002, page.name  # ink on the page


class FailedProject:
    """A project whose second model's explanation failed: the report is refused, naming it, and nothing written."""

    model_names = ("A", "B")

    def start_explanations(self, common: bool = True) -> None:
        self.started = common

    def row_ids(self) -> tuple[str, ...]:
        return ("r1", "r2")

    def progress(self, name: str) -> JobProgress:
        if name == "A":
            return JobProgress("A", 4, 4, "done")
        return JobProgress("B", 1, 4, "failed", "a worker process died")


def test_a_failed_explanation_is_said_and_nothing_is_written(tmp_path: Path) -> None:
    heard = []
    with pytest.raises(ExplanationFailed, match="the explanation of 'B' failed: a worker process died"):
        write_report(FailedProject(), tmp_path / "r.html", progress=lambda f, m: heard.append(m))
    assert not list(tmp_path.iterdir())
