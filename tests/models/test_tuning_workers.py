"""Two worker processes tune one study through a shared SQLite file (the default storage kind)."""

from __future__ import annotations

import subprocess
import sys

import optuna
import pytest
from optuna.trial import TrialState

from lotto_lab.models.storage import open_storage

WORKER = """
import sys

from lotto_lab.models.tuning import SearchSpace, TuningSettings, run_study
from lotto_lab.synthetic import fair_history

space = SearchSpace(
    window=(2, 4), hidden_size=(4, 8), num_layers=(1, 1), dropout=(0.0, 0.1),
    learning_rate=(3e-3, 3e-2), batch_size=(32, 64), epochs=(2, 3),
)
settings = TuningSettings(
    game="ssq", n_trials=3, holdout_size=60, validation_size=40, max_epochs=3, patience=2,
    storage=sys.argv[1], study_name="two-workers", worker=int(sys.argv[2]), search_space=space,
    num_threads=1, seed=5,
)
run_study(fair_history("ssq", 260, seed=21), settings)
"""


@pytest.mark.slow
def test_two_workers_share_one_study(tmp_path):
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(number)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in (0, 1)
    ]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr

    study = optuna.load_study(storage=open_storage(url), study_name="two-workers")
    trials = study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED))
    assert len(trials) == 6
    assert sorted(trial.number for trial in trials) == list(range(6))
    by_worker = {number: [t for t in trials if t.user_attrs["worker"] == number] for number in (0, 1)}
    assert len(by_worker[0]) == 3
    assert len(by_worker[1]) == 3
    first_params = [min(by_worker[number], key=lambda t: t.number).params for number in (0, 1)]
    assert first_params[0] != first_params[1]
