"""A real JupyterLab, driven by Playwright in Debian's Chromium, for the workbench's end-to-end test.

Skipped unless ``RESEARCH_KIT_E2E=1`` (``.ci/run`` sets it and installs what it needs):
plain ``pytest`` (``make test``) never starts a server or a browser. Nothing is downloaded:
the browser is ``/usr/bin/chromium`` (or ``RESEARCH_KIT_CHROMIUM``).

The server is bound to 127.0.0.1 on a free port with a random token, in a temporary folder
holding a copy of a small corpus and of the workbench notebooks (their parameters pointed
at that copy); its configuration, data, runtime and settings folders are temporary too, so
the user's JupyterLab settings are neither read nor changed. Screenshots go to
``RESEARCH_KIT_E2E_SHOTS`` (default: the temporary folder's ``shots/``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import DATA, ROOT

CHROMIUM = os.environ.get("RESEARCH_KIT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RESEARCH_KIT_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="end-to-end test in a real JupyterLab: set RESEARCH_KIT_E2E=1 (.ci/run does)")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def small_corpus(target: Path) -> Path:
    """tests/data/corpus_small with the tests' codebook beside it (codebook.yml) and an empty codings/ folder."""
    shutil.copytree(DATA / "corpus_small", target)
    shutil.copy(DATA / "codebooks" / "valid.yml", target / "codebook.yml")
    (target / "codings").mkdir()
    return target


def notebook_with(source: Path, target: Path, values: dict[str, object]) -> Path:
    """A copy of a notebook whose ``parameters`` cell assigns ``values`` (papermill's convention)."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = "".join(cell["source"]).splitlines()
            out = []
            for line in lines:
                name = line.split(":", 1)[0].strip()
                if name in values:
                    annotation = line.split(":", 1)[1].split("=", 1)[0].strip()
                    out.append(f"{name}: {annotation} = {values[name]!r}")
                else:
                    out.append(line)
            cell["source"] = "\n".join(out)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


@dataclass
class Lab:
    """A running JupyterLab: its root folder, address and token."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        """The notebook ``path`` opened alone, in a workspace of its own (no tab of an earlier test restored)."""
        workspace = path.replace(".", "-").replace("/", "-")
        return f"http://127.0.0.1:{self.port}/lab/workspaces/{workspace}/tree/{path}?reset&token={self.token}"


def start_lab(root: Path) -> Lab:
    """Start ``jupyter lab`` in ``root`` (127.0.0.1, free port, token); wait until it answers."""
    home = root.parent / "jupyter-home"
    settings = home / "settings"
    for plugin, values in {"@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                                           "checkForUpdates": False},
                           "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(24)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               MPLBACKEND="Agg", PYTHONPATH=str(ROOT), PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    command = [str(bin_dir / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = root.parent / "jupyter.log"
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=root,
                               start_new_session=True)
    lab = Lab(root, port, token, process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab stopped at start:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return lab
        except OSError:
            time.sleep(0.3)
    stop_lab(lab)
    raise RuntimeError(f"jupyter lab did not answer in 90 s:\n{log.read_text()[-3000:]}")


def stop_lab(lab: Lab) -> None:
    """Stop the server we started (its own process group: it and the kernels it started)."""
    if lab.process.poll() is None:
        os.killpg(lab.process.pid, signal.SIGTERM)
        try:
            lab.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait(10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e") / "work"
    root.mkdir()
    corpus = small_corpus(root / "corpus")
    for name, values in (("workbench_coding.ipynb", {"corpus": "corpus", "coder": "e2e", "blind": True,
                                                     "suggest": True, "decider": "e2e"}),
                         ("workbench_explorer.ipynb", {"corpus": "corpus", "query": "bonjour", "exports": "exports",
                                                       "k": 3, "segment_size": 12})):
        notebook_with(ROOT / "notebooks" / name, root / name, values)
    server = start_lab(root)
    server.corpus = corpus
    yield server
    stop_lab(server)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium), "
                    "or point RESEARCH_KIT_CHROMIUM at one. .ci/run installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(lab) -> Path:
    folder = Path(os.environ.get("RESEARCH_KIT_E2E_SHOTS") or lab.root.parent / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, shots, request):
    """A browser page; when the test fails, a screenshot and the notebook's text are kept in ``shots``."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        name = request.node.name
        page.screenshot(path=str(shots / f"{name}-failed.png"), full_page=True)
        try:
            text = page.inner_text(".jp-Notebook")
        except Exception as e:  # noqa: BLE001 - the page may be gone
            text = f"(no notebook text: {e})"
        (shots / f"{name}-failed.txt").write_text(text, encoding="utf-8")
    page.close()
