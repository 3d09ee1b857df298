"""The one-pass paths of #19 give what a plain per-document computation gives.

Document texts, ``floor``, agreement's presence tables, ``kwic`` and ``autocode`` each
visit the corpus once instead of once per document. Each test here recomputes the
result the straightforward way (slicing the turns or tokens of one document at a
time, comparing every unit with every segment) on small shipped or hand-built data.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.agreement import presence
from research_kit.autocode import autocode
from research_kit.codebook import CodeEntry, Codebook, Rules
from research_kit.corpus import build_corpus
from research_kit.errors import UnknownNameError
from research_kit.kwic import kwic
from research_kit.measures import evenness, gini
from research_kit.participation import floor, is_facilitator
from research_kit.schemas import TURN_SEPARATOR, UNKNOWN_SPEAKER
from research_kit.segments import units
from tests.helpers import DATA, make_corpus, make_tokens, p, w


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small", errors="collect")


@pytest.fixture(scope="module")
def edges():
    """Documents given out of order, one without turns, one of facilitators only, one timed."""
    docs = pd.DataFrame({"doc_id": ["seul", "b", "vide", "a", "anim"]})
    turns = pd.DataFrame({
        "doc_id": ["a", "b", "a", "b", "a", "seul", "anim", "anim", "b", "a"],
        "speaker": ["Ana", "Léo", "Bob", "?", "Ana", "Zoé", "Sophie", "Marc", "Léo", "?"],
        "role": ["animatrice", None, "habitant", None, "animatrice", None, "animatrice", "co-animateur",
                 None, None],
        "text": ["Bonjour à tous.", "Oui.", "Je pense que non, vraiment pas.", "Hm.", "On continue ?",
                 "Je parle seule ici.", "On commence.", "Allez-y.", "Bien sûr, merci.", "Et alors ?"],
        "start_s": [0.0, np.nan, 3.0, np.nan, 9.0, np.nan, np.nan, np.nan, np.nan, 12.0],
        "end_s": [2.5, np.nan, 8.0, np.nan, 11.0, np.nan, np.nan, np.nan, np.nan, np.nan],
    })
    return build_corpus(docs, turns)


# ---------------------------------------------------------------------------
# document texts


def test_texts_are_the_turns_joined_in_turn_order(small, edges):
    for corpus in (small, edges):
        for doc_id in corpus.doc_ids:
            mine = corpus.turns[corpus.turns["doc_id"] == doc_id].sort_values("turn")
            text = corpus.text(doc_id)
            assert text == TURN_SEPARATOR.join(mine["text"].astype(str))
            for row in mine.itertuples():
                assert text[row.start_char:row.end_char] == row.text
    assert edges.text("vide") == ""
    assert edges.text("a") == TURN_SEPARATOR.join(["Bonjour à tous.", "Je pense que non, vraiment pas.",
                                                   "On continue ?", "Et alors ?"])


def test_texts_of_a_subset_and_of_an_unknown_document(edges):
    part = edges.subset(["b", "vide"])
    assert part.text("b") == edges.text("b") and part.text("vide") == ""
    with pytest.raises(UnknownNameError, match="RK-C10"):
        part.text("a")
    with pytest.raises(UnknownNameError, match="RK-C10"):
        edges.text("absent")
    # a copy of the corpus object builds its own texts, the same
    fresh = dataclasses.replace(edges)
    assert [fresh.text(d) for d in fresh.doc_ids] == [edges.text(d) for d in edges.doc_ids]


# ---------------------------------------------------------------------------
# floor


def _reference_floor(corpus, by):
    """Each document's figures from its own turns, with dictionaries and the measures."""
    out = {}
    for doc_id in corpus.doc_ids:
        t = corpus.turns[corpus.turns["doc_id"] == doc_id]
        fac = is_facilitator(t["role"], corpus.manifest.facilitator_roles).tolist()
        keys = ["\0NA" if pd.isna(v) else str(v) for v in t[by]]
        words, turns, time, rest = {}, {}, {}, {}
        durations = [e - s if not (math.isnan(s) or math.isnan(e)) and e >= s else math.nan
                     for s, e in zip(t["start_s"], t["end_s"])]
        timed = any(not math.isnan(d) for d in durations)
        for key, n, d, f in zip(keys, t["n_words"], durations, fac):
            words[key] = words.get(key, 0) + int(n)
            turns[key] = turns.get(key, 0) + 1
            time[key] = time.get(key, 0.0) + (0.0 if math.isnan(d) else d)
            if not f:
                rest[key] = rest.get(key, 0) + int(n)
        total = sum(words.values())
        has_roles = bool(t["role"].notna().any())
        named = {s for s in t["speaker"] if s != UNKNOWN_SPEAKER}
        w_ = np.array(list(words.values()), dtype=float)
        row = {
            "n_speakers": t["speaker"].nunique(), "n_turns": len(t), "n_words": total,
            "gini_words": gini(w_), "gini_turns": gini(np.array(list(turns.values()), dtype=float)),
            "gini_time": gini(np.array(list(time.values()))) if timed else np.nan,
            "timed_share_turns": sum(not math.isnan(d) for d in durations) / len(t) if len(t) else np.nan,
            "evenness_words": evenness(w_),
            "top_share_words": max(words.values()) / total if total else np.nan,
            "facilitator_share_words": (sum(n for n, f in zip(t["n_words"], fac) if f) / total
                                        if has_roles and total else np.nan),
            "facilitator_share_turns": sum(fac) / len(t) if has_roles else np.nan,
            "participants_gini_words": gini(np.array(list(rest.values()), dtype=float)) if has_roles else np.nan,
            "unnamed_share_words": (sum(n for n, s in zip(t["n_words"], t["speaker"]) if s == UNKNOWN_SPEAKER)
                                    / total if total else np.nan),
        }
        if by == "role":
            row["n_roles"] = len(words)
        if by == "speaker" and len(named) < 2:
            for name in ("gini_words", "gini_turns", "gini_time", "evenness_words", "top_share_words",
                         "participants_gini_words"):
                row[name] = np.nan
        out[doc_id] = row
    return out


@pytest.mark.parametrize("by", ["speaker", "role"])
def test_floor_per_document_equals_a_plain_computation(small, edges, by):
    for corpus in (small, edges):
        result = floor(corpus, by=by).set_index("doc_id")
        expected = _reference_floor(corpus, by)
        assert list(result.index) == corpus.doc_ids
        for doc_id, row in expected.items():
            for column, value in row.items():
                got = result.loc[doc_id, column]
                if isinstance(value, float) and math.isnan(value):
                    assert math.isnan(got), (doc_id, column, got)
                else:
                    assert got == pytest.approx(value, rel=1e-12), (doc_id, column)


@pytest.mark.parametrize("by", ["speaker", "role"])
def test_floor_of_a_document_does_not_depend_on_the_others(small, edges, by):
    for corpus in (small, edges):
        whole = floor(corpus, by=by, over="corpus")
        for i, doc_id in enumerate(corpus.doc_ids):
            alone = floor(corpus.subset([doc_id]), by=by)
            pd.testing.assert_frame_equal(whole.iloc[[i]].reset_index(drop=True), alone, check_exact=True)
        corpus_row = whole.iloc[-1]
        assert pd.isna(corpus_row["doc_id"]) and corpus_row["n_turns"] == len(corpus.turns)


# ---------------------------------------------------------------------------
# agreement


def _codings(corpus, seed=7):
    rng = np.random.default_rng(seed)
    rows = []
    for doc_id in corpus.doc_ids:
        length = len(corpus.text(doc_id))
        for coder in ("ana", "ben"):
            if doc_id == "retraite" and coder == "ben":
                continue  # ben did not code this document: his values there are missing
            for _ in range(6):
                start = int(rng.integers(0, max(length, 1)))
                end = min(length, start + int(rng.integers(0, 300)))  # zero-length and cross-turn segments too
                rows.append((doc_id, start, end, str(rng.choice(["besoins", "freins", "idées"])), coder))
        # on the edges of a turn: ending where it starts, starting where it ends, empty at its start
        turn = corpus.turns[corpus.turns["doc_id"] == doc_id].iloc[-1]
        s, e = int(turn["start_char"]), int(turn["end_char"])
        rows += [(doc_id, max(s - 3, 0), s, "idées", "ana"), (doc_id, e, e + 2, "idées", "ana"),
                 (doc_id, s, s, "freins", "ana")]
    rows.append(("pas-dans-le-corpus", 0, 10, "besoins", "ana"))
    frame = pd.DataFrame(rows, columns=["doc_id", "start_char", "end_char", "code", "coder"])
    frame["memo"] = pd.NA
    frame["coded_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return frame.astype({"doc_id": "string", "code": "string", "coder": "string", "memo": "string"})


@pytest.mark.parametrize("unit", ["turn", "window", "character"])
def test_presence_tables_equal_every_unit_against_every_segment(small, unit):
    codings = _codings(small)
    frame, tables, coders = presence(codings, small, unit=unit, size=5)
    docs = sorted(d for d in codings["doc_id"].unique() if d in small.doc_ids)
    expected_units = units(small.subset(docs), unit=unit, size=5).reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected_units)
    assert coders == ["ana", "ben"]
    for code in sorted(codings["code"].unique()):
        table = np.zeros((2, len(frame)))
        for i, coder in enumerate(coders):
            coded = set(codings.loc[codings["coder"] == coder, "doc_id"])
            table[i, ~frame["doc_id"].isin(coded).to_numpy()] = np.nan
            mine = codings[(codings["coder"] == coder) & (codings["code"] == code)]
            for seg in mine.itertuples():
                hit = ((frame["doc_id"] == seg.doc_id) & (frame["start_char"] < seg.end_char)
                       & (frame["end_char"] > seg.start_char)).to_numpy()
                table[i, hit] = 1.0
        np.testing.assert_array_equal(tables[code], table)


# ---------------------------------------------------------------------------
# kwic

ROWS = [
    # d2 first in the tokens, d1 after: the document order of the result is by doc_id
    w("d2", 0, 0, "Il"), w("d2", 0, 0, "faut", "falloir"), w("d2", 0, 0, "voir"), p("d2", 0, 0, "."),
    w("d2", 1, 1, "Oui"), p("d2", 1, 1, ","), w("d2", 1, 1, "il"), w("d2", 1, 1, "faut", "falloir"),
    p("d2", 1, 1, "."),
    w("d1", 0, 0, "Bon"), p("d1", 0, 0, ","), w("d1", 0, 0, "il"), w("d1", 0, 0, "faut", "falloir"),
    w("d1", 0, 0, "qu'", "que"), w("d1", 0, 0, "on"), w("d1", 0, 0, "avance", "avancer"), p("d1", 0, 0, "."),
    w("d1", 1, 1, "Il"), w("d1", 1, 1, "faudrait", "falloir"), w("d1", 1, 1, "avancer"),
    w("d1", 1, 1, "il"), w("d1", 1, 1, "faut", "falloir"),
    w("d3", 0, 0, "Rien"), w("d3", 0, 0, "ici"),
]
SPEAKERS = {("d2", 0): ("Ana", "animatrice"), ("d2", 1): ("Léo", None), ("d1", 0): ("Bob", "habitant"),
            ("d1", 1): ("Ana", "animatrice"), ("d3", 0): ("Zoé", None)}


@pytest.mark.parametrize(("query", "window", "of"), [("il faut", 2, "text"), ("falloir", 1, "lemma"),
                                                     ("faut", 0, "text")])
def test_kwic_lines_equal_a_scan_of_each_document(query, window, of):
    tokens, corpus = make_tokens(ROWS), make_corpus(ROWS, SPEAKERS)
    out = kwic(tokens, query, corpus=corpus, window=window, of=of)
    words = query.lower().split()
    expected = []
    for doc_id in sorted(set(tokens["doc_id"])):
        text = corpus.text(doc_id)
        for turn, rows in tokens[tokens["doc_id"] == doc_id].groupby("turn"):
            rows = rows.sort_values("token")
            forms = (rows["lemma"] if of == "lemma" else rows["text"]).str.lower().tolist()
            starts, ends = rows["start_char"].tolist(), rows["end_char"].tolist()
            for i in range(len(forms) - len(words) + 1):
                if forms[i:i + len(words)] != words:
                    continue
                j = i + len(words) - 1
                lo, hi = max(0, i - window), min(len(forms) - 1, j + window)
                speaker, role = SPEAKERS[(doc_id, turn)]
                expected.append((doc_id, turn, speaker, role, text[starts[lo]:starts[i]].strip() if lo < i else "",
                                 text[starts[i]:ends[j]], text[ends[j]:ends[hi]].strip() if hi > j else "",
                                 starts[i], ends[j]))
    got = [(r.doc_id, r.turn, r.speaker, None if pd.isna(r.role) else r.role, r.left, r.match, r.right,
            r.start_char, r.end_char) for r in out.itertuples()]
    assert got == sorted(expected, key=lambda e: (e[0], e[7]))
    assert len(got) > 0


# ---------------------------------------------------------------------------
# autocode


def _rule_tokens():
    tokens = make_tokens(ROWS)
    tokens = tokens.astype({"language": "string", "ent_type": "string"})  # values the categories lack
    tokens.loc[tokens["doc_id"] == "d3", "language"] = "en"
    tokens.loc[tokens["text"].isin(["avancer", "voir"]), "ent_type"] = "LOC"
    return tokens


def _codebook(with_spacy: bool):
    fr = {"lemmas": ("falloir", "avancer"), "regex": (r"\bqu'on\b",)}
    if with_spacy:
        fr |= {"phrases": ("il faut",), "patterns": (({"ENT_TYPE": "LOC"},),)}
    entries = (CodeEntry("besoin", rules={"fr": Rules(**fr), "en": Rules(lemmas=("ici",))}),
               CodeEntry("lieu", rules={"fr": Rules(lemmas=("voir",))}))
    return Codebook(entries, languages=("fr", "en"))


def test_autocode_lemma_hits_equal_a_scan_of_the_tokens():
    tokens, corpus = _rule_tokens(), make_corpus(ROWS, SPEAKERS)
    out = autocode(tokens, _codebook(with_spacy=False), corpus=corpus, cache=False)
    lemmas = {"fr": {"besoin": {"falloir", "avancer"}, "lieu": {"voir"}}, "en": {"besoin": {"ici"}}}
    expected = set()
    for t in tokens.itertuples():
        for code, wanted in lemmas[t.language].items():
            if t.lemma.lower() in wanted or t.text.lower() in wanted:
                expected.add((t.doc_id, t.start_char, t.end_char, code))
    for doc_id in corpus.doc_ids:  # the regular expression, on the document text
        text = corpus.text(doc_id)
        at = text.find("qu'on")
        if at >= 0:
            expected.add((doc_id, at, at + len("qu'on"), "besoin"))
    got = {(r.doc_id, r.start_char, r.end_char, r.code) for r in out.itertuples()}
    assert got == expected and len(got) == len(out)
    assert list(out["doc_id"].drop_duplicates()) == ["d2", "d1", "d3"]  # document order of the tokens


def test_autocode_entity_patterns_hit_each_entity_token():
    tokens, corpus = _rule_tokens(), make_corpus(ROWS, SPEAKERS)
    out = autocode(tokens, _codebook(with_spacy=True), corpus=corpus, cache=False)
    entity = out[out["memo"].str.contains("ENT_TYPE", regex=False)]
    expected = {(t.doc_id, t.start_char, t.end_char) for t in tokens.itertuples() if t.ent_type == "LOC"}
    assert {(r.doc_id, r.start_char, r.end_char) for r in entity.itertuples()} == expected
    # "voir" is also a lemma of another code; "avancer" merges with the lemma hit of its own code
    assert {(r.doc_id, r.start_char, r.end_char) for r in out.itertuples()} >= expected


def test_autocode_with_some_documents_cached_equals_matching_all(tmp_path):
    tokens, corpus = _rule_tokens(), make_corpus(ROWS, SPEAKERS)
    codebook = _codebook(with_spacy=True)
    fresh = autocode(tokens, codebook, corpus=corpus, cache=False)
    cached = dataclasses.replace(corpus, cache_dir=tmp_path)
    autocode(tokens[tokens["doc_id"] == "d1"], codebook, corpus=cached)  # d1 cached, d2 and d3 not
    pd.testing.assert_frame_equal(autocode(tokens, codebook, corpus=cached), fresh, check_exact=True)
    pd.testing.assert_frame_equal(autocode(tokens, codebook, corpus=cached), fresh, check_exact=True)
    for unit in ("sentence", "turn"):
        pd.testing.assert_frame_equal(autocode(tokens, codebook, corpus=cached, unit=unit),
                                      autocode(tokens, codebook, corpus=None, cache=False, unit=unit),
                                      check_exact=True)
