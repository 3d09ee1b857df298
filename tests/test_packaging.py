"""The set-up files stay in step: pyproject.toml (pip) and environment.yml (conda)."""

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
