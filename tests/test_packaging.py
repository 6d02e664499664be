"""A non-editable install works: notebooks and templates ship inside the wheel."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("playbook-*.whl"))


def test_wheel_carries_notebooks_templates_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"playbook/notebooks/{nb.name}" in names
    for must in ("playbook/templates/sample-engagement/engagement.yaml",
                 "playbook/templates/sample-engagement/responses.csv",
                 "playbook/templates/engagement/engagement.yaml.j2",
                 "playbook/templates/report/report.html.j2",
                 "playbook/data/defaults.yaml", "playbook/data/instruments.yaml",
                 "playbook/data/instruments/de.yaml", "playbook/data/instruments/fr.yaml",
                 "playbook/data/instruments/es.yaml"):
        assert must in names


def test_installed_wheel_runs_the_demo(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = dict(os.environ, PYTHONPATH=str(target))
    where = subprocess.run([sys.executable, "-c", "import playbook; print(playbook.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(target))
    proc = subprocess.run([sys.executable, "-m", "playbook", "demo", "--out", "out", "--no-pdf"], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "report.html").is_file()
    assert "Halvorsen Freight Systems" in (tmp_path / "out" / "report.html").read_text()
