"""What importing the package and asking the command for help cost: no analysis stack."""

import subprocess
import sys


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_package_loads_no_analysis_library():
    loaded = _loaded_after("import research_kit")
    assert not {"pandas", "numpy", "spacy", "scipy", "matplotlib", "papermill"} & loaded


def test_help_loads_no_analysis_library():
    loaded = _loaded_after("from click.testing import CliRunner\nfrom research_kit.cli import main\n"
                           "assert CliRunner().invoke(main, ['--help']).exit_code == 0")
    assert not {"pandas", "numpy", "spacy", "scipy", "matplotlib", "papermill"} & loaded


def test_a_verb_stays_a_verb_when_its_module_is_imported():
    import research_kit
    import research_kit.summary  # noqa: F401  (sets the package's attribute to the submodule, then back)

    assert callable(research_kit.summary) and research_kit.summary.__module__ == "research_kit.summary"
    from research_kit import kwic, participation

    assert kwic.__name__ == "kwic" and participation.__name__ == "participation"


def test_every_exported_name_resolves():
    import research_kit

    for name in research_kit.__all__:
        assert getattr(research_kit, name) is not None, name


def test_stop_words_are_spacys_lists_read_without_importing_spacy():
    loaded = _loaded_after("from research_kit.stopwords import stop_words\nstop_words('fr'); stop_words('en')")
    assert "spacy" not in loaded
    import importlib

    from research_kit.stopwords import FILLERS, normalise_word, stop_words

    for lang in ("fr", "en"):
        spacy_list = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
        assert stop_words(lang) == frozenset(normalise_word(w) for w in spacy_list) | FILLERS[lang]
    assert stop_words("xx") == frozenset() and stop_words("../fr") == frozenset()


def test_the_measures_import_scipy_only_when_a_measure_needs_it():
    # scipy.stats takes about a second to import: a brief's participation section (Gini, evenness)
    # never needs it, keyness's p-values need only scipy.special, Lafon's specificity needs it.
    loaded = _loaded_after("import research_kit.participation, research_kit.measures")
    assert not {"scipy", "scipy.stats", "scipy.sparse"} & loaded
    loaded = _loaded_after("from research_kit.measures import p_value\nassert abs(float(p_value(3.841458820694124)) - "
                           "0.05) < 1e-9")
    assert "scipy.special" in loaded and "scipy.stats" not in loaded


def test_the_brief_commands_skip_jsonschemas_iri_grammar_and_notebooks_still_validate():
    # papermill -> nbformat -> jsonschema, which compiles rfc3987_syntax's Lark grammar at import
    # (a second) for an "iri" format that no notebook schema uses.
    out = subprocess.run([sys.executable, "-c",
                          "import sys\nfrom research_kit.cli import _without_iri_grammar\n_without_iri_grammar()\n"
                          "import papermill, nbformat\n"
                          "nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]))\n"
                          "print(sys.modules['rfc3987_syntax'] is None, 'lark' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
