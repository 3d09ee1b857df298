"""Guard rails: the package's layers, its private names, and the tests' own imports.

The imports of every module are read with ``ast`` (module-level and function-level ones,
relative imports resolved to full names), so nothing is imported to check them. Each rule
is one test, and its failure lists every offending statement as ``file:line: statement``.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = "research_kit"

# The layers, lowest first. A module may import modules of its own layer and of lower ones.
# A module belongs to the layer of its longest matching prefix (a prefix covers the module
# of that name and, for a package, all its submodules); a module no prefix matches belongs
# to DEFAULT_LAYER.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("research_kit.errors", "research_kit.schemas", "research_kit._io", "research_kit._yaml",
              "research_kit.i18n", "research_kit.palette", "research_kit._csv", "research_kit._zip")),
    ("domain", ()),
    ("project", ("research_kit.project", "research_kit.anonymise.folder", "research_kit.qda.folder",
                 "research_kit.summary")),
    ("briefs", ("research_kit.briefs", "research_kit.sections", "research_kit.show", "research_kit.blocks",
                "research_kit.render")),
    ("cli", ("research_kit.cli", "research_kit.__main__")),
]
DEFAULT_LAYER = "domain"
BASE_LAYER = "base"

# research_kit/__init__.py re-exports every layer's verbs, so no rule applies to it, and a
# module may take nothing from it but these names.
EXEMPT = {PACKAGE}
FROM_PACKAGE_ROOT = {"__version__"}

# The modules a test file may import from the tests folder.
TEST_HELPERS = {"tests.helpers", "tests.readers.helpers"}


# ---------------------------------------------------------------------------
# the checker


@dataclass(frozen=True)
class Use:
    """One thing a module takes from a research_kit module: an import, or an attribute read."""

    path: str  # the file, relative to the repository
    line: int
    statement: str  # the source, on one line
    target: str  # the full name of the module it comes from
    name: str | None = None  # the name taken from ``target``; None for the module itself

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.statement}"


@dataclass
class Scan:
    """What one module imports, and which private attributes of imported modules it reads."""

    module: str
    path: str
    imports: list[Use] = field(default_factory=list)
    attributes: list[Use] = field(default_factory=list)


def module_files(folder: Path, package: str) -> list[tuple[str, Path]]:
    """Every module file under ``folder`` (the folder of ``package``), with its full name.

    A name can come twice while a module becomes a package (``qda.py`` and ``qda/__init__.py``):
    both files are listed, and both are checked.
    """
    files = []
    for path in sorted(folder.rglob("*.py")):
        parts = [package, *path.relative_to(folder).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        files.append((".".join(parts), path))
    return files


def _one_line(source: str, node: ast.AST) -> str:
    return " ".join((ast.get_source_segment(source, node) or ast.unparse(node)).split())


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def scan(module: str, source: str, *, path: str, modules: set[str] | frozenset[str],
         is_package: bool = False, prefix: str = PACKAGE) -> Scan:
    """The imports of ``module`` that point into ``prefix``, and its reads of their private names.

    ``modules`` holds the full names of the modules that exist, to tell ``from . import x``
    (the module ``x``) from ``from . import name`` (a name of the package).
    """
    tree = ast.parse(source, filename=path)
    here = module if is_package else module.rpartition(".")[0]
    result = Scan(module, path)
    bound: dict[str, str] = {}  # local name -> the module it is bound to

    def inside(name: str) -> bool:
        return name == prefix or name.startswith(prefix + ".")

    def use(node: ast.AST, target: str, name: str | None = None) -> None:
        result.imports.append(Use(path, node.lineno, _one_line(source, node), target, name))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if inside(alias.name):
                    use(node, alias.name)
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[alias.name.partition(".")[0]] = alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                source_module = f"{base}.{node.module}" if node.module else base
            else:
                source_module = node.module or ""
            if not inside(source_module):
                continue
            for alias in node.names:
                submodule = f"{source_module}.{alias.name}"
                if submodule in modules:
                    use(node, submodule)
                    bound[alias.asname or alias.name] = submodule
                else:
                    use(node, source_module, alias.name)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and inside(node.args[0].value)
              and _one_line(source, node.func).endswith("import_module")):
            use(node, node.args[0].value)

    def resolve(node: ast.AST) -> str | None:
        """The module an expression such as ``m`` or ``research_kit.corpus`` names, if any."""
        if isinstance(node, ast.Name):
            return bound.get(node.id)
        if isinstance(node, ast.Attribute):
            parent = resolve(node.value)
            if parent is not None and f"{parent}.{node.attr}" in modules:
                return f"{parent}.{node.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = resolve(node.value)
            if owner is not None and f"{owner}.{node.attr}" not in modules:
                result.attributes.append(Use(path, node.lineno, _one_line(source, node), owner, node.attr))
    for found in (result.imports, result.attributes):
        found.sort(key=lambda u: u.line)
    return result


def layer_of(module: str) -> int:
    """The index in LAYERS of the layer ``module`` belongs to."""
    best, best_length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best is None:
        return [name for name, _ in LAYERS].index(DEFAULT_LAYER)
    return best


def _listed(found: list[tuple[Use, str, str]]) -> list[str]:
    """``file:line: statement  [why: what, ...]``, one line per statement and reason."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for use, why, what in found:
        whats = grouped.setdefault((str(use), why), [])
        if what not in whats:
            whats.append(what)
    return [f"{where}  [{why}: {', '.join(whats)}]" for (where, why), whats in grouped.items()]


def upward_imports(scans: list[Scan]) -> list[str]:
    """Imports of a higher layer's module, or of anything but FROM_PACKAGE_ROOT from the root."""
    found = []
    for s in scans:
        if s.module in EXEMPT:
            continue
        mine = layer_of(s.module)
        for u in s.imports:
            if u.target == PACKAGE:
                if u.name not in FROM_PACKAGE_ROOT:
                    found.append((u, "the package root re-exports every layer; import from the defining module",
                                  u.name or PACKAGE))
            elif layer_of(u.target) > mine:
                found.append((u, f"{LAYERS[mine][0]} imports {LAYERS[layer_of(u.target)][0]}", u.target))
    return _listed(found)


def private_names(scans: list[Scan]) -> list[str]:
    """Private names taken from another module, by import or by attribute.

    A private module (``_io``, ``readers._labels``) is private to its package: the modules of
    ``research_kit`` may import ``research_kit._io``, only those of ``research_kit.readers``
    may import ``research_kit.readers._labels``.
    """
    found = []
    for s in scans:
        for u in sorted([*s.imports, *s.attributes], key=lambda u: u.line):
            if u.target == s.module:
                continue
            if u.name is not None and _is_private(u.name):
                found.append((u, f"private to {u.target}", u.name))
                continue
            parts = u.target.split(".")
            for i, part in enumerate(parts):
                owner = ".".join(parts[:i])
                if _is_private(part) and not (s.module == owner or s.module.startswith(owner + ".")):
                    found.append((u, f"private module, internal to {owner}", u.target))
                    break
    return _listed(found)


def base_leaks(scans: list[Scan]) -> list[str]:
    """Imports, by a base module, of any research_kit module outside the base layer."""
    base = [name for name, _ in LAYERS].index(BASE_LAYER)
    return _listed([(u, "base imports", u.target)
                    for s in scans if layer_of(s.module) == base
                    for u in s.imports if u.target == PACKAGE or layer_of(u.target) != base])


def cross_test_imports(scans: list[Scan], test_modules: set[str]) -> list[str]:
    """Imports, by a test file, of another test file or of conftest."""
    return _listed([(u, "a test module other than tests.helpers (use it, or a conftest fixture)", u.target)
                    for s in scans for u in s.imports
                    if u.target in test_modules and u.target not in TEST_HELPERS and u.target != s.module])


@cache
def package_scans() -> tuple[Scan, ...]:
    files = module_files(ROOT / PACKAGE, PACKAGE)
    names = frozenset(name for name, _ in files)
    return tuple(scan(name, path.read_text(encoding="utf-8"), path=str(path.relative_to(ROOT)),
                      modules=names, is_package=path.name == "__init__.py")
                 for name, path in files)


@cache
def scan_tests_folder() -> tuple[tuple[Scan, ...], frozenset[str]]:
    files = [(name, path) for name, path in module_files(ROOT / "tests", "tests")
             if not name.startswith("tests.data.")]
    names = frozenset(name for name, _ in files)
    scans = tuple(scan(name, path.read_text(encoding="utf-8"), path=str(path.relative_to(ROOT)),
                       modules=names, is_package=path.name == "__init__.py", prefix="tests")
                  for name, path in files)
    return scans, names


def _report(rule: str, problems: list[str]) -> str:
    return f"{len(problems)} {rule}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------
# the rules


def test_no_module_imports_a_higher_layer():
    problems = upward_imports(list(package_scans()))
    assert not problems, _report("imports of a higher layer (see LAYERS in tests/test_architecture.py)", problems)


def test_no_module_takes_a_private_name_from_another():
    problems = private_names(list(package_scans()))
    assert not problems, _report("private names taken from another module", problems)


def test_base_modules_import_only_base_modules():
    problems = base_leaks(list(package_scans()))
    assert not problems, _report("imports of research_kit modules outside the base layer by a base module",
                                 problems)


def test_test_files_import_only_tests_helpers():
    scans, names = scan_tests_folder()
    problems = cross_test_imports(list(scans), set(names))
    assert not problems, _report("imports of another test file or of conftest", problems)


# ---------------------------------------------------------------------------
# the checker can fail


def test_the_checker_finds_planted_violations():
    modules = {"research_kit", "research_kit.errors", "research_kit.corpus", "research_kit.render",
               "research_kit.render.html", "research_kit.readers", "research_kit.readers._labels"}
    domain = textwrap.dedent("""\
        from . import __version__, errors
        from .errors import ParameterError
        import research_kit.corpus as c
        from .readers import _labels

        def later():
            from .render import html
            from . import keyness
            return c._private, c.public, html._draw
        """)
    scans = [scan("research_kit.kwic", domain, path="kwic.py", modules=modules),
             scan("research_kit.errors", "from .corpus import Corpus\n", path="errors.py", modules=modules),
             scan("research_kit.render.html", "from ..cli import main\n", path="html.py", modules=modules)]
    assert [p.split("  [")[0] for p in upward_imports(scans)] == [
        "kwic.py:7: from .render import html", "kwic.py:8: from . import keyness",
        "errors.py:1: from .corpus import Corpus", "html.py:1: from ..cli import main"]
    assert [p.split("  [")[0] for p in private_names(scans)] == [
        "kwic.py:4: from .readers import _labels", "kwic.py:9: c._private", "kwic.py:9: html._draw"]
    assert [p.split("  [")[0] for p in base_leaks(scans)] == ["errors.py:1: from .corpus import Corpus"]

    tests = {"tests.helpers", "tests.conftest", "tests.test_chd", "tests.test_ca"}
    source = "from tests.helpers import ROOT\nfrom tests.test_chd import block_tokens\nfrom .conftest import DATA\n"
    found = cross_test_imports([scan("tests.test_ca", source, path="t.py", modules=tests, prefix="tests")], tests)
    assert [p.split("  [")[0] for p in found] == [
        "t.py:2: from tests.test_chd import block_tokens", "t.py:3: from .conftest import DATA"]
    # and the walk sees the real package
    assert {"research_kit.errors", "research_kit.cli"} <= {s.module for s in package_scans()}
