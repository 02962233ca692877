"""The LSTM network and its output layer, whose probabilities sum to each pool's pick count.

See :mod:`lotto_lab.models.lstm` for how the strategy uses them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["LN2", "LSTMNetwork", "network_log_loss_bits", "shifted_logits"]

LN2 = math.log(2.0)
_SHIFT_MAX_ITERATIONS = 60


def shifted_logits(logits: torch.Tensor, pick: int) -> torch.Tensor:
    """Return ``logits + tau`` with ``tau`` chosen per row so that ``sigmoid`` of it sums to ``pick``.

    Works on the last axis. The shift is solved by Newton steps guarded by bisection inside the
    bracket ``[logit(r) - max z, logit(r) - min z]`` with ``r = pick / size``, where the sum is
    below and above ``pick`` at the two ends. A final Newton step outside ``no_grad`` gives the
    result the exact implicit gradient of the shift.
    """
    size = logits.shape[-1]
    if not 0 < pick < size:
        raise ValueError(f"pick must be between 1 and size - 1 ({size - 1}), got {pick}")
    base = math.log(pick / (size - pick))
    tolerance = 64 * torch.finfo(logits.dtype).eps * pick

    with torch.no_grad():
        z = logits.detach()
        low = base - z.amax(dim=-1, keepdim=True)
        high = base - z.amin(dim=-1, keepdim=True)
        tau = torch.clamp(base - z.mean(dim=-1, keepdim=True), low, high)
        for _ in range(_SHIFT_MAX_ITERATIONS):
            p = torch.sigmoid(z + tau)
            excess = p.sum(dim=-1, keepdim=True) - pick
            if float(excess.abs().max()) <= tolerance:
                break
            low = torch.where(excess < 0, tau, low)
            high = torch.where(excess > 0, tau, high)
            slope = (p * (1 - p)).sum(dim=-1, keepdim=True).clamp_min(torch.finfo(z.dtype).tiny)
            newton = tau - excess / slope
            tau = torch.where((newton > low) & (newton < high), newton, (low + high) / 2)

    p = torch.sigmoid(logits + tau)
    slope = (p * (1 - p)).sum(dim=-1, keepdim=True).detach()
    return logits + tau + (pick - p.sum(dim=-1, keepdim=True)) / slope


class LSTMNetwork(nn.Module):
    """LSTM over a window of draws, then one linear head with a logit per number of every pool."""

    def __init__(
        self, input_size: int, pool_sizes: Sequence[int], hidden_size: int, num_layers: int, dropout: float
    ) -> None:
        super().__init__()
        self.pool_sizes = tuple(int(size) for size in pool_sizes)
        self.lstm = nn.LSTM(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, sum(self.pool_sizes))

    def forward(self, inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Return one ``(batch, size)`` logit tensor per pool for ``(batch, window, input_size)`` inputs."""
        output, _ = self.lstm(inputs)
        logits = self.head(self.dropout(output[:, -1]))
        return tuple(torch.split(logits, self.pool_sizes, dim=-1))


def network_log_loss_bits(
    network: LSTMNetwork, picks: Sequence[int], inputs: torch.Tensor, targets: Sequence[torch.Tensor]
) -> torch.Tensor:
    """Return the mean log-loss per draw in bits of ``network`` on a batch, pools summed."""
    total = inputs.new_zeros(())
    for logits, pick, target in zip(network(inputs), picks, targets, strict=True):
        shifted = shifted_logits(logits, pick)
        total = total + F.binary_cross_entropy_with_logits(shifted, target, reduction="sum")
    return total / (inputs.shape[0] * LN2)
