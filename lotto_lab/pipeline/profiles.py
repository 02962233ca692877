"""Parameter profiles of ``lotto-lab run``: ``quick`` (``make run``, the tests) and ``full`` (scheduled runs).

A profile maps a notebook name (``"03-tune-lstm"``) to the parameters the pipeline passes to that
notebook on top of the ones every notebook gets (``db_path``, ``output_dir``, ``seed`` and ``game`` or
``games``). A notebook missing from a profile runs with its own defaults, which are the cheap
profile the test suite runs. Neither profile shortens the history: both use every stored draw.

Before any notebook runs, the pipeline checks that each profile parameter is declared in the
notebook's ``parameters`` cell, so a renamed parameter fails the run at once instead of being
ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lotto_lab.errors import ConfigError

__all__ = ["PROFILES", "Profile", "get_profile"]


@dataclass(frozen=True)
class Profile:
    """A named set of notebook parameters.

    Parameters
    ----------
    name
        Profile name recorded in ``run.json``.
    description
        One line saying what the profile is for.
    notebooks
        Notebook name (without ``.ipynb``) to the parameters passed to it. Values must be plain
        literals that papermill can write into a notebook: numbers, strings, booleans, lists, dicts.
    """

    name: str
    description: str
    notebooks: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        frozen = {notebook: MappingProxyType(dict(values)) for notebook, values in self.notebooks.items()}
        object.__setattr__(self, "notebooks", MappingProxyType(frozen))

    def parameters_for(self, notebook: str) -> dict[str, object]:
        """Return a copy of the profile's parameters for ``notebook`` (empty when it has none)."""
        return dict(self.notebooks.get(notebook, {}))


# Notebook 03 scores the tuned LSTM on the last holdout_size draws, and 04 evaluates that holdout
# (or scores its own holdout of this size when 03 left none). Each profile sets one size for both.
_QUICK_HOLDOUT = 100
_FULL_HOLDOUT = 300

# Notebooks 02-06 can analyse synthetic draws instead of the store for their own tests. Both
# profiles set synthetic_draws to 0, so a pipeline run always uses every stored draw.
_STORED_DRAWS = {"synthetic_draws": 0}

PROFILES: dict[str, Profile] = {
    "quick": Profile(
        name="quick",
        description="cheap settings for make run and the test suite, still on every stored draw",
        notebooks={
            "02-features": {**_STORED_DRAWS},
            "03-tune-lstm": {**_STORED_DRAWS, "holdout_size": _QUICK_HOLDOUT, "quick": True},
            "04-backtest": {**_STORED_DRAWS, "holdout_size": _QUICK_HOLDOUT},
            "05-predict": {**_STORED_DRAWS},
            "06-randomness-audit": {**_STORED_DRAWS},
        },
    ),
    "full": Profile(
        name="full",
        description="scheduled runs: a longer Optuna study, larger bootstrap and simulation sizes",
        notebooks={
            "02-features": {**_STORED_DRAWS},
            "03-tune-lstm": {
                **_STORED_DRAWS,
                "holdout_size": _FULL_HOLDOUT,
                "quick": False,
                "n_trials": 100,
                "timeout": 4 * 3600,
                "max_epochs": 100,
                "validation_size": 300,
                "validation_folds": 3,
            },
            "04-backtest": {**_STORED_DRAWS, "holdout_size": _FULL_HOLDOUT, "n_bootstrap": 2000},
            "05-predict": {**_STORED_DRAWS},
            "06-randomness-audit": {**_STORED_DRAWS, "n_simulations": 1000},
        },
    ),
}


def get_profile(name: str) -> Profile:
    """Return the profile called ``name``; raise :class:`ConfigError` naming the valid ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        choices = ", ".join(sorted(PROFILES))
        raise ConfigError(
            f"unknown pipeline profile {name!r}: choose one of {choices}",
            zh=f"未知的流水线配置 {name!r}: 可选 {choices}",
        ) from None
