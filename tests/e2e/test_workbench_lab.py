"""The workbench in a real JupyterLab: code two spans by clicking, restart the kernel, check the file; search, click a hit.

Runs only with ``RESEARCH_KIT_E2E=1`` (see conftest.py); ``.ci/run`` runs it after ``make test``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from research_kit import read_corpus
from research_kit.coding import read_codings

TIMEOUT = 240_000  # ms: the first run annotates the corpus (spaCy) on a busy machine


KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  return !!(s && s.isReady && s.session && s.session.kernel && s.session.kernel.status === "idle"
            && w.context && w.context.path.endsWith(%r));
}"""


def open_notebook(page, lab, name):
    page.goto(lab.url(name))
    page.wait_for_selector(".jp-Notebook", timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY % name, timeout=TIMEOUT)


def menu(page, top, item):
    page.click(f".lm-MenuBar-itemLabel:text-is('{top}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def run_all(page):
    page.click(".jp-Notebook")
    menu(page, "Run", "Run All Cells")


def restart_kernel(page, name):
    menu(page, "Kernel", "Restart Kernel…")
    page.click(".jp-Dialog button.jp-mod-accept")
    page.wait_for_selector(".jp-Dialog", state="detached", timeout=TIMEOUT)
    page.wait_for_function(KERNEL_READY % name, timeout=TIMEOUT)


def status_text(page):
    return page.inner_text(".rk-coding .rk-status")


def test_code_two_spans_by_clicking_and_survive_a_restart(lab, page, shots):
    open_notebook(page, lab, "workbench_coding.ipynb")
    run_all(page)
    page.wait_for_selector(".rk-coding .rk-turn", timeout=TIMEOUT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = read_corpus(lab.corpus)
    doc_id = page.eval_on_selector(".rk-coding .rk-doc-select", "el => el.value")
    text = corpus.text(doc_id)
    turns = corpus.turns[corpus.turns["doc_id"] == doc_id].set_index("turn")

    # span 1: double-click the first word of turn 0, tick a code
    first = page.locator('.rk-coding .rk-turn[data-turn="0"] .rk-text span').first
    first.dblclick(position={"x": 6, "y": 6})
    page.wait_for_selector(".rk-coding .rk-selection .rk-quote", timeout=30_000)
    word = page.inner_text(".rk-coding .rk-selection .rk-quote").strip("«» ")
    page.click('.rk-coding .rk-code-box[data-code="care.fatigue"]')
    page.wait_for_function("document.querySelector('.rk-coding .rk-status').innerText.includes(' 1 ')",
                           timeout=30_000)

    # span 2: the whole of turn 1 by its ¶ button, tick another code
    page.click('.rk-coding .rk-turn[data-turn="1"] .rk-turn-select')
    page.wait_for_function(
        f"(document.querySelector('.rk-coding .rk-selection .rk-quote') || {{}}).innerText === "
        f"'« {turns.loc[1, 'text']} »'", timeout=30_000)
    page.click('.rk-coding .rk-code-box[data-code="voice.unheard"]')
    page.wait_for_function("document.querySelector('.rk-coding .rk-status').innerText.includes(' 2 ')",
                           timeout=30_000)

    # keys stay in the panel: "u" undoes, "4" ticks the fourth code shown (voice.unheard) again;
    # JupyterLab's own "4" would have turned the cell into a heading
    page.click(".rk-coding .rk-keys")
    page.keyboard.press("u")
    page.wait_for_function("document.querySelector('.rk-coding .rk-status').innerText.includes(' 1 ')",
                           timeout=30_000)
    page.keyboard.press("4")
    page.wait_for_function("document.querySelector('.rk-coding .rk-status').innerText.includes(' 2 ')",
                           timeout=30_000)
    assert page.locator(".jp-MarkdownCell").count() == 3  # no code cell became a heading
    page.locator(".rk-coding").screenshot(path=str(shots / "e2e-coding-panel.png"))

    path = lab.corpus / "codings" / "e2e.csv"
    codings = read_codings(path, corpus=corpus).sort_values("start_char").reset_index(drop=True)
    assert codings["code"].tolist() == ["care.fatigue", "voice.unheard"]
    assert set(codings["coder"]) == {"e2e"} and codings["coded_at"].notna().all()
    assert text[codings.loc[0, "start_char"]:codings.loc[0, "end_char"]] == word
    assert (codings.loc[1, "start_char"], codings.loc[1, "end_char"]) == (turns.loc[1, "start_char"],
                                                                          turns.loc[1, "end_char"])

    # a kernel restart loses nothing: the file is as it was, and a new panel shows both segments
    restart_kernel(page, "workbench_coding.ipynb")
    pd.testing.assert_frame_equal(read_codings(path, corpus=corpus).sort_values("start_char").reset_index(drop=True),
                                  codings)
    run_all(page)
    page.wait_for_function("(document.querySelector('.rk-coding .rk-status') || {}).innerText?.includes(' 2 ')",
                           timeout=TIMEOUT)
    assert page.locator(".rk-coding .rk-mine").count() >= 2
    page.screenshot(path=str(shots / "e2e-coding-notebook.png"), full_page=False)


def test_search_the_explorer_and_click_a_hit(lab, page, shots):
    open_notebook(page, lab, "workbench_explorer.ipynb")
    run_all(page)
    page.wait_for_selector(".rk-explorer .rk-count", timeout=TIMEOUT)

    page.fill(".rk-explorer .rk-query", "on")
    page.press(".rk-explorer .rk-query", "Enter")
    page.wait_for_function("document.querySelector('.rk-explorer .rk-count').innerText.startsWith('10 ')",
                           timeout=30_000)
    # "on" as a word in tests/data/corpus_small, counted in its texts: atelier-2 1 (on commence), atelier-3 2
    # (qu'on aura, on mange), equipe-nord 3 (on commence, on parle, on devrait), retraite 3 (On commence,
    # qu'on devrait, On reprend), vieux-fichier 1 (on arrête)
    assert "5 " in page.inner_text(".rk-explorer .rk-bar:has(.rk-count)")
    rows = page.locator(".rk-explorer .rk-kwic tbody tr")
    assert rows.count() == 10
    assert all(m.strip().lower() == "on" for m in page.locator(".rk-explorer .rk-kwic td.rk-match").all_inner_texts())

    rows.nth(1).click()
    page.wait_for_selector(".rk-explorer .rk-context .rk-hit", timeout=30_000)
    assert page.inner_text(".rk-explorer .rk-context .rk-hit").lower() == "on"
    assert page.locator(".rk-explorer .rk-kwic tr.rk-current").count() == 1

    # a filter narrows the hits
    page.select_option(".rk-explorer .rk-f-doc", "atelier-3")
    page.wait_for_function("document.querySelector('.rk-explorer .rk-count').innerText.startsWith('2 ')",
                           timeout=30_000)
    page.locator(".rk-explorer").screenshot(path=str(shots / "e2e-explorer.png"))


