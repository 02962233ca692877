"""The pipeline plan, its expansion into notebook jobs, and the parameter profiles."""

from __future__ import annotations

import papermill
import pytest

from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.errors import ConfigError, PipelineError
from lotto_lab.pipeline.plan import PIPELINE_PLAN, Step, check_notebooks_exist, expand_plan
from lotto_lab.pipeline.profiles import PROFILES, Profile, get_profile


def test_plan_lists_product_notebooks_in_order():
    names = [step.notebook for step in PIPELINE_PLAN]
    assert names == [
        "01-ingest",
        "02-features",
        "03-tune-lstm",
        "04-backtest",
        "05-predict",
        "06-randomness-audit",
    ]
    assert [step.per_game for step in PIPELINE_PLAN] == [False, True, True, True, True, True]


def test_expand_orders_once_steps_first():
    plan = [Step("02-b"), Step("01-a", per_game=False), Step("03-c")]
    jobs = expand_plan(plan, ["ssq", "dlt"])
    assert [job.name for job in jobs] == ["01-a", "02-b-ssq", "03-c-ssq", "02-b-dlt", "03-c-dlt"]
    assert [job.game for job in jobs] == [None, "ssq", "ssq", "dlt", "dlt"]


def test_expand_rejects_repeated_notebook():
    with pytest.raises(ValueError, match="more than once: 02-b"):
        expand_plan([Step("02-b"), Step("02-b")], ["ssq"])


def test_expand_rejects_empty_plan_and_games():
    with pytest.raises(ValueError, match="no steps"):
        expand_plan([], ["ssq"])
    with pytest.raises(ValueError, match="at least one game"):
        expand_plan([Step("02-b")], [])


@pytest.mark.parametrize("name", ["", "notebooks/02-b", "02-b.ipynb"])
def test_step_rejects_name_that_is_not_bare(name):
    with pytest.raises(ValueError, match="bare notebook name"):
        Step(name)


def test_missing_notebooks_named_in_error(tmp_path):
    (tmp_path / "01-a.ipynb").write_text("{}", encoding="utf-8")
    plan = [Step("01-a", per_game=False), Step("02-b"), Step("03-c")]
    with pytest.raises(PipelineError) as caught:
        check_notebooks_exist(plan, tmp_path)
    assert caught.value.message == (
        f"the pipeline plan names notebooks that are missing from {tmp_path}: 02-b.ipynb, 03-c.ipynb. "
        "Restore them (for example from the repository) and run again."
    )
    assert "02-b.ipynb, 03-c.ipynb" in caught.value.zh


def test_get_profile_unknown_name():
    with pytest.raises(ConfigError) as caught:
        get_profile("fast")
    assert caught.value.message == "unknown pipeline profile 'fast': choose one of full, quick"
    assert caught.value.exit_code == 2


def test_profile_parameters_are_copies_and_read_only():
    profile = Profile("p", "test", {"02-b": {"n": 1}})
    copy = profile.parameters_for("02-b")
    copy["n"] = 2
    assert profile.parameters_for("02-b") == {"n": 1}
    assert profile.parameters_for("09-none") == {}
    with pytest.raises(TypeError):
        profile.notebooks["02-b"]["n"] = 3  # type: ignore[index]


def test_profiles_share_holdout_between_tuning_and_backtest():
    for profile in PROFILES.values():
        tuning = profile.parameters_for("03-tune-lstm").get("holdout_size")
        backtest = profile.parameters_for("04-backtest").get("holdout_size")
        assert tuning == backtest, profile.name


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
def test_profile_parameters_declared_by_real_notebooks(profile_name):
    # Fails until every notebook of the plan exists: a plan step without its notebook is an error.
    profile = PROFILES[profile_name]
    check_notebooks_exist(PIPELINE_PLAN, NOTEBOOKS_DIR)
    for notebook, values in profile.notebooks.items():
        declared = papermill.inspect_notebook(str(NOTEBOOKS_DIR / f"{notebook}.ipynb"))
        assert set(values) <= set(declared), f"{notebook}: {sorted(set(values) - set(declared))}"
