"""The coder's file: names, merges of operations, changes by another program, a lock held by another process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from research_kit import schemas
from research_kit.errors import CodingError
from research_kit.workbench import store
from research_kit.workbench.store import Changes, CoderFile, check_coder, read_unsaved, write_unsaved


def rows(*specs, coder="ana"):
    """Codings rows from (doc_id, start, end, code[, memo])."""
    frame = pd.DataFrame([{"doc_id": s[0], "start_char": s[1], "end_char": s[2], "code": s[3], "coder": coder,
                           "memo": s[4] if len(s) > 4 else pd.NA, "coded_at": pd.Timestamp("2025-03-01T10:00Z")}
                          for s in specs])
    return frame.astype({"doc_id": "string", "code": "string", "coder": "string", "memo": "string",
                         "start_char": "int64", "end_char": "int64", "coded_at": "datetime64[ns, UTC]"})


@pytest.mark.parametrize("name", ["ana", "Marie-Ève", "j.b_2", "Zoé"])
def test_usable_coder_names(name):
    assert check_coder(name) == name


@pytest.mark.parametrize("name", ["", "  ", "../ana", "a/b", ".cachée", "-x", "rules", "Adjudicated", "a" * 65, None])
def test_names_that_cannot_name_a_file_or_are_reserved(name):
    with pytest.raises(CodingError, match="RK-G30"):
        check_coder(name)


def test_operations_apply_in_order_and_merge_with_another_version():
    changes = Changes()
    changes.extend("add", rows(("d", 0, 5, "x"), ("d", 6, 9, "y")))
    changes.extend("remove", rows(("d", 0, 5, "x")))
    changes.extend("memo", rows(("d", 6, 9, "y", "une note")))
    changes.extend("add", rows(("d", 0, 5, "x")))  # added again after its removal
    # the file as another program left it meanwhile: one row of its own
    theirs = rows(("e", 1, 2, "z"))
    out = changes.apply(theirs).sort_values(["doc_id", "start_char"]).reset_index(drop=True)
    assert list(out.columns) == schemas.CODINGS.names
    assert list(zip(out["doc_id"], out["start_char"], out["code"])) == [("d", 0, "x"), ("d", 6, "y"), ("e", 1, "z")]
    assert out.loc[1, "memo"] == "une note" and pd.isna(out.loc[0, "memo"])
    assert len(theirs) == 1  # not modified


def test_an_add_of_a_row_already_there_adds_nothing():
    base = rows(("d", 0, 5, "x"))
    changes = Changes()
    changes.extend("add", rows(("d", 0, 5, "x")))
    assert len(changes.apply(base)) == 1


def test_the_file_notices_another_programs_write(tmp_path):
    path = tmp_path / "ana.csv"
    f = CoderFile(path, "ana")
    assert f.read().empty and not f.changed()
    with f.locked():
        f.write(rows(("d", 0, 5, "x")))
    assert not f.changed()
    path.write_text(path.read_text(encoding="utf-8") + "d,6,9,y,ana,,\n", encoding="utf-8")  # a spreadsheet saves
    assert f.changed()
    assert f.read()["code"].tolist() == ["x", "y"] and not f.changed()


def test_a_lock_held_by_another_process_gives_up_with_a_code(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    f = CoderFile(tmp_path / "ana.csv", "ana")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from filelock import FileLock
        with FileLock({str(f.lock_path)!r}):
            print("held", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CodingError, match="RK-G31") as err:
            with f.locked():
                pass
        assert "another process" in str(err.value)
    finally:
        holder.stdin.close()
        holder.wait(10)
    with f.locked():  # released: it works again
        f.write(rows(("d", 0, 5, "x")))
    assert f.read()["code"].tolist() == ["x"]


def test_unsaved_changes_round_trip_and_vanish_when_empty(tmp_path):
    changes = Changes()
    changes.extend("add", rows(("d", 0, 5, "=cmd", "memo")))  # a formula-looking code reads back as it was
    changes.extend("remove", rows(("d", 6, 9, "y")))
    path = write_unsaved(changes, tmp_path, "ana")
    assert path == tmp_path / "review" / "ana-unsaved.csv" and path.exists()
    back = read_unsaved(tmp_path, "ana")
    assert back.rows["op"].tolist() == ["add", "remove"] and back.rows["code"].tolist() == ["=cmd", "y"]
    write_unsaved(Changes(), tmp_path, "ana")
    assert not path.exists()
