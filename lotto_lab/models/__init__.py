"""The LSTM strategy, its checkpoints and its Optuna tuning.

Modules: :mod:`~lotto_lab.models.lstm` (the strategy), :mod:`~lotto_lab.models.network` and
:mod:`~lotto_lab.models.training` (network and training loop), :mod:`~lotto_lab.models.checkpoint`,
:mod:`~lotto_lab.models.tuning` (the study), :mod:`~lotto_lab.models.holdout` (the judgement on the
holdout), :mod:`~lotto_lab.models.signal_check` (planted-signal checks), :mod:`~lotto_lab.models.figures`,
:mod:`~lotto_lab.models.storage` and :mod:`~lotto_lab.models.tune_cli` (``lotto-lab tune``). This
package module imports none of them, so importing it does not load PyTorch.
"""
