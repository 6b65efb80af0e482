"""``kind = "threshold_optimizer"``: fairlearn's ThresholdOptimizer on another model, compared like any model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from fairlearn.metrics import demographic_parity_ratio
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.postprocessing._threshold_optimizer import ALL_CONSTRAINTS

from models import FeatureSchema, build_model
from models.fair_thresholds import TRUSTED_TYPE, GroupThresholdClassifier, groups_of
from models.persistence import UntrustedModelError, load_model
from portal.config import CONSTRAINTS, ConfigError, load_config
from portal.explain import EXACT_ENUMERATION, PERMUTATION, explainer_for, model_agnostic_explainer
from portal.fairness import band_labels, column_attribute
from portal.jobs import JobRunner, ResultStore
from portal.project import Project

BASE = "Boosted"
FAIR = "Boosted, fair thresholds"
EDGES, LABELS = (40.0,), ("<40", "40+")
FAIR_TABLE = f'name = "{FAIR}"\nkind = "threshold_optimizer"\nbase = "{BASE}"\nprotected = "age"'


def biased_table(n: int = 600, seed: int = 0, bias: float = 0.09) -> pd.DataFrame:
    """Approval depends strongly on age: a model fitted to it selects the over-40s far more often."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, n).astype(float)
    income = rng.normal(50, 15, n)
    home = rng.choice(["rent", "own"], n)
    score = bias * (age - 45) + 0.04 * (income - 50) + 0.5 * (home == "own") + rng.normal(0, 1, n)
    return pd.DataFrame(
        {"applicant": [f"A{i:04d}" for i in range(n)], "age": age, "income": income, "home": home}
    ).assign(approved=np.where(score > 0, "yes", "no"))


def project_text(*, extra: str = "", fair: str | None = None, features: str = "") -> str:
    fair = fair if fair is not None else FAIR_TABLE + '\nconstraint = "demographic_parity"'
    return (
        f'[data]\nsource = "table.csv"\ntarget = "approved"\nid = "applicant"\nprotected = ["age"]\n{features}'
        f'[[models]]\nname = "{BASE}"\nkind = "gradient_boosting"\nparams = {{ n_estimators = 30 }}\n'
        f"[[models]]\n{fair}\n{extra}"
        '[cache]\ndir = "cache"\n'
    )


def write_project(folder: Path, text: str) -> Path:
    (folder / "project.toml").write_text(text)
    return folder / "project.toml"


def open_project(folder: Path, text: str) -> Project:
    config = load_config(write_project(folder, text))
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("thresholds")
    biased_table().to_csv(folder / "table.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def project(folder: Path) -> Project:
    return open_project(folder, project_text(features='features = ["age", "income", "home"]\n'))


def selection_rates(approval: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    return {g: float(approval[groups == g].mean()) for g in np.unique(groups)}


# --- the model -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds", "true_positive_rate_parity"])
def test_the_expected_decision_is_fairlearns_own(constraint: str) -> None:
    table = biased_table(400, seed=1)
    X, y = table[["age", "income", "home"]], (table.approved == "yes").to_numpy(dtype=int)
    base = build_model("gradient_boosting", {"n_estimators": 20}, FeatureSchema.infer(X), "classification").fit(X, y)
    groups = groups_of(X.age, EDGES, LABELS)
    optimizer = ThresholdOptimizer(estimator=base, constraints=constraint, prefit=True, predict_method="predict_proba")
    optimizer.fit(X, y, sensitive_features=groups)
    model = GroupThresholdClassifier.from_optimizer(optimizer, column="age", edges=EDGES, band_labels=LABELS)
    expected = optimizer._pmf_predict(X, sensitive_features=groups)
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    assert model.predict_proba(X).tolist() == model.predict_proba(X).tolist()  # no draw: the same every call
    np.testing.assert_array_equal(model.predict(X), (expected[:, 1] >= 0.5).astype(int))


COLUMNS = {
    "banded": (pd.Series([18.0, 24.9, 25.0, 39.0, 40.0, 60.0, 81.0, np.nan]), [25, 40, 60]),
    "quartiles": (pd.Series(np.r_[np.arange(18.0, 80.0), np.nan]), None),
    "levels": (pd.Series([0, 1, 1, 0, 2]), None),
    "text": (pd.Series(["married", "single", None, "widow"], dtype="str"), None),
    "flags": (pd.Series([True, False, True]), None),
}


@pytest.mark.parametrize("kind", COLUMNS)
def test_the_model_groups_rows_as_the_fairness_pages_do(kind: str) -> None:
    """The model bands its own input at predict time; its labels must be portal.fairness' labels."""
    values, bands = COLUMNS[kind]
    attribute = column_attribute(values, "age", bands)
    edges = attribute.edges.get("age", ())
    labels = groups_of(values, edges, band_labels(edges) if edges else ())
    assert labels.tolist() == attribute.labels.tolist()
    if kind == "banded":
        assert labels.tolist() == ["<25", "<25", "25-40", "25-40", "40-60", "60+", "60+", "missing"]


def test_constraints_are_fairlearns() -> None:
    assert sorted(CONSTRAINTS) == sorted(ALL_CONSTRAINTS)


# --- in a project ----------------------------------------------------------------------------------------
def test_parity_rises_above_the_bases(project: Project) -> None:
    data = project.dataset
    base, fair = (project.models.entries[name].fitted.estimator for name in (BASE, FAIR))
    train = data.features.iloc[data.train_index]
    groups = fair.group_labels(train)
    assert sorted(set(groups)) == ["34-50", "50-66", "66+", "<34"]  # no [fairness] bands: quartiles of age
    base_rates = selection_rates(base.predict_proba(train)[:, 1] >= 0.5, groups)
    fair_rates = selection_rates(fair.predict_proba(train)[:, 1], groups)  # expected decisions
    base_ratio = demographic_parity_ratio(data.y[data.train_index], base.predict(train), sensitive_features=groups)
    assert base_rates["<34"] < 0.05 and base_rates["66+"] > 0.95  # the base is biased by age
    assert base_ratio < 0.05
    assert min(fair_rates.values()) / max(fair_rates.values()) > 0.99  # parity, in expectation
    # held-out rows, hard decisions: still far closer than the base's
    test = data.features.iloc[data.test_index]
    held_out = fair.group_labels(test)
    y_test = data.y[data.test_index]
    base_test = demographic_parity_ratio(y_test, base.predict(test), sensitive_features=held_out)
    fair_test = demographic_parity_ratio(y_test, fair.predict(test), sensitive_features=held_out)
    assert base_test < 0.05 and fair_test > 0.75
    expected = selection_rates(fair.predict_proba(test)[:, 1], held_out)
    assert min(expected.values()) / max(expected.values()) > 0.75


def test_the_fairness_page_measures_its_drawn_decisions_whatever_the_threshold(project: Project) -> None:
    """Its probability is the chance of a yes: the group metrics use seeded draws of its decisions, so the slider
    cannot turn it into another rule, and its parity is near fairlearn's own randomised predictions."""
    assert project.threshold_optimizers() == (FAIR,)  # the page names it under the slider
    at_half, at_ninety = project.group_metrics("age", 0.5), project.group_metrics("age", 0.9)
    fair_half, fair_ninety = (next(f for f in found if f.model_name == FAIR) for found in (at_half, at_ninety))
    np.testing.assert_equal([dict(g.values) for g in fair_half.groups], [dict(g.values) for g in fair_ninety.groups])
    base_half = next(f for f in at_half if f.model_name == BASE)
    assert base_half.disparity.demographic_parity_ratio < 0.1 < 0.7 < fair_half.disparity.demographic_parity_ratio
    test = project.dataset.features.iloc[project.dataset.test_index]
    drawn = project.predictions.held_out_scores().scores[FAIR]
    assert set(np.unique(drawn)) <= {0.0, 1.0}
    expected = project.models.entries[FAIR].fitted.estimator.predict_proba(test)[:, 1]
    assert abs(drawn.mean() - expected.mean()) < 0.06  # draws follow the chances


def test_it_is_compared_like_any_model(project: Project) -> None:
    assert project.model_names == (BASE, FAIR)
    metrics = {m.model_name: m.values for m in project.metrics()}
    # here the outcome itself differs by age, so equal approval rates cost much accuracy
    assert metrics[BASE]["AUC"] > 0.9 and 0.5 < metrics[FAIR]["AUC"] < 0.6
    assert metrics[BASE]["Accuracy"] > 0.85 and 0.55 < metrics[FAIR]["Accuracy"] < 0.65
    method = {p.method: p.exact for p in project.methods()}
    assert method[EXACT_ENUMERATION] is True  # three columns: every coalition, exact
    assert dict(zip(project.model_names, project.output_scales()))[FAIR] == "probability"
    row = project.explain_row(FAIR, project.row_ids()[0], scale="native")
    assert row is not None and row.model_name == FAIR
    assert row.base_value + float(np.sum(row.values)) == pytest.approx(row.output, abs=1e-9)


def test_the_fast_road_gives_the_whole_models_values(project: Project) -> None:
    fair = project.models.entries[FAIR].fitted.estimator
    fast = model_agnostic_explainer(fair, task="classification", background=project.background)
    assert fast.prepared is not None  # the base's column-wise preparation, plus the group code
    slow = dataclasses.replace(fast, prepared=None)
    rows = project.dataset.features.iloc[:20]
    np.testing.assert_array_equal(fast.explain(rows).values, slow.explain(rows).values)


def test_many_columns_are_explained_approximately_and_say_so(project: Project) -> None:
    fair = project.models.entries[FAIR].fitted.estimator
    wide = pd.concat([project.background] + [project.background.income.rename(f"x{i}") for i in range(8)], axis=1)
    rules = {name: getattr(fair, name) for name in ("column", "edges", "band_labels", "groups", "rules")}
    wider = GroupThresholdClassifier(_WithColumns(fair.base, list(wide.columns)), **rules)
    explainer = explainer_for(wider, task="classification", background=wide)
    assert (explainer.method, explainer.exact) == (PERMUTATION, False)
    assert explainer.prepared is None  # a base without a column-wise preparation: the whole model is evaluated


class _WithColumns:
    """The base model, taking extra (ignored) columns: a wide model to dispatch on."""

    def __init__(self, model, columns):
        self.model, self.feature_names_in_, self.classes_ = model, np.asarray(columns), model.classes_

    def predict_proba(self, X):
        return self.model.predict_proba(X[["age", "income", "home"]])


def test_it_round_trips_through_the_cache_and_workers(folder: Path, project: Project) -> None:
    project.start_explanations()  # inline: the worker code path loads the model from its skops file
    explanation = project.explanation(FAIR)
    assert explanation is not None and explanation.n_rows == project.dataset.n_rows
    fitted = project.models.entries[FAIR].fitted
    assert fitted.path.suffix == ".skops" and fitted.trusted == (TRUSTED_TYPE,)
    assert project.models.entries[FAIR].job.trusted == (TRUSTED_TYPE,)
    extra = [t for t in sio.get_untrusted_types(file=fitted.path) if t.split(".")[0] not in ("sklearn", "numpy")]
    assert extra == [TRUSTED_TYPE]  # nothing else beyond the libraries': no pandas, no fairlearn
    with pytest.raises(UntrustedModelError):
        load_model(fitted.path, own=True)  # the safe-loading rules are unchanged: our type must be named
    again = open_project(folder, project_text(features='features = ["age", "income", "home"]\n'))
    loaded = again.models.entries[FAIR].fitted
    assert loaded.seconds_to_fit is None and loaded.fingerprint == fitted.fingerprint  # loaded, not refitted
    rows = project.dataset.features
    np.testing.assert_array_equal(loaded.estimator.predict_proba(rows), fitted.estimator.predict_proba(rows))
    assert again.explanation(FAIR) is not None  # the finished explanation is found by its key
    np.testing.assert_array_equal(again.explanation(FAIR).values, explanation.values)


# --- mistakes in the file --------------------------------------------------------------------------------
AVERAGE = f'[[models]]\nname = "Average"\nkind = "average"\nmembers = ["{BASE}", "Forest"]\n'
FOREST = '[[models]]\nname = "Forest"\nkind = "random_forest"\nparams = { n_estimators = 5 }\n'
MISTAKES = [
    (FAIR_TABLE.replace(f'"{BASE}"', '"Bosted"'), "", "base", "did you mean 'Boosted'?"),
    (FAIR_TABLE.replace(f'"{BASE}"', '"Average"'), FOREST + AVERAGE, "base", "'Average' is an average"),
    (FAIR_TABLE.replace(f'"{BASE}"', f'"{FAIR}"'), "", "base", "names the optimizer itself"),
    (FAIR_TABLE.replace('protected = "age"', ""), "", "protected", 'protected = "age"'),
    (FAIR_TABLE.replace('base = "Boosted"', ""), "", "base", "name the model to post-process"),
    (FAIR_TABLE.replace('"age"', '"income"'), "", "protected", "'income' is not in [data] protected"),
    (FAIR_TABLE + '\nconstraint = "demographic parity"', "", "constraint", "did you mean 'demographic_parity'?"),
    (FAIR_TABLE + "\nparams = { prefit = false }", "", "params", "'prefit' is not a ThresholdOptimizer setting"),
    (FAIR_TABLE + '\nmembers = ["Boosted"]', "", "members", 'is not a setting of kind = "threshold_optimizer"'),
]


@pytest.mark.parametrize(("fair", "extra", "field", "words"), MISTAKES)
def test_config_mistakes_name_the_field_and_the_fix(folder: Path, fair: str, extra: str, field: str, words: str):
    with pytest.raises(ConfigError) as caught:
        load_config(write_project(folder, project_text(fair=fair, extra=extra)))
    assert caught.value.field.endswith(field) and f"'{FAIR}'" in caught.value.field
    assert words in str(caught.value) and "Fix: " in str(caught.value)


def test_optimizer_fields_on_other_kinds_are_refused(folder: Path) -> None:
    text = project_text().replace("params = { n_estimators = 30 }", 'protected = "age"')
    with pytest.raises(ConfigError, match=r"'Boosted' protected: is only for kind = \"threshold_optimizer\""):
        load_config(write_project(folder, text))


def test_a_protected_column_that_is_not_an_input_is_refused_with_the_reason(folder: Path) -> None:
    with pytest.raises(ConfigError) as caught:  # age is protected and, by default, not a model input
        open_project(folder, project_text())
    assert caught.value.field == f"[[models]] '{FAIR}' protected"
    assert "is not a model input" in caught.value.problem and "list 'age' in [data] features" in caught.value.fix


def test_a_group_with_one_outcome_is_named_with_the_fix(folder: Path) -> None:
    text = project_text(extra="[fairness]\nbands = { age = [21] }\n", features='features = ["age", "income", "home"]\n')
    with pytest.raises(ConfigError) as caught:  # nobody under 21 is approved in this table
        open_project(folder, text)
    assert caught.value.field == f"[[models]] '{FAIR}' protected"
    assert "the group '<21' of 'age' has only one outcome" in caught.value.problem
    assert caught.value.fix == "choose wider bands: [fairness] bands = { age = [...] }"


def test_a_bad_objective_is_fairlearns_message_under_params(folder: Path) -> None:
    fair = FAIR_TABLE + '\nconstraint = "equalized_odds"\nparams = { objective = "selection_rate" }'
    with pytest.raises(ConfigError, match=r"'Boosted, fair thresholds' params: For equalized_odds only"):
        open_project(folder, project_text(fair=fair, features='features = ["age", "income", "home"]\n'))
