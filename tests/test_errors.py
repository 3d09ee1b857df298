"""Errors and warnings carry their codes; parameter checks say what was expected and got."""

import warnings

import pytest

from research_kit.errors import (CodebookError, ParameterError, ResearchKitError, ResearchKitWarning,
                                 UnknownNameError, check_int, warn)


def test_a_warning_carries_its_code_and_can_be_filtered_by_it():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ResearchKitWarning, message=r"\[RK-A02\]")
        warn("RK-A02", "fallback pipeline")
        warn("RK-A05", "cache unreadable")
    assert [w.message.code for w in caught] == ["RK-A05"]
    assert str(caught[0].message) == "[RK-A05] cache unreadable"
    with pytest.raises(ValueError):
        warn("A05", "not a code")


def test_unknown_name_is_a_key_error_with_the_whole_message():
    with pytest.raises(KeyError) as err:
        raise UnknownNameError("RK-C10", "no document 'x'.")
    assert str(err.value) == "[RK-C10] no document 'x'."  # not the repr KeyError would show


@pytest.mark.parametrize("value", [True, 1.5, "3", 0, 11])
def test_check_int_refuses(value):
    with pytest.raises(ParameterError, match="RK-P23") as err:
        check_int(value, "k", function="reinert", minimum=1, maximum=10)
    assert f"got {value!r} instead" in str(err.value) and ">= 1 and <= 10" in str(err.value)


def test_check_int_accepts_whole_numbers():
    import numpy as np

    assert check_int(np.int64(4), "k", function="f", minimum=1) == 4


def test_every_problem_at_once():
    problems = [ResearchKitError("RK-K03", "bad", path="cb.yml", line=4),
                ResearchKitError("RK-K05", "worse", path="cb.yml", line=9)]
    err = CodebookError(problems, path="cb.yml")
    assert err.code == "RK-K00" and "2 problems" in str(err)
    assert [r["line"] for r in err.records()] == [4, 9]


def test_errors_pickle_as_themselves():
    # an error raised on a Dask worker or in a child process must reach the caller whole
    import pickle

    from research_kit.errors import BriefError, ResearchKitError
    from research_kit.manifest import Manifest, ManifestProblems

    error = pickle.loads(pickle.dumps(ResearchKitError("RK-A03", "too long", path="a.txt", line=3, hint="Split it.")))
    assert (type(error), error.code, error.path, error.line, str(error)) == (
        ResearchKitError, "RK-A03", "a.txt", 3, "[RK-A03] a.txt, line 3: too long Split it.")
    brief = pickle.loads(pickle.dumps(BriefError("RK-B01", "failed", cell=4)))
    assert isinstance(brief, BriefError) and brief.cell == 4
    try:
        Manifest.from_dict({"nonsense": 1})
    except ManifestProblems as problems:
        again = pickle.loads(pickle.dumps(problems))
        assert isinstance(again, ManifestProblems) and [p.code for p in again.problems] == ["RK-C04"]
    else:
        raise AssertionError("an unknown field must be a problem")
