import pandas as pd
import pytest

from research_kit.errors import SchemaError
from research_kit.schemas import SCHEMAS, TURNS, empty_frame, markdown, validate_frame
from tests.helpers import ROOT


def test_docs_frames_md_is_generated_from_the_schemas():
    # regenerate with: python -c "from research_kit.schemas import markdown; print(markdown())" > docs/frames.md
    assert (ROOT / "docs/frames.md").read_text() == markdown()


def test_empty_frames_have_declared_dtypes():
    for schema in SCHEMAS.values():
        frame = empty_frame(schema)
        assert list(frame.columns) == schema.names
        assert {c: str(t) for c, t in frame.dtypes.items()} == schema.dtypes


def test_validate_frame_names_missing_columns():
    with pytest.raises(SchemaError, match="RK-S01") as err:
        validate_frame(pd.DataFrame({"doc_id": []}), TURNS, argument="turns")
    assert "speaker" in str(err.value) and "turns" in str(err.value)
    with pytest.raises(SchemaError, match="RK-S02"):
        validate_frame([1, 2], TURNS)
