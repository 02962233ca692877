"""LSTM checkpoints: round trip, metadata, and every reason to reject one."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

from lotto_lab.errors import CheckpointError
from lotto_lab.models.checkpoint import (
    FORMAT_VERSION,
    METADATA_FILE,
    WEIGHTS_FILE,
    load_checkpoint,
    save_checkpoint,
)
from lotto_lab.models.lstm import LSTMStrategy
from lotto_lab.synthetic import fair_history

TINY = {"window": 3, "hidden_size": 8, "max_epochs": 2, "num_threads": 1}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    history = fair_history("ssq", 80, seed=11)
    strategy = LSTMStrategy(**TINY, feature_columns=("lag1_red_sum",)).fit(history)
    folder = save_checkpoint(strategy, tmp_path_factory.mktemp("checkpoint") / "ssq" / "lstm")
    return history, strategy, folder


def edit_metadata(folder, tmp_path, change):
    """Copy a checkpoint to ``tmp_path`` and apply ``change`` to its metadata."""
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / WEIGHTS_FILE).write_bytes((folder / WEIGHTS_FILE).read_bytes())
    metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    change(metadata)
    (copy / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    return copy


def test_round_trip_predicts_the_same(saved):
    history, strategy, folder = saved
    loaded = load_checkpoint(folder, game="ssq")
    expected = strategy.predict_proba(history)
    actual = loaded.predict_proba(history)
    for pool in ("red", "blue"):
        assert np.array_equal(actual[pool], expected[pool])
    assert loaded.params() == strategy.params()
    assert loaded.fit_summary == strategy.fit_summary


def test_metadata_records_game_range_and_commit(saved):
    history, _, folder = saved
    metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    assert metadata["format_version"] == FORMAT_VERSION
    assert metadata["game"] == "ssq"
    assert metadata["pools"] == [
        {"name": "red", "size": 33, "pick": 6},
        {"name": "blue", "size": 16, "pick": 1},
    ]
    assert metadata["data_range"] == {
        "first_issue": str(history.issues[0]),
        "last_issue": str(history.last_issue),
        "n_draws": 80,
    }
    assert metadata["hyperparameters"]["window"] == 3
    assert metadata["hyperparameters"]["feature_columns"] == ["lag1_red_sum"]
    assert re.fullmatch(r"[0-9a-f]{40}", metadata["training"]["git_commit"])
    assert metadata["training"]["torch_version"] == torch.__version__


def test_other_game_rejected_at_load(saved):
    _, _, folder = saved
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(folder, game="dlt")
    assert caught.value.message == (
        f"LSTM checkpoint {folder} was trained on SSQ draws and cannot predict DLT; "
        f"load the checkpoint of DLT"
    )
    assert caught.value.zh


def test_other_game_rejected_at_predict(saved):
    _, _, folder = saved
    loaded = load_checkpoint(folder)
    with pytest.raises(CheckpointError, match="was trained on SSQ draws and cannot predict DLT draws"):
        loaded.predict_proba(fair_history("dlt", 20, seed=0))


def test_incompatible_version_rejected(saved, tmp_path):
    _, _, folder = saved
    copy = edit_metadata(folder, tmp_path, lambda metadata: metadata.update(format_version=99))
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(copy)
    assert caught.value.message == (
        f"LSTM checkpoint {copy} has format version 99 (kind 'lotto_lab.lstm'); this lotto_lab "
        f"reads version {FORMAT_VERSION} only, so tune the LSTM again to rebuild it"
    )


def test_changed_pool_layout_rejected(saved, tmp_path):
    _, _, folder = saved

    def shrink_blue(metadata):
        metadata["pools"][1]["size"] = 12

    copy = edit_metadata(folder, tmp_path, shrink_blue)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(copy)
    assert caught.value.message.startswith(f"LSTM checkpoint {copy} was trained on the pool layout ")
    assert caught.value.message.endswith("; tune the LSTM again")


def test_weights_of_another_shape_rejected(saved, tmp_path):
    _, _, folder = saved
    copy = edit_metadata(
        folder, tmp_path, lambda metadata: metadata["hyperparameters"].update(hidden_size=16)
    )
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(copy)
    assert caught.value.message.startswith(
        f"LSTM weights in {copy / WEIGHTS_FILE} do not fit the network described by {METADATA_FILE}"
    )


def test_pickled_object_rejected_by_weights_only(saved, tmp_path):
    _, _, folder = saved
    copy = edit_metadata(folder, tmp_path, lambda metadata: None)
    torch.save({"payload": re.compile("not a tensor")}, copy / WEIGHTS_FILE)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(copy)
    assert caught.value.message.startswith(
        f"LSTM weights {copy / WEIGHTS_FILE} cannot be loaded with weights_only=True"
    )


def test_missing_checkpoint_rejected(tmp_path):
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(tmp_path)
    assert caught.value.message == (
        f"no LSTM checkpoint in {tmp_path}: {METADATA_FILE} is missing; run the tuning "
        f"(lotto-lab tune or notebook 03) to create one"
    )


def test_missing_weights_rejected(saved, tmp_path):
    _, _, folder = saved
    copy = edit_metadata(folder, tmp_path, lambda metadata: None)
    (copy / WEIGHTS_FILE).unlink()
    with pytest.raises(CheckpointError, match=f"has no weights file {WEIGHTS_FILE}"):
        load_checkpoint(copy)


def test_unfitted_strategy_not_saved(tmp_path):
    with pytest.raises(RuntimeError, match="not fitted"):
        save_checkpoint(LSTMStrategy(), tmp_path)
