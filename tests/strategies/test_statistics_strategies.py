"""uniform, frequency, omission and recency: the contract, hand-computed cases, vectorised == loop."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_lab.backtest.folds import Fold, make_folds
from lotto_lab.errors import ConfigError
from lotto_lab.games import DLT, SSQ
from lotto_lab.history import DrawHistory
from lotto_lab.strategies.base import Strategy, check_probabilities, scale_to_pick
from lotto_lab.strategies.frequency import FrequencyStrategy
from lotto_lab.strategies.omission import OmissionStrategy
from lotto_lab.strategies.recency import RecencyStrategy, decayed_sums
from lotto_lab.strategies.uniform import UniformStrategy
from lotto_lab.synthetic import fair_history

STRATEGIES = [
    UniformStrategy(),
    FrequencyStrategy(),
    FrequencyStrategy(window=7, alpha=0.0),
    OmissionStrategy(),
    OmissionStrategy(power=2.0),
    RecencyStrategy(),
    RecencyStrategy(half_life=0.5, alpha=0.0),
]
IDS = [f"{s.name}-{i}" for i, s in enumerate(STRATEGIES)]


@pytest.fixture(scope="module")
def histories() -> dict[str, DrawHistory]:
    return {"ssq": fair_history("ssq", 120, seed=11), "dlt": fair_history("dlt", 120, seed=12)}


def loop_predictions(strategy: Strategy, history: DrawHistory, folds: list[Fold]) -> dict[str, np.ndarray]:
    """The base class's fit/predict_proba loop, bypassing the strategy's vectorised override."""
    return Strategy.predict_folds(strategy, history, folds)


@pytest.mark.parametrize("game", ["ssq", "dlt"])
@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
def test_predict_proba_obeys_contract(strategy, game, histories):
    history = histories[game]
    probabilities = strategy.fit(history).predict_proba(history)
    assert set(probabilities) == set(history.game.pool_names)
    for pool in history.game.pools:
        assert probabilities[pool.name].shape == (pool.size,)
    check_probabilities(history.game, probabilities)


@pytest.mark.parametrize("game", ["ssq", "dlt"])
@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
def test_predict_folds_obeys_contract(strategy, game, histories):
    history = histories[game]
    folds = make_folds(len(history), initial_train_size=1)
    predicted = strategy.predict_folds(history, folds)
    for pool in history.game.pools:
        assert predicted[pool.name].shape == (len(folds), pool.size)
    check_probabilities(history.game, predicted)


FOLD_LAYOUTS = {
    "growing": {"initial_train_size": 5},
    "growing-refit-4": {"initial_train_size": 5, "refit_every": 4},
    "rolling-10": {"initial_train_size": 10, "window": "rolling"},
    "rolling-6-refit-3": {"initial_train_size": 8, "window": "rolling", "window_size": 6, "refit_every": 3},
    "holdout-only": {"initial_train_size": 20, "first_target": 100, "last_target": 110},
}


@pytest.mark.parametrize("game", ["ssq", "dlt"])
@pytest.mark.parametrize("layout", list(FOLD_LAYOUTS))
@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
def test_vectorised_matches_loop(strategy, layout, game, histories):
    history = histories[game]
    folds = make_folds(len(history), **FOLD_LAYOUTS[layout])
    vectorised = strategy.predict_folds(history, folds)
    looped = loop_predictions(strategy, history, folds)
    for pool in history.game.pool_names:
        np.testing.assert_allclose(vectorised[pool], looped[pool], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("strategy", STRATEGIES, ids=IDS)
def test_prediction_ignores_target_draw(strategy, histories):
    """Changing the draw at position t leaves every prediction of a target up to t unchanged."""
    history = histories["ssq"]
    folds = make_folds(len(history), initial_train_size=3, refit_every=2)
    changed_at = 60
    numbers = {name: array.copy() for name, array in history.numbers.items()}
    numbers["red"][changed_at] = np.setdiff1d(np.arange(1, 34), numbers["red"][changed_at])[:6]
    numbers["blue"][changed_at] = [16 if numbers["blue"][changed_at][0] != 16 else 1]
    perturbed = DrawHistory(history.game, history.issues, history.dates, numbers)

    before = strategy.predict_folds(history, folds)
    after = strategy.predict_folds(perturbed, folds)
    unaffected = np.array([fold.target <= changed_at for fold in folds])
    for pool in history.game.pool_names:
        np.testing.assert_array_equal(before[pool][unaffected], after[pool][unaffected])
    if not strategy.is_baseline:
        # The change must show up after it, or the comparison above proves nothing.
        assert not np.array_equal(before["red"][~unaffected], after["red"][~unaffected])


def _history(game, rows: dict[str, list[list[int]]]) -> DrawHistory:
    n = len(next(iter(rows.values())))
    return DrawHistory(
        game=game,
        issues=np.arange(2020001, 2020001 + n, dtype=np.int64),
        dates=np.arange(np.datetime64("2020-01-01"), np.datetime64("2020-01-01") + n),
        numbers={name: np.array(value, dtype=np.int16) for name, value in rows.items()},
    )


HAND_MADE = {
    "front": [[1, 2, 3, 4, 5], [1, 2, 3, 4, 6], [1, 7, 8, 9, 10]],
    "back": [[1, 2], [1, 3], [1, 2]],
}


def test_uniform_is_pick_over_size():
    history = _history(DLT, HAND_MADE)
    probabilities = UniformStrategy().predict_proba(history)
    assert UniformStrategy.is_baseline
    np.testing.assert_array_equal(probabilities["front"], np.full(35, 5 / 35))
    np.testing.assert_array_equal(probabilities["back"], np.full(12, 2 / 12))


def test_frequency_counts_window_and_smoothing():
    history = _history(DLT, HAND_MADE)
    counts = np.zeros(12)
    counts[[0, 1, 2]] = [2, 1, 1]  # the last two draws: back {1, 3} and {1, 2}
    expected = scale_to_pick(counts + 0.5, 2)
    probabilities = FrequencyStrategy(window=2, alpha=0.5).predict_proba(history)
    np.testing.assert_allclose(probabilities["back"], expected)
    assert probabilities["back"][0] == pytest.approx(2 * 2.5 / (4 + 12 * 0.5))


def test_omission_gaps_follow_formula():
    history = _history(DLT, HAND_MADE)
    # Back gaps after three draws: 1 -> 0 (last draw), 2 -> 0, 3 -> 1, every other number -> 3.
    gaps = np.full(12, 3.0)
    gaps[[0, 1, 2]] = [0, 0, 1]
    expected = scale_to_pick((1 + gaps) ** 1.5, 2)
    np.testing.assert_allclose(OmissionStrategy(power=1.5).predict_proba(history)["back"], expected)


def test_omission_power_zero_is_uniform():
    history = _history(DLT, HAND_MADE)
    np.testing.assert_allclose(OmissionStrategy(power=0).predict_proba(history)["front"], np.full(35, 5 / 35))


def test_recency_halves_each_half_life():
    history = _history(DLT, HAND_MADE)
    # half_life 1: the draws count 1/4, 1/2, 1 from oldest to latest.
    weights = np.zeros(12)
    weights[0] = 0.25 + 0.5 + 1
    weights[1] = 0.25 + 1
    weights[2] = 0.5
    expected = scale_to_pick(weights + 0.1, 2)
    np.testing.assert_allclose(
        RecencyStrategy(half_life=1, alpha=0.1).predict_proba(history)["back"], expected
    )


def test_decayed_sums_match_direct_sums_across_blocks():
    rng = np.random.default_rng(5)
    drawn = rng.integers(0, 2, size=(700, 4)).astype(np.uint8)
    half_life = 0.3  # blocks of 150 draws, so the carry between blocks is exercised
    decay = 2 ** (-1 / half_life)
    sums = decayed_sums(drawn, decay, half_life)
    for t in (0, 149, 150, 151, 699):
        direct = (decay ** np.arange(t, -1, -1)) @ drawn[: t + 1]
        np.testing.assert_allclose(sums[t], direct, rtol=1e-12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: FrequencyStrategy(window=0),
            "strategy 'frequency': parameter window must be an integer of at least 1 or None, got 0",
        ),
        (
            lambda: FrequencyStrategy(window=2.5),
            "parameter window must be an integer of at least 1 or None, got 2.5",
        ),
        (
            lambda: FrequencyStrategy(alpha=-1),
            "strategy 'frequency': parameter alpha must be a finite number at least 0, got -1",
        ),
        (
            lambda: OmissionStrategy(power=float("nan")),
            "parameter power must be a finite number at least 0, got nan",
        ),
        (
            lambda: RecencyStrategy(half_life=0),
            "strategy 'recency': parameter half_life must be a finite number above 0, got 0",
        ),
        (lambda: RecencyStrategy(alpha=True), "parameter alpha must be a finite number at least 0, got True"),
    ],
)
def test_invalid_parameters_raise_config_error(make, message):
    with pytest.raises(ConfigError) as caught:
        make()
    assert message in str(caught.value)
    assert caught.value.exit_code == 2
    assert caught.value.zh and "必须" in caught.value.zh


def test_params_report_constructor_values():
    assert FrequencyStrategy(window=30, alpha=0.5).params() == {"window": 30, "alpha": 0.5}
    assert OmissionStrategy(power=1.0).params() == {"power": 1.0}
    assert RecencyStrategy(half_life=8).params() == {"half_life": 8, "alpha": 1.0}
    assert UniformStrategy().params() == {}


def test_single_fold_history_of_one_draw(histories):
    history = histories["ssq"].slice(0, 2)
    folds = [Fold(train_start=0, train_end=0, target=1)]
    for strategy in STRATEGIES:
        predicted = strategy.predict_folds(history, folds)
        check_probabilities(SSQ, predicted)


def test_scale_to_pick_when_every_entry_hits_a_bound():
    # Six counts of 1 and 27 of 0 without smoothing: capping the six at 1 - floor and flooring the
    # rest would sum to 6.0021, so the six must share 6 - 27 * floor instead.
    weights = np.zeros(33)
    weights[:6] = 1
    p = scale_to_pick(weights, 6)
    assert p.sum() == pytest.approx(6, abs=1e-12)
    np.testing.assert_allclose(p[:6], (6 - 27 * 1e-4) / 6)
    np.testing.assert_allclose(p[6:], 1e-4)


def test_scale_to_pick_extreme_rows_stay_proportional():
    weights = np.random.default_rng(2).exponential(size=(400, 35)) ** 8
    p = scale_to_pick(weights, 5)
    np.testing.assert_allclose(p.sum(axis=1), 5, atol=1e-12)
    assert p.min() >= 1e-4
    assert p.max() <= 1 - 1e-4
    for row, w in zip(p, weights + 1e-12, strict=True):
        free = (row > 1e-4) & (row < 1 - 1e-4)
        ratios = row[free] / w[free]
        np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
