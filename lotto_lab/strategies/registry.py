"""Strategy names and the classes they refer to.

Built-in strategies are imported with this module. A lazy entry maps a name to
``"module:ClassName"`` and is imported only when that strategy is requested, so that asking for
``frequency`` never imports PyTorch for ``lstm``.
"""

from __future__ import annotations

import importlib
import inspect

from lotto_lab.errors import ConfigError
from lotto_lab.strategies.base import Strategy
from lotto_lab.strategies.frequency import FrequencyStrategy
from lotto_lab.strategies.omission import OmissionStrategy
from lotto_lab.strategies.recency import RecencyStrategy
from lotto_lab.strategies.uniform import UniformStrategy

__all__ = [
    "available_strategies",
    "make_strategy",
    "non_neural_strategies",
    "register_strategy",
    "strategy_class",
]

# name -> class, or "module:ClassName" for a lazy entry. Insertion order is the listing order.
_REGISTRY: dict[str, type[Strategy] | str] = {
    UniformStrategy.name: UniformStrategy,
    FrequencyStrategy.name: FrequencyStrategy,
    OmissionStrategy.name: OmissionStrategy,
    RecencyStrategy.name: RecencyStrategy,
    "lstm": "lotto_lab.models.lstm:LSTMStrategy",
}

# Lazy entries that are neural networks; they stay neural after their first import.
_NEURAL = frozenset({"lstm"})


def available_strategies() -> list[str]:
    """Return every registered strategy name, lazy entries included, uniform first."""
    return list(_REGISTRY)


def non_neural_strategies() -> list[str]:
    """Return the names of the strategies that are not neural networks (the cheap, untuned ones)."""
    return [name for name in _REGISTRY if name not in _NEURAL]


def register_strategy(name: str, target: type[Strategy] | str) -> None:
    """Register ``target`` (a Strategy subclass, or ``"module:ClassName"`` imported on first use)."""
    if not isinstance(target, str) and not (inspect.isclass(target) and issubclass(target, Strategy)):
        raise TypeError(f"a strategy must be a Strategy subclass or 'module:ClassName', got {target!r}")
    if isinstance(target, str) and target.count(":") != 1:
        raise ValueError(f"a lazy strategy entry must read 'module:ClassName', got {target!r}")
    _REGISTRY[name] = target


def strategy_class(name: str) -> type[Strategy]:
    """Return the class registered as ``name``, importing a lazy entry on first use.

    Raises
    ------
    ConfigError
        When no strategy has that name, or a lazy entry cannot be imported.
    """
    key = str(name).strip().lower()
    if key not in _REGISTRY:
        choices = ", ".join(_REGISTRY)
        raise ConfigError(
            f"unknown strategy {name!r}: choose one of {choices}",
            zh=f"未知的策略 {name!r}: 可选 {choices}",
        )
    target = _REGISTRY[key]
    if isinstance(target, str):
        target = _import_lazy(key, target)
        _REGISTRY[key] = target
    return target


def make_strategy(name: str, **params: object) -> Strategy:
    """Return a new strategy ``name`` built with ``params``.

    Raises
    ------
    ConfigError
        When the name is unknown, a parameter is not one the strategy takes, or a value is invalid.
    """
    cls = strategy_class(name)
    accepted = _parameter_names(cls)
    if accepted is not None:
        unknown = sorted(set(params) - accepted)
        if unknown:
            valid = ", ".join(sorted(accepted)) or "none"
            raise ConfigError(
                f"strategy {cls.name!r} has no parameter {', '.join(unknown)}; its parameters are: {valid}",
                zh=f"策略 {cls.name!r} 没有参数 {', '.join(unknown)}; 可用参数: {valid}",
            )
    return cls(**params)


def _parameter_names(cls: type[Strategy]) -> set[str] | None:
    """Return the keyword parameters of ``cls``, or None when it accepts any (``**kwargs``)."""
    names = set()
    for parameter in inspect.signature(cls).parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            return None
        if parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY):
            names.add(parameter.name)
    return names


def _import_lazy(name: str, target: str) -> type[Strategy]:
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise ConfigError(
            f"strategy {name!r} could not be loaded from {target}: {error}",
            zh=f"无法从 {target} 加载策略 {name!r}: {error}",
        ) from error
    if not (inspect.isclass(cls) and issubclass(cls, Strategy)):
        raise ConfigError(
            f"strategy {name!r}: {target} is not a Strategy subclass",
            zh=f"策略 {name!r}: {target} 不是 Strategy 的子类",
        )
    return cls
