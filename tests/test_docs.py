"""The documentation stays true: every error code is listed, the README's commands exist."""

import re

from tests.conftest import ROOT


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
    assert (ROOT / ".ci/run").read_text().strip().endswith("make test")


def test_readme_image_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert (ROOT / target).exists(), target


def test_notebooks_are_committed_without_outputs():
    import json

    for path in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"), path
