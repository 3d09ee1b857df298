"""Figures of coding: each draws the frame it is given, with labels in French or English."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from research_kit import read_corpus  # noqa: E402
from research_kit.agreement import agreement  # noqa: E402
from research_kit.codebook import CodeEntry, Codebook, read_codebook  # noqa: E402
from research_kit.coding import code_matrix, code_trends, cooccurrence, merge_codings, read_codings  # noqa: E402
from research_kit.errors import ParameterError, SchemaError  # noqa: E402
from research_kit.plots.coding import (  # noqa: E402
    ALPHA_THRESHOLDS,
    plot_agreement,
    plot_code_frequencies,
    plot_code_matrix,
    plot_code_trends,
    plot_cooccurrence,
)
from tests.helpers import ROOT  # noqa: E402

CODEBOOK = Codebook((
    CodeEntry("care", label={"fr": "Soin", "en": "Care"}, color="#E69F00"),
    CodeEntry("care.fatigue", parent="care", label={"fr": "Fatigue", "en": "Tiredness"}),
    CodeEntry("needs", label={"fr": "Besoins", "en": "Needs"}, color="#D55E00"),
), title="Test", languages=("fr", "en"))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def ticks(axis):
    return [t.get_text() for t in axis.get_ticklabels()]


def matrix_frame():
    # what code_matrix(codings, corpus, by="site") returns: long form, non-zero pairs only
    return pd.DataFrame({"code": ["care", "care", "care.fatigue", "needs"],
                         "site": ["Bruxelles", "Montréal", "Montréal", "Bruxelles"],
                         "segments": [2, 5, 3, 1]})


def test_code_matrix_one_cell_per_code_and_group():
    fig = plot_code_matrix(matrix_frame(), codebook=CODEBOOK, lang="en")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    assert image.shape == (3, 2)  # 3 codes x 2 sites
    assert image.mask.sum() == 2  # care.fatigue and needs absent from one site each: empty cells
    assert ticks(ax.yaxis) == ["Care", "Tiredness", "Needs"]  # codebook order and English labels
    assert ticks(ax.xaxis) == ["Bruxelles", "Montréal"]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "5"]
    assert ax.get_title() == "Codes by site"
    assert fig.axes[1].get_ylabel() == "Coded segments"  # the colour bar


def test_code_matrix_in_french_without_codebook_shows_codes():
    fig = plot_code_matrix(matrix_frame().rename(columns={"segments": "documents"}))
    ax = fig.axes[0]
    assert ticks(ax.yaxis) == ["care", "care.fatigue", "needs"]
    assert ax.get_title() == "Codes par ville"
    assert fig.axes[1].get_ylabel() == "Documents où le code apparaît"


def test_cooccurrence_is_symmetric_with_an_empty_diagonal():
    frame = pd.DataFrame({"code_a": ["care", "care"], "code_b": ["needs", "care.fatigue"], "count": [4, 2]})
    fig = plot_cooccurrence(frame, codebook=CODEBOOK, lang="fr")
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    assert image.shape == (3, 3)
    filled = ~np.ma.getmaskarray(image)
    assert (filled == filled.T).all() and not filled.diagonal().any()
    assert image[0, 2] == image[2, 0] == 4
    assert ticks(ax.xaxis) == ticks(ax.yaxis) == ["Soin", "Fatigue", "Besoins"]
    assert len(ax.texts) == 4 and ax.get_title() == "Codes appliqués ensemble"


def trends_frame():
    dates = pd.to_datetime(["2025-01-22", "2025-02-19", "2025-03-19"])
    return pd.DataFrame({"date": np.repeat(dates, 3), "doc_id": np.repeat(["a", "b", "c"], 3),
                         "title": np.repeat(["A", "B", "C"], 3), "code": ["care", "care.fatigue", "needs"] * 3,
                         "segments": [1, 0, 2, 3, 1, 0, 2, 2, 2],
                         "per_1000_words": [0.5, 0.0, 1.0, 1.5, 0.5, 0.0, 1.0, 1.0, 1.0]})


def test_code_trends_one_line_per_code_in_codebook_colours():
    fig = plot_code_trends(trends_frame(), codebook=CODEBOOK, lang="en")
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    by_label = {line.get_label(): line for line in ax.lines}
    assert set(by_label) == {"Care", "Tiredness", "Needs"}
    assert by_label["Care"].get_color() == "#E69F00" and by_label["Needs"].get_color() == "#D55E00"
    # a code without a colour of its own takes an Okabe-Ito colour no other line uses
    assert by_label["Tiredness"].get_color() not in ("#E69F00", "#D55E00")
    assert list(by_label["Needs"].get_ydata()) == [1.0, 0.0, 1.0]
    assert ax.get_ylabel() == "Segments per 1,000 words" and ax.get_xlabel() == "Session date"


def test_code_trends_selected_codes_and_palette_without_codebook():
    fig = plot_code_trends(trends_frame(), codes=["needs", "care"], lang="fr")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["needs", "care"]
    assert [line.get_color() for line in ax.lines] == ["#0072B2", "#E69F00"]  # Okabe-Ito, in order
    assert ax.get_ylabel() == "Segments pour 1 000 mots"


def test_code_frequencies_bars_stacked_by_group():
    fig = plot_code_frequencies(matrix_frame(), codebook=CODEBOOK, lang="fr")
    ax = fig.axes[0]
    assert len(ax.patches) == 3 * 2  # one bar per code for each of the 2 sites (zero-width where absent)
    assert ticks(ax.yaxis) == ["Soin", "Fatigue", "Besoins"]  # codebook order, the first at the top
    widths = {}
    for patch in ax.patches:
        widths[round(patch.get_y() + patch.get_height() / 2)] = widths.get(
            round(patch.get_y() + patch.get_height() / 2), 0) + patch.get_width()
    assert widths == {2: 7, 1: 3, 0: 1}  # care 2 + 5, care.fatigue 3, needs 1
    assert ax.get_xlabel() == "Segments codés"
    assert ax.get_legend().get_title().get_text() == "ville"


def test_code_frequencies_of_a_count_table_most_frequent_first():
    frame = pd.DataFrame({"code": ["a", "b", "c"], "count": [1, 5, 3]})
    ax = plot_code_frequencies(frame, lang="en").axes[0]
    assert len(ax.patches) == 3
    assert ticks(ax.yaxis) == ["b", "c", "a"]  # top to bottom
    assert ax.get_legend() is None and ax.get_xlabel() == "Count"



def test_labels_come_from_i18n(monkeypatch):
    from research_kit import i18n

    monkeypatch.setitem(i18n.MESSAGES, "plot.coding.count", {"fr": "Effectif", "en": "Tally"})
    monkeypatch.setitem(i18n.MESSAGES, "plot.coding.by_site", {"fr": "commune", "en": "town"})
    frame = pd.DataFrame({"code": ["a", "b"], "count": [1, 5]})
    assert plot_code_frequencies(frame, lang="en").axes[0].get_xlabel() == "Tally"
    fig = plot_code_matrix(matrix_frame(), codebook=CODEBOOK, lang="fr")
    assert fig.axes[0].get_title() == "Codes par commune"  # by_<column>, then an unknown column as named
    assert plot_code_matrix(matrix_frame().rename(columns={"site": "lieu"})).axes[0].get_title() == "Codes par lieu"

def agreement_frame():
    return pd.DataFrame({"code": ["care", "needs", "care.fatigue", "(all)"], "unit": "turn", "coders": "a, b",
                         "krippendorff_alpha": [0.9, 0.5, np.nan, 0.72], "cohen_kappa": [0.9, 0.5, np.nan, 0.7],
                         "percent_agreement": [0.98, 0.9, 1.0, 0.95]})


def test_agreement_bars_and_krippendorff_thresholds():
    fig = plot_agreement(agreement_frame(), codebook=CODEBOOK, lang="fr")
    ax = fig.axes[0]
    assert len(ax.patches) == 4  # three codes and the pooled row
    assert ticks(ax.yaxis) == ["Soin", "Fatigue", "Besoins", "Ensemble des codes"]  # top to bottom
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0.9, 0.0, 0.5, 0.72]  # the undefined value has no bar ...
    assert any(t.get_text() == "non défini" for t in ax.texts)  # ... and says so
    vertical = sorted(line.get_xdata()[0] for line in ax.lines)
    assert vertical == list(ALPHA_THRESHOLDS) == [0.667, 0.8]
    assert ax.get_xlabel() == "Alpha de Krippendorff"


def test_agreement_other_measure_in_english():
    ax = plot_agreement(agreement_frame(), measure="percent_agreement", lang="en").axes[0]
    assert ax.get_xlabel() == "Percent agreement" and not ax.lines  # no alpha thresholds for percentages
    assert ticks(ax.yaxis) == ["care", "care.fatigue", "needs", "All codes"]  # sorted, the pooled row last


def test_options_and_frames_are_checked():
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_agreement(agreement_frame(), measure="alpha")
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_code_matrix(matrix_frame(), lang="de")
    with pytest.raises(SchemaError, match="RK-S01"):
        plot_cooccurrence(matrix_frame())
    with pytest.raises(SchemaError, match="RK-S02"):
        plot_code_trends([1, 2, 3])


def test_draws_into_given_axes():
    fig, ax = plt.subplots()
    assert plot_cooccurrence(pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "count": [1]}), ax=ax) is fig


def test_empty_frames_say_so():
    ax = plot_code_trends(trends_frame().iloc[:0], lang="en").axes[0]
    assert [t.get_text() for t in ax.texts] == ["No values to show"]


def test_the_demo_codings_draw_end_to_end():
    demo = ROOT / "corpora" / "demo"
    corpus, codebook = read_corpus(demo), read_codebook(demo / "codebook.yml")
    camille = read_codings(demo / "codings" / "camille.csv", corpus=corpus, codebook=codebook)
    mathis = read_codings(demo / "codings" / "mathis.csv", corpus=corpus, codebook=codebook)
    matrix = code_matrix(camille, corpus, by="doc_id")
    image = plot_code_matrix(matrix, codebook=codebook).axes[0].images[0].get_array()
    assert image.shape == (matrix["code"].nunique(), 5)
    pairs = cooccurrence(camille, corpus, within="turn")
    assert plot_cooccurrence(pairs, codebook=codebook).axes[0].images[0].get_array().shape[0] == len(
        set(pairs["code_a"]) | set(pairs["code_b"]))
    trends = code_trends(camille, corpus, codes=["care.exhaustion", "recommendations"])
    assert len(plot_code_trends(trends, codebook=codebook).axes[0].lines) == 2
    result = agreement(merge_codings(camille, mathis), corpus)
    assert len(plot_agreement(result, codebook=codebook).axes[0].patches) == len(result)


def drawn_ticks(fig, axis="x"):
    fig.canvas.draw()
    ax = fig.axes[0]
    lo, hi = (ax.get_xlim() if axis == "x" else ax.get_ylim())
    ticks_ = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks_ if lo <= (t.get_position()[0] if axis == "x" else t.get_position()[1]) <= hi]


def test_code_trends_ticks_follow_the_language_not_the_system_locale():
    # three sessions, 22 January to 19 March: month ticks, the year under the first
    fr = plot_code_trends(trends_frame(), codebook=CODEBOOK, lang="fr")
    labels = drawn_ticks(fr)
    words = {w for label in labels for w in label.split() if not w.isdigit()}
    assert "mars" in words and words <= {"janv.", "févr.", "mars"}
    assert "2025" in labels[0]
    # per 1000 words from 0 to 1.5, ticks every 0.2: decimal commas in French, points in English
    assert "0,4" in drawn_ticks(fr, "y") and "1,0" in drawn_ticks(fr, "y")
    en = plot_code_trends(trends_frame(), codebook=CODEBOOK, lang="en")
    assert not {"janv.", "févr.", "mars"} & {t.split()[0] for t in drawn_ticks(en)}
    assert "0.4" in drawn_ticks(en, "y")


def test_heatmap_values_and_agreement_axis_in_french():
    fig = plot_code_matrix(matrix_frame().assign(segments=[2.5, 5, 3, 1]), codebook=CODEBOOK, lang="fr")
    assert "2,50" in [t.get_text() for t in fig.axes[0].texts]
    ticks_ = drawn_ticks(plot_agreement(agreement_frame(), lang="fr"))  # 0,0 … 1,0
    assert ticks_ and all("." not in t for t in ticks_) and any("," in t for t in ticks_)


def season_frame(codes=("care", "care.fatigue", "needs")):
    # four sessions, 13 February to 22 May (the demo's Canal consultation): a season of dates
    dates = pd.to_datetime(["2025-02-13", "2025-03-13", "2025-04-12", "2025-05-22"])
    return pd.DataFrame({"date": np.repeat(dates, len(codes)), "code": list(codes) * len(dates),
                         "per_1000_words": np.arange(len(dates) * len(codes), dtype=float) / 4})


def visible_tick_boxes(fig):
    fig.canvas.draw()
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    renderer = fig.canvas.get_renderer()
    return [label.get_window_extent(renderer) for label in ax.get_xticklabels()
            if label.get_text() and lo <= label.get_position()[0] <= hi]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_date_ticks_over_a_season_are_months_whose_labels_never_touch(lang):
    # Matplotlib's default put a tick every fortnight here: "15 févr.1 mars15 mars" ran together.
    fig = plot_code_trends(season_frame(), codebook=CODEBOOK, lang=lang)
    boxes = visible_tick_boxes(fig)
    assert 3 <= len(boxes) <= 6
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:]))        # a gap between neighbours
    months = {"fr": ["mars", "avr.", "mai"], "en": ["Mar", "Apr", "May"]}[lang]
    assert [t.split()[0] for t in drawn_ticks(fig)] == months


def test_the_trends_legend_goes_under_the_axes_which_keep_the_figure_width():
    fig = plot_code_trends(season_frame(), codebook=CODEBOOK, lang="fr")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    (legend,) = fig.legends
    assert legend.get_window_extent(renderer).y1 <= ax.get_tightbbox(renderer).y0 + 1    # below the tick labels
    assert ax.get_position().width > 0.8                                                  # of the figure's width
    assert [t.get_text() for t in legend.get_texts()] == ["Soin", "Fatigue", "Besoins"]
