"""The strategy registry: names, construction, errors and the lazy lstm entry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.strategies import registry
from lotto_lab.strategies.base import Strategy
from lotto_lab.strategies.frequency import FrequencyStrategy
from lotto_lab.strategies.registry import (
    available_strategies,
    make_strategy,
    non_neural_strategies,
    register_strategy,
    strategy_class,
)


def test_available_strategies_lists_uniform_first_and_lstm():
    assert available_strategies() == ["uniform", "frequency", "omission", "recency", "lstm"]


def test_non_neural_strategies_exclude_lazy_entry():
    assert non_neural_strategies() == ["uniform", "frequency", "omission", "recency"]


def test_non_neural_strategies_after_lstm_import():
    strategy_class("lstm")
    assert "lstm" not in non_neural_strategies()


def test_make_strategy_passes_params():
    strategy = make_strategy("frequency", window=50, alpha=0.5)
    assert isinstance(strategy, FrequencyStrategy)
    assert strategy.params() == {"window": 50, "alpha": 0.5}


def test_make_strategy_name_is_case_insensitive():
    assert make_strategy(" Recency ").name == "recency"


def test_unknown_strategy_lists_choices():
    with pytest.raises(ConfigError) as caught:
        make_strategy("hot-numbers")
    assert str(caught.value) == (
        "unknown strategy 'hot-numbers': choose one of uniform, frequency, omission, recency, lstm"
    )
    assert caught.value.zh == "未知的策略 'hot-numbers': 可选 uniform, frequency, omission, recency, lstm"
    assert caught.value.exit_code == 2


def test_unknown_parameter_lists_valid_ones():
    with pytest.raises(ConfigError) as caught:
        make_strategy("recency", halflife=3)
    assert str(caught.value) == (
        "strategy 'recency' has no parameter halflife; its parameters are: alpha, half_life"
    )
    assert caught.value.zh == "策略 'recency' 没有参数 halflife; 可用参数: alpha, half_life"


def test_uniform_takes_no_parameters():
    with pytest.raises(
        ConfigError, match="strategy 'uniform' has no parameter window; its parameters are: none"
    ):
        make_strategy("uniform", window=3)


def test_invalid_value_raises_config_error():
    with pytest.raises(ConfigError, match="parameter power must be a finite number at least 0, got -2"):
        make_strategy("omission", power=-2)


def test_registry_import_leaves_lstm_unloaded():
    code = (
        "import sys; import lotto_lab.strategies.registry as r; r.make_strategy('frequency'); "
        "print('lotto_lab.models.lstm' in sys.modules, 'torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_lazy_entry_imported_on_request(monkeypatch):
    monkeypatch.setitem(
        registry._REGISTRY, "frequency-lazy", "lotto_lab.strategies.frequency:FrequencyStrategy"
    )
    assert strategy_class("frequency-lazy") is FrequencyStrategy
    assert registry._REGISTRY["frequency-lazy"] is FrequencyStrategy


def test_lazy_entry_missing_module_raises_config_error(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "ghost", "lotto_lab.no_such_module:Ghost")
    with pytest.raises(ConfigError) as caught:
        make_strategy("ghost")
    assert str(caught.value).startswith(
        "strategy 'ghost' could not be loaded from lotto_lab.no_such_module:Ghost: No module named"
    )


def test_lazy_entry_must_name_strategy_subclass(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "not-a-strategy", "lotto_lab.games:GameSpec")
    with pytest.raises(
        ConfigError, match="strategy 'not-a-strategy': lotto_lab.games:GameSpec is not a Strategy subclass"
    ):
        strategy_class("not-a-strategy")


def test_register_strategy_rejects_bad_targets(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    with pytest.raises(TypeError, match="a strategy must be a Strategy subclass"):
        register_strategy("bad", dict)
    with pytest.raises(ValueError, match="must read 'module:ClassName'"):
        register_strategy("bad", "lotto_lab.games.GameSpec")
    register_strategy("freq2", FrequencyStrategy)
    assert "freq2" in available_strategies()


def test_lstm_entry_resolves_to_strategy_subclass():
    pytest.importorskip("torch")
    cls = strategy_class("lstm")
    assert issubclass(cls, Strategy)
    assert cls.name == "lstm"
