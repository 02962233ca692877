"""Does any strategy beat uniform, once every try is counted?

Each strategy's per-draw log-loss lift over uniform (bits; positive means fewer bits than
uniform) is tested one-sided, H0: mean lift <= 0 against H1: mean lift > 0. The test is a paired
t-test with a Newey-West (HAC) standard error, so serial dependence in the lifts does not make it
too eager. Under a fair draw every forecast other than uniform has a negative expected lift (its
Kullback-Leibler divergence from the truth), so the test is conservative there.

Two corrections guard against reporting the luckiest of many tries:

- Holm's step-down correction over every strategy compared plus every tuning trial run for them
  (``n_trials``). Trials are not scored on the same draws, so their p-values are unknown; they
  enter the family as p = 1, which can only make the adjusted p-values larger than Holm on the
  full family would.
- Hansen's Superior Predictive Ability (SPA) test of "the best strategy beats uniform", which
  bootstraps the maximum over strategies and so accounts for their correlation.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.evaluation.bootstrap import bootstrap_counts, bootstrap_means, default_block_length

log = logging.getLogger(__name__)

__all__ = [
    "Significance",
    "SpaResult",
    "hac_mean_test",
    "holm_adjust",
    "lift_significance",
    "newey_west_lags",
    "spa_test",
    "stationary_long_run_variance",
]

# Columns of Significance.tests, in order.
TEST_COLUMNS = ["strategy", "mean_lift", "se", "t_stat", "p_value", "p_holm", "significant"]


def newey_west_lags(n: int) -> int:
    """Return the Newey-West lag truncation for ``n`` observations: ``floor(4 (n / 100) ** (2/9))``."""
    return max(0, math.floor(4 * (n / 100) ** (2 / 9)))


def hac_mean_test(
    values: np.ndarray, *, lags: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Test H0: mean <= 0 against H1: mean > 0 for each column, with a HAC standard error.

    Parameters
    ----------
    values
        ``(n,)`` or ``(n, m)`` per-draw values (for example lifts), one column per series.
    lags
        Bartlett-kernel lags of the Newey-West variance (default :func:`newey_west_lags`).

    Returns
    -------
    tuple of numpy.ndarray
        ``mean, se, t_stat, p_value`` per column. The p-value uses Student's t with ``n - 1``
        degrees of freedom. A column with zero variance gets ``se = 0``, ``t = nan`` and
        p = 0 when its mean is positive, 1 otherwise.
    """
    x = np.asarray(values, dtype=np.float64)
    one_series = x.ndim == 1
    if one_series:
        x = x[:, None]
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"a mean test needs at least 2 draws, got {n}")
    n_lags = newey_west_lags(n) if lags is None else int(lags)
    n_lags = min(n_lags, n - 1)

    mean = x.mean(axis=0)
    centred = x - mean
    variance = (centred**2).sum(axis=0) / n
    for lag in range(1, n_lags + 1):
        weight = 1.0 - lag / (n_lags + 1)
        variance += 2 * weight * (centred[lag:] * centred[:-lag]).sum(axis=0) / n
    variance = np.maximum(variance, 0.0)
    se = np.sqrt(variance / n)

    # A column whose values are all equal has no sampling spread: its mean is exact.
    constant = se <= 1e-12 * np.maximum(1.0, np.abs(mean))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_stat = np.where(constant, np.nan, mean / np.where(constant, 1.0, se))
    p_value = np.where(constant, np.where(mean > 0, 0.0, 1.0), stats.t.sf(t_stat, df=n - 1))
    se = np.where(constant, 0.0, se)
    if one_series:
        return mean[:1], se[:1], t_stat[:1], p_value[:1]
    return mean, se, t_stat, p_value


def holm_adjust(p_values: np.ndarray, *, n_extra: int = 0) -> np.ndarray:
    """Return Holm-adjusted p-values, counting ``n_extra`` further hypotheses with unknown p.

    The unknown p-values are taken as 1, so they sort last and the family size is
    ``len(p_values) + n_extra``. NaN entries are left as NaN and do not count.
    """
    p = np.asarray(p_values, dtype=np.float64)
    if n_extra < 0:
        raise ValueError(f"n_extra must be at least 0, got {n_extra}")
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if present.size == 0:
        return adjusted
    family = present.size + n_extra
    order = present[np.argsort(p[present], kind="stable")]
    multipliers = family - np.arange(order.size)
    stepped = np.maximum.accumulate(np.minimum(1.0, multipliers * p[order]))
    adjusted[order] = stepped
    return adjusted


@dataclass(frozen=True)
class SpaResult:
    """Hansen's SPA test of "the best strategy has a higher mean lift than uniform".

    ``p_consistent`` is Hansen's recommended p-value; ``p_lower`` and ``p_upper`` bound it
    (``p_upper`` recentres every strategy, as White's Reality Check does, but on studentized
    statistics). Every p-value is 1 when no strategy has a positive mean lift.
    """

    best: str
    best_mean_lift: float
    statistic: float
    p_lower: float
    p_consistent: float
    p_upper: float
    strategies: tuple[str, ...]
    reps: int
    block_length: int
    bootstrap: str = "stationary"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {
            "best": self.best,
            "best_mean_lift": self.best_mean_lift,
            "statistic": self.statistic,
            "p_lower": self.p_lower,
            "p_consistent": self.p_consistent,
            "p_upper": self.p_upper,
            "strategies": list(self.strategies),
            "reps": self.reps,
            "block_length": self.block_length,
            "bootstrap": self.bootstrap,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpaResult:
        """Rebuild a result saved by :meth:`to_dict`."""
        return cls(**{**data, "strategies": tuple(data["strategies"])})


def stationary_long_run_variance(values: np.ndarray, block_length: int) -> np.ndarray:
    """Return the long-run variance of each column of ``values`` ``(n, m)`` that the stationary
    bootstrap implies: ``g0 + 2 sum_i k(i) g_i`` with ``k(i) = (1 - i/n) (1 - r)^i + (i/n) (1 - r)^(n-i)``
    and ``r = 1 / block_length``, the estimator Hansen's SPA test uses.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    centred = x - x.mean(axis=0)
    # Autocovariances at every lag at once, from the FFT of the zero-padded series.
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size, axis=0)
    autocovariance = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=0)[:n] / n
    lags = np.arange(1, n)
    stay = 1.0 - 1.0 / block_length
    kernel = (1 - lags / n) * stay**lags + (lags / n) * stay ** (n - lags)
    return autocovariance[0] + 2 * (kernel[:, None] * autocovariance[1:]).sum(axis=0)


def spa_test(
    lifts: np.ndarray,
    names: list[str],
    *,
    block_length: int,
    reps: int,
    seed: int,
    counts: np.ndarray | None = None,
) -> SpaResult:
    """Run Hansen's SPA test on per-draw lifts ``(n, m)``, one column per strategy.

    The statistic is ``max(0, max_k sqrt(n) mean_k / omega_k)`` with ``omega_k`` from
    :func:`stationary_long_run_variance`. Stationary-bootstrap replicates of the means are
    recentred three ways: every strategy (upper bound), none of those with a negative mean
    (lower bound), and only those not far below zero (``mean_k >= -omega_k sqrt(2 log log n / n)``,
    the consistent p-value). A p-value is the share of replicate statistics at or above the
    observed one. ``arch.bootstrap.SPA`` (arch 8.0) compares raw means rather than studentized
    ones, which lets the noisiest strategy dominate, so the test is computed here.

    ``counts`` may pass stationary-bootstrap replicates already drawn
    (:func:`~lotto_lab.evaluation.bootstrap.bootstrap_counts` with the same ``block_length``);
    ``reps`` and ``seed`` are then not used to draw new ones.
    """
    x = np.asarray(lifts, dtype=np.float64)
    n, m = x.shape
    if m != len(names):
        raise ValueError(f"lifts has {m} columns but {len(names)} names were given")
    mean = x.mean(axis=0)
    omega = np.sqrt(np.maximum(stationary_long_run_variance(x, block_length), 1e-300))
    statistic = max(0.0, float(np.max(np.sqrt(n) * mean / omega)))

    if counts is None:
        counts = bootstrap_counts(n, reps, block_length, np.random.default_rng(seed), "stationary")
    reps = counts.shape[0]
    centred = bootstrap_means(counts, x) - mean
    threshold = -omega * math.sqrt(2 * math.log(max(math.log(n), 1.0)) / n)
    null_means = {
        "lower": np.minimum(mean, 0.0),
        "consistent": np.where(mean < threshold, mean, 0.0),
        "upper": np.zeros(m),
    }
    p_values = {}
    for name, null_mean in null_means.items():
        replicate = np.maximum(0.0, (np.sqrt(n) * (centred + null_mean) / omega).max(axis=1))
        p_values[name] = float(np.mean(replicate >= statistic)) if statistic > 0 else 1.0

    best = int(np.argmax(mean))
    return SpaResult(
        best=names[best],
        best_mean_lift=float(mean[best]),
        statistic=statistic,
        p_lower=p_values["lower"],
        p_consistent=p_values["consistent"],
        p_upper=p_values["upper"],
        strategies=tuple(names),
        reps=reps,
        block_length=block_length,
    )


@dataclass(frozen=True, eq=False)
class Significance:
    """Per-strategy lift tests with Holm correction and the SPA test of the best.

    ``tests`` has one row per strategy compared: ``strategy, mean_lift`` (bits per draw), ``se``
    (HAC), ``t_stat``, ``p_value`` (one-sided, uncorrected), ``p_holm`` and ``significant``
    (``p_holm < alpha``). ``family_size`` is the number of strategies compared plus ``n_trials``.
    ``spa`` is None when no strategy's lift varies from draw to draw.
    """

    tests: pd.DataFrame
    n_trials: int
    family_size: int
    alpha: float
    n_draws: int
    hac_lags: int
    spa: SpaResult | None
    excluded: tuple[str, ...] = field(default=())

    @property
    def significant(self) -> list[str]:
        """Names of the strategies whose Holm-corrected p-value is below ``alpha``."""
        return self.tests.loc[self.tests["significant"], "strategy"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict."""
        return {
            "tests": [
                {key: _json_value(value) for key, value in row.items()}
                for row in self.tests.to_dict(orient="records")
            ],
            "n_trials": self.n_trials,
            "family_size": self.family_size,
            "alpha": self.alpha,
            "n_draws": self.n_draws,
            "hac_lags": self.hac_lags,
            "spa": self.spa.to_dict() if self.spa is not None else None,
            "excluded": list(self.excluded),
            "method": (
                "one-sided paired t-test of the per-draw log-loss lift over uniform with a "
                "Newey-West standard error; Holm correction over the strategies compared plus the "
                "tuning trials; Hansen's SPA test of the best strategy (stationary bootstrap)"
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Significance:
        """Rebuild a result saved by :meth:`to_dict`."""
        tests = pd.DataFrame(list(data["tests"]), columns=TEST_COLUMNS)
        tests = tests.astype({column: float for column in ("mean_lift", "se", "t_stat", "p_value", "p_holm")})
        tests["significant"] = tests["significant"].astype(bool)
        return cls(
            tests=tests,
            n_trials=int(data["n_trials"]),
            family_size=int(data["family_size"]),
            alpha=float(data["alpha"]),
            n_draws=int(data["n_draws"]),
            hac_lags=int(data["hac_lags"]),
            spa=SpaResult.from_dict(data["spa"]) if data.get("spa") else None,
            excluded=tuple(data.get("excluded", ())),
        )


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def lift_significance(
    lifts: Mapping[str, np.ndarray] | pd.DataFrame,
    *,
    n_trials: int = 0,
    alpha: float = 0.05,
    n_bootstrap: int = 1000,
    block_length: int | None = None,
    seed: int = DEFAULT_SEED,
    counts: np.ndarray | None = None,
) -> Significance:
    """Test every strategy's per-draw lift over uniform, corrected for all tries.

    Parameters
    ----------
    lifts
        Per strategy, the ``(n_draws,)`` lifts in bits on the same draws in the same order (a
        mapping or a DataFrame with one column per strategy). Leave the uniform strategy out:
        it is the reference, not a comparison.
    n_trials
        Tuning trials run to produce the strategies (an Optuna study's trials); each counts as
        one more comparison in the Holm family.
    alpha
        Level of the reported ``significant`` flags.
    n_bootstrap
        Replicates of the SPA bootstrap; 0 skips the SPA test.
    block_length
        Mean block length of the SPA's stationary bootstrap (default
        :func:`~lotto_lab.evaluation.bootstrap.default_block_length`).
    seed
        Seed of the SPA bootstrap.
    counts
        Stationary-bootstrap replicates to reuse for the SPA test (``(n_bootstrap, n_draws)``
        counts with mean block ``block_length``); drawn from ``seed`` when None.

    Raises
    ------
    ConfigError
        When a parameter is out of range or the series have different lengths.
    """
    columns = {name: np.asarray(values, dtype=np.float64) for name, values in lifts.items()}
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        raise ConfigError(
            f"every strategy must be scored on the same draws, got these lengths: {lengths}",
            zh=f"每个策略都必须在相同的开奖期上评分，各策略的期数为: {lengths}",
        )
    frame = pd.DataFrame(columns)
    _validate(frame, n_trials, alpha, n_bootstrap, block_length)
    n = len(frame)
    names = list(frame.columns)
    x = frame.to_numpy()

    if names:
        mean, se, t_stat, p_value = hac_mean_test(x)
    else:
        mean = se = t_stat = p_value = np.empty(0)
    p_holm = holm_adjust(p_value, n_extra=n_trials)
    tests = pd.DataFrame(
        {
            "strategy": names,
            "mean_lift": mean,
            "se": se,
            "t_stat": t_stat,
            "p_value": p_value,
            "p_holm": p_holm,
            "significant": p_holm < alpha,
        },
        columns=TEST_COLUMNS,
    )

    # SPA studentizes each strategy, so a strategy whose lift never varies cannot enter it.
    varying = [i for i in range(len(names)) if np.ptp(x[:, i]) > 0]
    excluded = tuple(names[i] for i in range(len(names)) if i not in varying)
    spa = None
    if varying and n_bootstrap > 0:
        spa = spa_test(
            x[:, varying],
            [names[i] for i in varying],
            block_length=block_length or default_block_length(n),
            reps=n_bootstrap,
            seed=seed,
            counts=counts,
        )
    log.info(
        "lift tests on %d draws: %d strategies, %d tuning trials, %d significant after Holm",
        n,
        len(names),
        n_trials,
        int(tests["significant"].sum()),
    )
    return Significance(
        tests=tests,
        n_trials=n_trials,
        family_size=len(names) + n_trials,
        alpha=alpha,
        n_draws=n,
        hac_lags=min(newey_west_lags(n), n - 1),
        spa=spa,
        excluded=excluded,
    )


def _validate(
    frame: pd.DataFrame, n_trials: int, alpha: float, n_bootstrap: int, block_length: int | None
) -> None:
    if n_trials < 0:
        raise ConfigError(
            f"n_trials must be at least 0, got {n_trials}",
            zh=f"n_trials 不能小于 0，收到 {n_trials}",
        )
    if not 0 < alpha < 1:
        raise ConfigError(
            f"alpha must lie between 0 and 1, got {alpha}", zh=f"alpha 必须在 0 和 1 之间，收到 {alpha}"
        )
    if n_bootstrap < 0:
        raise ConfigError(
            f"n_bootstrap must be at least 0, got {n_bootstrap}",
            zh=f"n_bootstrap 不能小于 0，收到 {n_bootstrap}",
        )
    if block_length is not None and block_length < 1:
        raise ConfigError(
            f"block_length must be at least 1 or None, got {block_length}",
            zh=f"block_length 必须至少为 1 或不填，收到 {block_length}",
        )
    if frame.shape[1] and len(frame) < 2:
        raise ConfigError(
            f"the lift tests need at least 2 scored draws, got {len(frame)}",
            zh=f"提升检验至少需要 2 期已评分的开奖，收到 {len(frame)} 期",
        )
    if frame.isna().to_numpy().any():
        raise ConfigError(
            "lifts contain NaN: every strategy must be scored on the same draws",
            zh="提升值中含有 NaN：每个策略都必须在相同的开奖期上评分",
        )
