"""The documentation stays true: every error code is listed, the README's commands exist."""

import re

from tests.helpers import ROOT


def test_every_error_code_in_the_package_is_documented():
    used = set()
    for path in (ROOT / "research_kit").rglob("*.py"):
        used |= set(re.findall(r"RK-[A-Z]\d{2}", path.read_text(encoding="utf-8")))
    documented = set(re.findall(r"^\| (RK-[A-Z]\d{2}) \|", (ROOT / "docs/errors.md").read_text(), re.M))
    assert used - documented == set(), "add these codes to docs/errors.md"
    assert documented - used == set(), "these documented codes are no longer used"


def test_readme_shows_the_two_commands_and_makefile_has_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    # CI runs the whole suite first, then what it adds (the browser test of tests/e2e)
    ci = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert "make test" in ci
    e2e = [i for i, line in enumerate(ci) if "tests/e2e" in line]
    assert e2e and ci.index("make test") < e2e[0]


def test_readme_image_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (ROOT / target).exists(), target


def test_notebooks_are_committed_without_outputs():
    import json

    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"), path


def test_notebooks_default_corpus_exists_or_the_first_cell_says_what_to_run():
    # A fresh clone has corpora/demo but not reports/demo/corpus (make demo writes it).
    import ast
    import json
    import subprocess

    tracked = set(subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split())
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        params = next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
        defaults = {}
        for node in ast.parse("".join(params["source"])).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant):
                defaults[node.target.id] = node.value.value
        folder = defaults.get("corpus") or defaults.get("corpus_path")
        assert folder, f"{path.name}: no corpus parameter"
        rel = (path.parent / folder).resolve().relative_to(ROOT).as_posix()
        in_clone = any(f == rel or f.startswith(rel + "/") for f in tracked)
        if not in_clone:
            first = "".join(cells[0]["source"]) if cells[0]["cell_type"] == "markdown" else ""
            assert "make demo" in first, f"{path.name}: its default corpus {folder} is not in a fresh clone; " \
                                         "its first cell must say to run `make demo` first"
