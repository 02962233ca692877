"""run_pipeline against a plan of tiny notebooks in tmp_path, executed by a real Jupyter kernel."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from lotto_lab.errors import PipelineError, PublishError
from lotto_lab.pipeline.plan import Step
from lotto_lab.pipeline.profiles import Profile
from lotto_lab.pipeline.run import run_pipeline
from lotto_lab.store import load_runs

SEED = 7

SETUP_PARAMETERS = """\
db_path: str = ""  # DuckDB store
output_dir: str = ""  # run folder
seed: int = 0  # seed
games: list = []  # games of the run
"""

SETUP_BODY = """\
import json, os
from pathlib import Path
import plotly.graph_objects as go
Path(output_dir, "setup.json").write_text(json.dumps({
    "games": games, "seed": seed, "db_path": db_path, "cwd": os.getcwd(),
    "tqdm_disable": os.environ.get("TQDM_DISABLE"),
}))
go.Figure(go.Bar(x=[1, 2, 3], y=[0.2, 0.5, 0.3])).show()
"""

WRITE_PARAMETERS = """\
db_path: str = ""  # DuckDB store
output_dir: str = ""  # run folder
seed: int = 0  # seed
game: str = "ssq"  # game
fail_for_game: str = ""  # raise in this game's notebook
"""

WRITE_BODY = """\
import json
from pathlib import Path
if game == fail_for_game:
    raise RuntimeError(f"planted failure for {game}")
folder = Path(output_dir, game)
folder.mkdir(parents=True, exist_ok=True)
(folder / "result.json").write_text(json.dumps({"game": game, "seed": seed}))
"""

AFTER_PARAMETERS = """\
output_dir: str = ""  # run folder
game: str = "ssq"  # game
"""

AFTER_BODY = """\
from pathlib import Path
Path(output_dir, game).mkdir(parents=True, exist_ok=True)
Path(output_dir, game, "after.txt").write_text("done")
"""

PLAN = (Step("01-setup", per_game=False), Step("02-write"), Step("03-after"))
QUICK = Profile("quick", "test profile", {})
FAIL_DLT = Profile("quick", "test profile that fails for DLT", {"02-write": {"fail_for_game": "dlt"}})


def write_notebook(path: Path, parameters: str, body: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem}"),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Notebooks, a reports folder and a working directory for the runs of this module."""
    root = tmp_path_factory.mktemp("pipeline")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "01-setup.ipynb", SETUP_PARAMETERS, SETUP_BODY)
    write_notebook(notebooks / "02-write.ipynb", WRITE_PARAMETERS, WRITE_BODY)
    write_notebook(notebooks / "03-after.ipynb", AFTER_PARAMETERS, AFTER_BODY)
    project = root / "project"
    project.mkdir()
    return {"root": root, "notebooks": notebooks, "project": project, "reports": root / "reports"}


def pipeline_kwargs(workspace, **overrides):
    kwargs = {
        "db_path": workspace["root"] / "store.duckdb",
        "reports_dir": workspace["reports"],
        "games": ["ssq", "dlt"],
        "profile": QUICK,
        "seed": SEED,
        "plan": PLAN,
        "notebooks_dir": workspace["notebooks"],
        "cwd": workspace["project"],
        "progress": False,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture(scope="module")
def runs(workspace):
    """Three runs in one reports folder: a success, a second success for SSQ only, then a failure."""
    first = run_pipeline(**pipeline_kwargs(workspace))
    second = run_pipeline(**pipeline_kwargs(workspace, games=["ssq"]))
    with pytest.raises(PipelineError) as caught:
        run_pipeline(**pipeline_kwargs(workspace, profile=FAIL_DLT))
    failed_dirs = [
        path
        for path in (workspace["reports"] / "runs").iterdir()
        if path.name not in (first.run_id, second.run_id)
    ]
    assert len(failed_dirs) == 1
    return {"first": first, "second": second, "error": caught.value, "failed_dir": failed_dirs[0]}


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_success_writes_run_folder(runs):
    run_dir = runs["first"].run_dir
    assert run_dir.parent.name == "runs"
    assert sorted(path.name for path in (run_dir / "notebooks").iterdir()) == [
        "01-setup.ipynb",
        "02-write-dlt.ipynb",
        "02-write-ssq.ipynb",
        "03-after-dlt.ipynb",
        "03-after-ssq.ipynb",
    ]
    html_names = sorted(path.name for path in (run_dir / "html").iterdir())
    assert html_names == [
        "01-setup.html",
        "02-write-dlt.html",
        "02-write-ssq.html",
        "03-after-dlt.html",
        "03-after-ssq.html",
        "plotly.min.js",
    ]
    assert read_json(run_dir / "ssq" / "result.json") == {"game": "ssq", "seed": SEED}
    assert read_json(run_dir / "dlt" / "result.json") == {"game": "dlt", "seed": SEED}
    assert (run_dir / "dlt" / "after.txt").read_text() == "done"


def test_notebooks_get_run_parameters(runs, workspace):
    run_dir = runs["first"].run_dir
    setup = read_json(run_dir / "setup.json")
    assert setup["games"] == ["ssq", "dlt"]
    assert setup["seed"] == SEED
    assert setup["db_path"] == str((workspace["root"] / "store.duckdb").resolve())
    assert setup["cwd"] == str(workspace["project"])
    assert setup["tqdm_disable"] == "1"
    executed = nbformat.read(run_dir / "notebooks" / "02-write-dlt.ipynb", as_version=4)
    injected = [cell for cell in executed.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert len(injected) == 1
    assert f'output_dir = "{run_dir}"' in injected[0].source
    assert 'game = "dlt"' in injected[0].source


def test_progress_setting_restored_after_run(runs):
    assert "TQDM_DISABLE" not in os.environ


def test_success_publishes_latest_as_relative_link(runs, workspace):
    latest = workspace["reports"] / "latest"
    assert latest.is_symlink()
    # The failed third run left latest on the second run.
    assert os.readlink(latest) == os.path.join("runs", runs["second"].run_id)
    assert latest.resolve() == runs["second"].run_dir
    assert runs["second"].latest == latest
    assert (latest / "ssq" / "result.json").is_file()
    assert not (latest / "dlt").exists()
    leftovers = [path.name for path in workspace["reports"].iterdir() if path.name.startswith(".latest")]
    assert leftovers == []


def test_first_run_folder_kept_after_swap(runs):
    assert (runs["first"].run_dir / "run.json").is_file()
    assert read_json(runs["first"].run_dir / "run.json")["status"] == "succeeded"


def test_run_json_of_success(runs, workspace):
    record = read_json(runs["first"].run_dir / "run.json")
    assert record == runs["first"].record
    assert record["run_id"] == runs["first"].run_id
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", record["run_id"])
    assert record["status"] == "succeeded"
    assert record["profile"] == "quick"
    assert record["games"] == ["ssq", "dlt"]
    assert record["seed"] == SEED
    assert record["parameters"] == {
        "profile": "quick",
        "games": ["ssq", "dlt"],
        "seed": SEED,
        "db_path": str((workspace["root"] / "store.duckdb").resolve()),
        "reports_dir": str(workspace["reports"].resolve()),
    }
    assert record["git_commit"] is None  # the working directory is not a git checkout
    assert record["versions"]["python"]
    assert record["versions"]["papermill"]
    assert record["versions"]["lotto_lab"]
    assert set(record["last_issue"]) == {"ssq", "dlt"}
    assert record["failed_notebook"] is None
    assert record["error"] is None
    assert record["started"] < record["finished"]
    assert record["seconds"] > 0


def test_run_json_notebook_entries(runs):
    record = read_json(runs["first"].run_dir / "run.json")
    entries = record["notebooks"]
    assert [entry["name"] for entry in entries] == [
        "01-setup",
        "02-write-ssq",
        "03-after-ssq",
        "02-write-dlt",
        "03-after-dlt",
    ]
    for entry in entries:
        assert entry["status"] == "succeeded", entry["name"]
        assert entry["seconds"] > 0, entry["name"]
        assert entry["started"] < entry["finished"], entry["name"]
        assert entry["output"] == f"notebooks/{entry['name']}.ipynb"
        assert entry["html"] == f"html/{entry['name']}.html"
        assert entry["error"] is None
    assert entries[0]["parameters"] == {
        "db_path": record["parameters"]["db_path"],
        "output_dir": str(runs["first"].run_dir),
        "seed": SEED,
        "games": ["ssq", "dlt"],
    }
    assert entries[3]["parameters"]["game"] == "dlt"
    assert "games" not in entries[3]["parameters"]


def test_failure_names_notebook(runs):
    error = runs["error"]
    saved = runs["failed_dir"] / "notebooks" / "02-write-dlt.ipynb"
    assert error.message == (
        "notebook 02-write-dlt failed: RuntimeError: planted failure for dlt (cell In [3]). "
        f"The executed notebook with the failing cell is saved at {saved}; "
        "the published results (latest) are unchanged."
    )
    assert error.zh.startswith("笔记本 02-write-dlt 运行失败")
    assert error.exit_code != 0


def test_failure_keeps_previous_latest(runs, workspace):
    latest = workspace["reports"] / "latest"
    assert latest.resolve() == runs["second"].run_dir
    assert latest.resolve() != runs["failed_dir"]


def test_failure_saves_notebook_with_error_cell(runs):
    executed = nbformat.read(runs["failed_dir"] / "notebooks" / "02-write-dlt.ipynb", as_version=4)
    errors = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert len(errors) == 1
    assert errors[0]["evalue"] == "planted failure for dlt"
    assert executed.metadata["papermill"]["exception"] is True
    assert (runs["failed_dir"] / "html" / "02-write-dlt.html").is_file()


def test_run_json_of_failure(runs):
    record = read_json(runs["failed_dir"] / "run.json")
    assert record["status"] == "failed"
    assert record["failed_notebook"] == "02-write-dlt"
    assert record["error"] == "RuntimeError: planted failure for dlt (cell In [3])"
    statuses = {entry["name"]: entry["status"] for entry in record["notebooks"]}
    assert statuses == {
        "01-setup": "succeeded",
        "02-write-ssq": "succeeded",
        "03-after-ssq": "succeeded",
        "02-write-dlt": "failed",
        "03-after-dlt": "not run",
    }
    failed = next(entry for entry in record["notebooks"] if entry["name"] == "02-write-dlt")
    assert failed["parameters"]["fail_for_game"] == "dlt"
    assert failed["error"] == record["error"]
    assert record["finished"] is not None


def test_runs_recorded_in_store(runs, workspace):
    recorded = load_runs(workspace["root"] / "store.duckdb").set_index("run_id")
    assert recorded.loc[runs["first"].run_id, "status"] == "succeeded"
    assert recorded.loc[runs["second"].run_id, "status"] == "succeeded"
    assert recorded.loc[runs["failed_dir"].name, "status"] == "failed"
    stored = json.loads(recorded.loc[runs["failed_dir"].name, "record"])
    assert stored["failed_notebook"] == "02-write-dlt"


def test_real_folder_latest_rejected_before_running(tmp_path, workspace):
    reports = tmp_path / "reports"
    (reports / "latest").mkdir(parents=True)
    with pytest.raises(PublishError) as caught:
        run_pipeline(**pipeline_kwargs(workspace, reports_dir=reports))
    latest = (reports / "latest").resolve()
    assert caught.value.message == (
        f"{latest} is a real folder, not a symbolic link, so it cannot be "
        f"replaced atomically. Move or delete it (for example `mv {latest} {latest}.old`) and run again; "
        "lotto-lab run publishes `latest` as a symbolic link to runs/<run_id>."
    )
    assert not (reports / "runs").exists()


def test_undeclared_profile_parameter_rejected(tmp_path, workspace):
    profile = Profile("quick", "test", {"03-after": {"n_trials": 3}})
    with pytest.raises(PipelineError) as caught:
        run_pipeline(**pipeline_kwargs(workspace, reports_dir=tmp_path, profile=profile))
    assert caught.value.message == (
        "profile 'quick' does not fit the notebooks: 03-after: n_trials not declared in its parameters "
        "cell. Rename the parameters in lotto_lab/pipeline/profiles.py or in the notebooks."
    )
    assert not (tmp_path / "runs").exists()


def test_profile_may_not_set_run_parameters(tmp_path, workspace):
    profile = Profile("quick", "test", {"02-write": {"seed": 3}})
    with pytest.raises(PipelineError, match="02-write: the pipeline sets seed itself"):
        run_pipeline(**pipeline_kwargs(workspace, reports_dir=tmp_path, profile=profile))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"games": ["kl8"]}, "unknown game 'kl8'"),
        ({"games": []}, "games is empty"),
        ({"games": ["ssq", "ssq"]}, "games lists a game more than once"),
        ({"seed": -1}, "seed must be an integer from 0 to 2**32 - 1, got -1"),
        ({"profile": "slow"}, "unknown pipeline profile 'slow'"),
    ],
)
def test_invalid_arguments_rejected_before_running(tmp_path, workspace, overrides, message):
    with pytest.raises(Exception) as caught:
        run_pipeline(**pipeline_kwargs(workspace, reports_dir=tmp_path, **overrides))
    assert message in str(caught.value)
    assert caught.value.exit_code == 2
    assert not (tmp_path / "runs").exists()


def test_last_issue_read_from_store(tmp_path, workspace, bundled_db):
    store = tmp_path / "lotto.duckdb"
    shutil.copyfile(bundled_db, store)  # the run records itself in the store, so work on a copy
    plan = (Step("03-after"),)
    result = run_pipeline(
        **pipeline_kwargs(workspace, db_path=store, reports_dir=tmp_path / "reports", plan=plan)
    )
    assert result.record["last_issue"] == {"ssq": "2026096", "dlt": "26095"}
    assert read_json(result.run_dir / "run.json")["last_issue"] == {"ssq": "2026096", "dlt": "26095"}


def test_info_logged_per_notebook(tmp_path, workspace, caplog):
    plan = (Step("03-after"),)
    with caplog.at_level(logging.INFO, logger="lotto_lab.pipeline.run"):
        result = run_pipeline(**pipeline_kwargs(workspace, reports_dir=tmp_path, plan=plan, games=["ssq"]))
    messages = [record.getMessage() for record in caplog.records if record.name == "lotto_lab.pipeline.run"]
    assert f"run {result.run_id}: notebook 03-after-ssq (1 of 1) started" in messages
    finished = [
        message
        for message in messages
        if message.startswith(f"run {result.run_id}: notebook 03-after-ssq finished in ")
    ]
    assert len(finished) == 1
