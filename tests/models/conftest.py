"""Small tuning settings shared by the model tests: tiny networks and few epochs, one thread."""

from __future__ import annotations

import dataclasses

import pytest

from lotto_lab.models.tuning import SearchSpace, TuningSettings

TINY_SPACE = SearchSpace(
    window=(2, 4),
    hidden_size=(4, 8),
    num_layers=(1, 1),
    dropout=(0.0, 0.1),
    learning_rate=(3e-3, 3e-2),
    batch_size=(32, 64),
    epochs=(2, 4),
)


def make_settings(**overrides: object) -> TuningSettings:
    """Return tuning settings for a history of a few hundred draws, with ``overrides`` applied."""
    base = TuningSettings(
        game="ssq",
        n_trials=3,
        holdout_size=60,
        validation_size=40,
        validation_folds=2,
        max_epochs=4,
        patience=2,
        storage="memory",
        search_space=TINY_SPACE,
        num_threads=1,
        seed=5,
    )
    return dataclasses.replace(base, **overrides)


@pytest.fixture(scope="session")
def settings_factory():
    return make_settings


@pytest.fixture(scope="session")
def tiny_space():
    return TINY_SPACE
