"""Every notebook, executed for real with papermill on the sample engagement."""

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert "self_evaluation.ipynb" in [n.name for n in NOTEBOOKS]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_thin_and_without_outputs(nb):
    data = json.loads(nb.read_text())
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert any("parameters" in c["metadata"].get("tags", []) for c in code)
    for c in code:
        src = "".join(c["source"])
        assert not c.get("outputs") and c.get("execution_count") is None
        assert not any(line.lstrip().startswith(("def ", "class ")) for line in src.splitlines())


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_documented(nb):
    params = pm.inspect_notebook(str(nb))
    assert params, "no parameters found"
    for name, p in params.items():
        assert p["help"], f"parameter {name} has no help text"


@pytest.mark.notebook
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_headless_on_the_sample(nb, tmp_path):
    out = tmp_path / nb.name
    pm.execute_notebook(str(nb), str(out), parameters={"mode": "report"}, cwd=str(tmp_path),
                        progress_bar=False, kernel_name="python3")
    executed = nbformat.read(str(out), as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "display_data"]
    assert shown, "the notebook displayed nothing"


@pytest.mark.notebook
def test_self_evaluation_shows_findings_and_offline_charts(tmp_path):
    out = tmp_path / "se.ipynb"
    pm.execute_notebook("notebooks/self_evaluation.ipynb", str(out), parameters={"mode": "report"},
                        progress_bar=False, kernel_name="python3")
    outputs = [o for c in nbformat.read(str(out), as_version=4).cells for o in c.get("outputs", [])]
    tags = [o.get("metadata", {}).get("playbook", {}) for o in outputs]
    kinds = [t.get("kind") for t in tags if t.get("part") == "self_evaluation"]
    assert kinds.count("figure") == 2 and kinds.count("table") == 2 and "findings" in kinds
    assert [t["name"] for t in tags if t.get("part") == "knowledge" and t.get("kind") == "table"] == ["knowledge_gaps"]
    svgs = [o["data"]["image/svg+xml"] for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert all("<svg" in s and "http" not in s.replace("http://www.w3.org", "") for s in svgs)
    findings = next(o for o in outputs if o.get("metadata", {}).get("playbook", {}).get("kind") == "findings")
    assert "A credibility gap exists" in " ".join(findings["metadata"]["playbook"]["lines"])


@pytest.mark.notebook
def test_bad_parameter_is_one_clear_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook("notebooks/self_evaluation.ipynb", str(tmp_path / "x.ipynb"),
                            parameters={"mode": "fancy"}, progress_bar=False, kernel_name="python3")
    assert err.value.ename == "UserError"
    assert "parameter 'mode' is 'fancy'; allowed: auto, report, live" in err.value.evalue
