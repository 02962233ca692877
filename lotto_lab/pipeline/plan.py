"""The notebook plan of ``lotto-lab run``: which notebooks run, once or per game, and in what order.

The plan is data. Adding a notebook to the pipeline means adding one :class:`Step` to
:data:`PIPELINE_PLAN`. :func:`expand_plan` turns a plan and the chosen games into the ordered
list of notebook jobs. Every step that runs once comes first. Then the games follow one after
the other, each with its per-game steps in plan order, because the per-game notebooks of one game
read each other's outputs and the machine has few cores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lotto_lab.errors import PipelineError

__all__ = ["PIPELINE_PLAN", "NotebookJob", "Step", "check_notebooks_exist", "expand_plan"]


@dataclass(frozen=True)
class Step:
    """One notebook of the plan.

    Parameters
    ----------
    notebook
        Notebook name without the ``.ipynb`` suffix, such as ``"02-features"``.
    per_game
        True when the notebook runs once per game and takes a ``game`` parameter; False when it
        runs once per pipeline run and takes the list of games as ``games``.
    """

    notebook: str
    per_game: bool = True

    def __post_init__(self) -> None:
        if not self.notebook or "/" in self.notebook or self.notebook.endswith(".ipynb"):
            raise ValueError(
                f"Step.notebook must be a bare notebook name such as '02-features', got {self.notebook!r}"
            )


@dataclass(frozen=True)
class NotebookJob:
    """One notebook execution of a pipeline run: a step, and the game for a per-game step."""

    step: Step
    game: str | None

    @property
    def name(self) -> str:
        """The executed notebook's name in the run folder: ``02-features-ssq`` or ``01-ingest``."""
        if self.game is None:
            return self.step.notebook
        return f"{self.step.notebook}-{self.game}"


PIPELINE_PLAN: tuple[Step, ...] = (
    Step("01-ingest", per_game=False),
    Step("02-features"),
    Step("03-tune-lstm"),
    Step("04-backtest"),
    Step("05-predict"),
    Step("06-randomness-audit"),
)


def expand_plan(plan: Sequence[Step], games: Sequence[str]) -> list[NotebookJob]:
    """Return the notebook jobs of ``plan`` for ``games`` in execution order.

    Steps that run once come first, in plan order. Then, for each game in the order given, that
    game's per-game steps in plan order.
    """
    if not plan:
        raise ValueError("the pipeline plan has no steps")
    if not games:
        raise ValueError("the pipeline needs at least one game")
    names = [step.notebook for step in plan]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"the pipeline plan lists these notebooks more than once: {', '.join(repeated)}")

    jobs = [NotebookJob(step, None) for step in plan if not step.per_game]
    for game in games:
        jobs.extend(NotebookJob(step, game) for step in plan if step.per_game)
    return jobs


def check_notebooks_exist(plan: Sequence[Step], notebooks_dir: Path) -> None:
    """Raise :class:`PipelineError` naming every notebook of ``plan`` missing from ``notebooks_dir``."""
    missing = [step.notebook for step in plan if not (notebooks_dir / f"{step.notebook}.ipynb").is_file()]
    if missing:
        listed = ", ".join(f"{name}.ipynb" for name in missing)
        raise PipelineError(
            f"the pipeline plan names notebooks that are missing from {notebooks_dir}: {listed}. "
            "Restore them (for example from the repository) and run again.",
            zh=f"流水线计划中的笔记本在 {notebooks_dir} 中不存在: {listed}。"
            "请恢复这些文件(例如从代码仓库)后重新运行。",
        )
