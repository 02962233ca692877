"""The notebook pipeline: execute the plan with papermill, record the run, publish it atomically.

One call of :func:`run_pipeline` is one run:

1. Validate everything before any notebook starts: the games, the seed, the profile, that every
   notebook of the plan exists and declares the profile's parameters, and that ``latest`` can be
   swapped.
2. Create ``<reports>/runs/<run_id>/`` with ``notebooks/``, ``html/`` and ``run.json`` (status
   ``running``).
3. Execute the notebooks in plan order (see :mod:`lotto_lab.pipeline.plan`) with papermill, in this
   process, with the kernel ``python3`` and the project folder as working directory. Each notebook
   gets ``db_path``, ``output_dir`` (the run folder), ``seed``, ``game`` (or ``games`` for a step that
   runs once) and the profile's parameters. Each executed notebook is converted to offline HTML.
4. On success: write ``run.json`` with status ``succeeded`` and the last issue of each game read
   from the store, point ``latest`` at the run (:func:`lotto_lab.pipeline.publish.publish_run`)
   and record the run in the store's ``runs`` table.
   On failure: papermill has saved the failed notebook with its error cell. ``run.json`` gets status
   ``failed`` and the failing notebook's name, and the run is recorded. ``latest`` is left as it
   was, and :class:`PipelineError` is raised naming the notebook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lotto_lab.config import DEFAULT_SEED, NOTEBOOKS_DIR, PROJECT_DIR, runs_dir
from lotto_lab.errors import ConfigError, LottoLabError, PipelineError, PublishError
from lotto_lab.games import get_game
from lotto_lab.pipeline.html import export_html
from lotto_lab.pipeline.plan import PIPELINE_PLAN, NotebookJob, Step, check_notebooks_exist, expand_plan
from lotto_lab.pipeline.profiles import Profile, get_profile
from lotto_lab.pipeline.publish import check_latest_replaceable, publish_run
from lotto_lab.pipeline.records import git_commit, new_run_id, package_versions, utc_now, write_json_atomic

__all__ = ["PROGRESS_ENV", "RunResult", "run_pipeline"]

log = logging.getLogger(__name__)

# "0" switches progress bars off and "1" on. Unset, they are on only when stderr is a terminal.
# While they are off, the notebook kernels get TQDM_DISABLE=1, which tqdm 4.66 and later reads.
PROGRESS_ENV = "LOTTO_LAB_PROGRESS"

# Parameters the pipeline itself passes. A profile may not set them.
_RUN_PARAMETERS = ("db_path", "output_dir", "seed", "game", "games")


@dataclass(frozen=True)
class RunResult:
    """A successful pipeline run.

    Parameters
    ----------
    run_id
        The run's id, also the name of its folder under ``<reports>/runs/``.
    run_dir
        The run's folder.
    latest
        The ``latest`` link, now pointing at ``run_dir``.
    record
        The content of ``run.json``.
    """

    run_id: str
    run_dir: Path
    latest: Path
    record: dict[str, Any]


def run_pipeline(
    *,
    db_path: Path,
    reports_dir: Path,
    games: Sequence[str] = ("ssq", "dlt"),
    profile: str | Profile = "quick",
    seed: int = DEFAULT_SEED,
    plan: Sequence[Step] = PIPELINE_PLAN,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    cwd: Path = PROJECT_DIR,
    kernel_name: str = "python3",
    progress: bool | None = None,
) -> RunResult:
    """Execute the notebook pipeline once and publish the run as ``<reports_dir>/latest``.

    Parameters
    ----------
    db_path
        The DuckDB store the notebooks read and ``01-ingest`` writes.
    reports_dir
        The reports folder; the run is written to ``<reports_dir>/runs/<run_id>/``.
    games
        Game names, run one after the other in this order.
    profile
        A profile name from :data:`lotto_lab.pipeline.profiles.PROFILES` or a :class:`Profile`.
    seed
        Seed passed to every notebook and recorded in ``run.json``.
    plan
        The notebook steps; the default is the product's plan.
    notebooks_dir
        Folder holding ``<step.notebook>.ipynb`` for every step.
    cwd
        Working directory of the notebook kernels.
    kernel_name
        Jupyter kernel that executes the notebooks.
    progress
        Show papermill's and the notebooks' progress bars. None reads ``LOTTO_LAB_PROGRESS``
        (``0`` or ``1``) and otherwise shows them only when stderr is a terminal.

    Returns
    -------
    RunResult
        The run's id, folder, ``latest`` link and record.

    Raises
    ------
    ConfigError
        For an unknown game or profile, or an invalid seed.
    PipelineError
        When a notebook of the plan is missing, does not declare a profile parameter, or fails.
    PublishError
        When ``latest`` exists and is not a symbolic link.
    """
    reports_dir = Path(reports_dir).resolve()
    db_path = Path(db_path).resolve()
    games = _validate_games(games)
    _validate_seed(seed)
    profile = get_profile(profile) if isinstance(profile, str) else profile
    jobs = expand_plan(plan, games)
    check_notebooks_exist(plan, notebooks_dir)
    _check_profile_parameters(plan, profile, notebooks_dir)
    check_latest_replaceable(reports_dir)
    show_progress = _resolve_progress(progress)

    started = utc_now()
    run_id = new_run_id(started)
    run_dir = runs_dir(reports_dir) / run_id
    (run_dir / "notebooks").mkdir(parents=True)
    (run_dir / "html").mkdir()
    run_file = run_dir / "run.json"
    record = _new_record(run_id, started, db_path, reports_dir, games, profile, seed, jobs, cwd)
    write_json_atomic(run_file, record)
    _record_in_store(db_path, record)
    log.info(
        "run %s started: profile %s, games %s, seed %d, %d notebooks, folder %s",
        run_id,
        profile.name,
        ", ".join(games),
        seed,
        len(jobs),
        run_dir,
    )

    with _progress_environment(show_progress):
        try:
            for position, job in enumerate(jobs):
                entry = record["notebooks"][position]
                log.info("run %s: notebook %s (%d of %d) started", run_id, job.name, position + 1, len(jobs))
                failure = _execute_job(job, entry, notebooks_dir, run_dir, cwd, kernel_name, show_progress)
                write_json_atomic(run_file, record)
                if failure is not None:
                    raise _fail_run(record, run_file, db_path, games, job, failure)
                log.info("run %s: notebook %s finished in %.1f s", run_id, job.name, entry["seconds"])
        except KeyboardInterrupt:
            _finish_record(record, "interrupted", db_path, games)
            record["error"] = "interrupted by the user"
            write_json_atomic(run_file, record)
            log.warning("run %s interrupted; latest is unchanged", run_id)
            raise

    _finish_record(record, "succeeded", db_path, games)
    write_json_atomic(run_file, record)
    try:
        latest = publish_run(reports_dir, run_dir)
    except PublishError as error:
        # Something replaced latest with a real folder while the notebooks ran.
        record["status"] = "failed"
        record["error"] = f"publishing failed: {error.message}"
        write_json_atomic(run_file, record)
        _record_in_store(db_path, record)
        raise
    _record_in_store(db_path, record)
    log.info("run %s succeeded in %.1f s and was published as %s", run_id, record["seconds"], latest)
    return RunResult(run_id=run_id, run_dir=run_dir, latest=latest, record=record)


# -- validation --------------------------------------------------------------------------------


def _validate_games(games: Sequence[str]) -> list[str]:
    if isinstance(games, str):
        games = [games]
    names = [get_game(game).name for game in games]
    if not names:
        raise ConfigError("games is empty: name at least one game", zh="games 为空: 请至少指定一个游戏")
    if len(set(names)) != len(names):
        raise ConfigError(f"games lists a game more than once: {names}", zh=f"games 中有重复的游戏: {names}")
    return names


def _validate_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ConfigError(
            f"seed must be an integer from 0 to 2**32 - 1, got {seed!r}",
            zh=f"seed 必须是 0 到 2**32 - 1 之间的整数, 收到 {seed!r}",
        )


def _check_profile_parameters(plan: Sequence[Step], profile: Profile, notebooks_dir: Path) -> None:
    """Raise PipelineError when a profile sets a parameter its notebook does not declare."""
    import papermill

    planned = {step.notebook for step in plan}
    problems = []
    for notebook, values in profile.notebooks.items():
        if notebook not in planned:
            continue
        reserved = sorted(set(values) & set(_RUN_PARAMETERS))
        if reserved:
            problems.append(f"{notebook}: the pipeline sets {', '.join(reserved)} itself")
        declared = papermill.inspect_notebook(str(notebooks_dir / f"{notebook}.ipynb"))
        unknown = sorted(set(values) - set(declared) - set(reserved))
        if unknown:
            problems.append(f"{notebook}: {', '.join(unknown)} not declared in its parameters cell")
    if problems:
        listed = "; ".join(problems)
        raise PipelineError(
            f"profile {profile.name!r} does not fit the notebooks: {listed}. "
            "Rename the parameters in lotto_lab/pipeline/profiles.py or in the notebooks.",
            zh=f"配置 {profile.name!r} 与笔记本的参数不一致: {listed}。"
            "请修改 lotto_lab/pipeline/profiles.py 或笔记本中的参数名。",
        )


def _resolve_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    setting = os.environ.get(PROGRESS_ENV, "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    return sys.stderr.isatty()


@contextlib.contextmanager
def _progress_environment(show_progress: bool) -> Iterator[None]:
    """Set TQDM_DISABLE=1 for the notebook kernels while progress bars are off."""
    if show_progress:
        yield
        return
    previous = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["TQDM_DISABLE"]
        else:
            os.environ["TQDM_DISABLE"] = previous


# -- the run record -----------------------------------------------------------------------------


def _new_record(
    run_id: str,
    started: dt.datetime,
    db_path: Path,
    reports_dir: Path,
    games: list[str],
    profile: Profile,
    seed: int,
    jobs: list[NotebookJob],
    cwd: Path,
) -> dict[str, Any]:
    notebooks = []
    for job in jobs:
        parameters: dict[str, Any] = {
            "db_path": str(db_path),
            "output_dir": str(runs_dir(reports_dir) / run_id),
            "seed": seed,
        }
        if job.game is None:
            parameters["games"] = list(games)
        else:
            parameters["game"] = job.game
        parameters.update(profile.parameters_for(job.step.notebook))
        notebooks.append(
            {
                "name": job.name,
                "notebook": f"{job.step.notebook}.ipynb",
                "game": job.game,
                "status": "pending",
                "parameters": parameters,
                "output": f"notebooks/{job.name}.ipynb",
                "html": None,
                "started": None,
                "finished": None,
                "seconds": None,
                "error": None,
            }
        )
    return {
        "run_id": run_id,
        "status": "running",
        "profile": profile.name,
        "games": list(games),
        "seed": seed,
        "parameters": {
            "profile": profile.name,
            "games": list(games),
            "seed": seed,
            "db_path": str(db_path),
            "reports_dir": str(reports_dir),
        },
        "git_commit": git_commit(cwd),
        "versions": package_versions(),
        "last_issue": {game: None for game in games},
        "failed_notebook": None,
        "error": None,
        "started": started.isoformat(),
        "finished": None,
        "seconds": None,
        "notebooks": notebooks,
    }


def _finish_record(record: dict[str, Any], status: str, db_path: Path, games: list[str]) -> None:
    finished = utc_now()
    record["status"] = status
    record["finished"] = finished.isoformat()
    started = dt.datetime.fromisoformat(record["started"])
    record["seconds"] = round((finished - started).total_seconds(), 3)
    record["last_issue"] = _read_last_issues(db_path, games)
    for entry in record["notebooks"]:
        if entry["status"] == "pending":
            entry["status"] = "not run"


def _read_last_issues(db_path: Path, games: list[str]) -> dict[str, str | None]:
    """Return each game's last stored issue in its display form; None where the store has none."""
    issues: dict[str, str | None] = {}
    for game in games:
        try:
            from lotto_lab.store import load_history

            history = load_history(db_path, game)
            issues[game] = history.game.format_issue(history.last_issue) if len(history) else None
        except (LottoLabError, ImportError, OSError):
            log.warning("could not read the last %s issue from %s", game, db_path, exc_info=True)
            issues[game] = None
    return issues


def _record_in_store(db_path: Path, record: dict[str, Any]) -> None:
    """Insert or update the run in the store's ``runs`` table.

    A failure is logged and not raised: run.json holds the same record, and a store problem must
    not hide a notebook's failure or block publishing. The run is recorded when it starts and
    again when it ends, so a crashed run stays visible with status ``running``.
    """
    try:
        from lotto_lab.store import record_run

        record_run(db_path, record)
    except (LottoLabError, ImportError, OSError):
        log.warning("could not record run %s in %s", record["run_id"], db_path, exc_info=True)


# -- executing one notebook ---------------------------------------------------------------------


def _execute_job(
    job: NotebookJob,
    entry: dict[str, Any],
    notebooks_dir: Path,
    run_dir: Path,
    cwd: Path,
    kernel_name: str,
    show_progress: bool,
) -> str | None:
    """Execute one notebook and export its HTML, filling ``entry``. Return the error text or None."""
    import papermill

    source = notebooks_dir / entry["notebook"]
    output = run_dir / entry["output"]
    html = run_dir / "html" / f"{job.name}.html"
    entry["status"] = "running"
    entry["started"] = utc_now().isoformat()
    clock = time.perf_counter()
    failure = None
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=entry["parameters"],
            kernel_name=kernel_name,
            cwd=str(cwd),
            progress_bar=show_progress,
            request_save_on_cell_execute=True,
            # The kernel warns at every start that its local TCP channels are unencrypted. Users
            # read that as a fault, and errors inside cells still reach the notebook anyway.
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except papermill.PapermillExecutionError as error:
        failure = f"{error.ename}: {error.evalue} (cell In [{error.exec_count}])"
    except Exception as error:  # kernel start-up or a dead kernel; the run must still be recorded
        log.warning("notebook %s could not be executed", job.name, exc_info=True)
        failure = f"{type(error).__name__}: {error}"

    if output.exists():
        try:
            export_html(output, html)
            entry["html"] = f"html/{html.name}"
        except Exception as error:  # nbconvert raises many types; a failed export fails the run
            log.warning("HTML export of %s failed", job.name, exc_info=True)
            failure = failure or f"HTML export failed: {type(error).__name__}: {error}"

    entry["seconds"] = round(time.perf_counter() - clock, 3)
    entry["finished"] = utc_now().isoformat()
    entry["status"] = "failed" if failure else "succeeded"
    entry["error"] = failure
    return failure


def _fail_run(
    record: dict[str, Any],
    run_file: Path,
    db_path: Path,
    games: list[str],
    job: NotebookJob,
    failure: str,
) -> PipelineError:
    """Write the failed run's record, record it in the store and return the error to raise."""
    _finish_record(record, "failed", db_path, games)
    record["failed_notebook"] = job.name
    record["error"] = failure
    write_json_atomic(run_file, record)
    _record_in_store(db_path, record)
    saved = run_file.parent / "notebooks" / f"{job.name}.ipynb"
    log.error("run %s failed in notebook %s: %s", record["run_id"], job.name, failure)
    if saved.exists():
        where_en = f"The executed notebook with the failing cell is saved at {saved}"
        where_zh = f"包含出错单元格的笔记本已保存到 {saved}"
    else:
        where_en = f"No executed notebook was saved; run.json is at {run_file}"
        where_zh = f"没有保存执行后的笔记本; 运行记录在 {run_file}"
    return PipelineError(
        f"notebook {job.name} failed: {failure}. {where_en}; the published results (latest) are unchanged.",
        zh=f"笔记本 {job.name} 运行失败: {failure}。{where_zh}; 已发布的结果(latest)保持不变。",
    )
