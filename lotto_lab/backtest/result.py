"""The result of a walk-forward backtest, and its files: ``backtest.parquet`` and ``probabilities.npz``.

``backtest.parquet`` contains :attr:`BacktestResult.table`, one row per (strategy, target).
``probabilities.npz`` contains the arrays: ``targets``, ``target_issues``, ``outcomes/<pool>``,
``probabilities/<strategy>/<pool>`` and ``meta`` (a JSON text with the game, seed, strategy order,
baselines and parameters). Reading the table back passes a pandera schema.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from lotto_lab.errors import DataValidationError
from lotto_lab.games import GameSpec, get_game

__all__ = ["ARRAYS_FILE", "TABLE_FILE", "BacktestResult", "table_columns", "table_schema"]

TABLE_FILE = "backtest.parquet"
ARRAYS_FILE = "probabilities.npz"
_FORMAT_VERSION = 1


def table_columns(game: GameSpec | str) -> list[str]:
    """Return the columns of a backtest table for ``game``, in order."""
    spec = get_game(game)
    pools = spec.pool_names
    return [
        "game",
        "strategy",
        "cutoff",
        "target_issue",
        "train_end_issue",
        "horizon",
        "train_size",
        *(f"hits_{name}" for name in pools),
        *(f"log_loss_{name}" for name in pools),
        "log_loss",
        "ticket",
        "tier",
        "tier_name",
        "rule_version",
        "payout",
    ]


def table_schema(game: GameSpec | str) -> pa.DataFrameSchema:
    """Return the pandera schema a backtest table of ``game`` must pass."""
    spec = get_game(game)
    columns: dict[str, pa.Column] = {
        "game": pa.Column(str, pa.Check.isin([spec.name])),
        "strategy": pa.Column(str),
        "cutoff": pa.Column("int64"),
        "target_issue": pa.Column("int64"),
        "train_end_issue": pa.Column("int64"),
        "horizon": pa.Column("int64", pa.Check.ge(1)),
        "train_size": pa.Column("int64", pa.Check.ge(1)),
    }
    for pool in spec.pools:
        columns[f"hits_{pool.name}"] = pa.Column("int64", pa.Check.in_range(0, pool.pick))
    for pool in spec.pools:
        columns[f"log_loss_{pool.name}"] = pa.Column("float64", pa.Check.ge(0))
    columns.update(
        {
            "log_loss": pa.Column("float64", pa.Check.ge(0)),
            "ticket": pa.Column(str),
            "tier": pa.Column("int64", pa.Check.ge(0)),
            "tier_name": pa.Column(str),
            "rule_version": pa.Column(str),
            "payout": pa.Column("float64", pa.Check.ge(0), nullable=True),
        }
    )
    return pa.DataFrameSchema(columns, strict=True, ordered=True)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Scores and predictions of every strategy on the same target draws.

    Attributes
    ----------
    game
        Game name.
    table
        One row per (strategy, target); see :func:`table_columns`.
    probabilities
        ``{strategy: {pool: (n_targets, size)}}``, rows in :attr:`targets` order.
    outcomes
        ``{pool: (n_targets, size) uint8}``, 1 where the number was drawn.
    targets
        Positions of the target draws in the backtested history.
    target_issues
        Canonical issues of the target draws.
    seed
        Seed the scored tickets were drawn with.
    params
        ``{strategy: parameters}``.
    baselines
        Names of the strategies whose output does not depend on the draws (uniform).
    """

    game: str
    table: pd.DataFrame
    probabilities: dict[str, dict[str, np.ndarray]]
    outcomes: dict[str, np.ndarray]
    targets: np.ndarray
    target_issues: np.ndarray
    seed: int
    params: dict[str, dict[str, object]] = field(default_factory=dict)
    baselines: tuple[str, ...] = ()

    @property
    def strategies(self) -> list[str]:
        """Strategy names in the order they were run."""
        return list(self.probabilities)

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``backtest.parquet`` and ``probabilities.npz`` into ``folder`` (created if missing).

        Each file is written under a temporary name and renamed, so a reader never sees half a file.
        Return the folder.
        """
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        meta = {
            "format_version": _FORMAT_VERSION,
            "game": self.game,
            "seed": self.seed,
            "strategies": self.strategies,
            "pools": list(self.outcomes),
            "baselines": list(self.baselines),
            "params": self.params,
        }
        arrays: dict[str, np.ndarray] = {
            "meta": np.array(json.dumps(meta, ensure_ascii=False, default=str)),
            "targets": np.asarray(self.targets, dtype=np.int64),
            "target_issues": np.asarray(self.target_issues, dtype=np.int64),
        }
        for pool, outcome in self.outcomes.items():
            arrays[f"outcomes/{pool}"] = np.asarray(outcome, dtype=np.uint8)
        for strategy, by_pool in self.probabilities.items():
            for pool, p in by_pool.items():
                arrays[f"probabilities/{strategy}/{pool}"] = np.asarray(p, dtype=np.float64)

        table_tmp = path / f".{TABLE_FILE}.tmp"
        arrays_tmp = path / f".{ARRAYS_FILE}.tmp"
        self.table.to_parquet(table_tmp, index=False)
        with open(arrays_tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        os.replace(table_tmp, path / TABLE_FILE)
        os.replace(arrays_tmp, path / ARRAYS_FILE)
        return path

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> BacktestResult:
        """Read a result written by :meth:`save`; the table passes :func:`table_schema`.

        Raises
        ------
        DataValidationError
            When a file is missing, or the table and the arrays do not fit each other or the schema.
        """
        path = Path(folder)
        for name in (TABLE_FILE, ARRAYS_FILE):
            if not (path / name).is_file():
                raise DataValidationError(
                    f"{path} has no {name}: expected a backtest result written by BacktestResult.save",
                    zh=f"{path} 中没有 {name}: 这里应当是 BacktestResult.save 保存的回测结果",
                )

        with np.load(path / ARRAYS_FILE, allow_pickle=False) as archive:
            meta = json.loads(archive["meta"].item())
            arrays = {name: archive[name] for name in archive.files if name != "meta"}
        game = meta["game"]
        table = pd.read_parquet(path / TABLE_FILE)
        try:
            table = table_schema(game).validate(table)
        except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
            raise DataValidationError(
                f"{path / TABLE_FILE} does not fit the backtest table schema: {error}",
                zh=f"{path / TABLE_FILE} 不符合回测结果表的格式: {error}",
            ) from error

        result = cls(
            game=game,
            table=table,
            probabilities={
                strategy: {pool: arrays[f"probabilities/{strategy}/{pool}"] for pool in meta["pools"]}
                for strategy in meta["strategies"]
            },
            outcomes={pool: arrays[f"outcomes/{pool}"] for pool in meta["pools"]},
            targets=arrays["targets"],
            target_issues=arrays["target_issues"],
            seed=int(meta["seed"]),
            params=meta["params"],
            baselines=tuple(meta["baselines"]),
        )
        result._check_consistent(path)
        return result

    def _check_consistent(self, path: Path) -> None:
        n_targets = len(self.targets)
        table_strategies = list(dict.fromkeys(self.table["strategy"]))
        problems = []
        if table_strategies != self.strategies:
            problems.append(f"table strategies {table_strategies} differ from arrays {self.strategies}")
        if len(self.table) != n_targets * len(self.strategies):
            problems.append(f"table has {len(self.table)} rows, expected {n_targets * len(self.strategies)}")
        if len(self.target_issues) != n_targets:
            problems.append("targets and target_issues differ in length")
        for strategy, by_pool in self.probabilities.items():
            for pool, p in by_pool.items():
                if p.shape[0] != n_targets:
                    problems.append(
                        f"probabilities/{strategy}/{pool} has {p.shape[0]} rows, expected {n_targets}"
                    )
        if problems:
            raise DataValidationError(
                f"backtest result in {path} is inconsistent: {'; '.join(problems)}",
                zh=f"{path} 中的回测结果前后不一致: {'; '.join(problems)}",
            )
