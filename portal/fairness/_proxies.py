"""Proxy detection: which features stand in for a protected attribute, and how much each model leans on them.

Two steps, so the costly one runs once per attribute and the cheap one once per model:

1. :func:`associate` measures every feature against the protected groups (:mod:`portal.fairness`):
   Cramér's V (categorical features) or eta (numeric), normalised mutual information, and the cross-validated
   AUC of predicting the groups from that feature alone and from all features together. All of it on one
   seeded sample stratified by group of at most ``max_rows`` rows (5,000 by default; the loan data, 4,454 rows
   of 13 features, takes about 1.5 s per attribute); ``n_rows`` and ``sample_of`` say how many.
2. :func:`rank_proxies` joins that with one model's importance (mean |SHAP| per feature, made a share of
   the model's total) into a :class:`ProxyTable`, highest proxy risk first, each row with a plain reason.

**The proxy risk score** is ``strength x importance share`` with ``strength = max(0, 2 AUC_alone - 1)`` (the
Gini coefficient of the single-feature AUC: 0 at chance, 1 when the feature reveals the group exactly).
Why this shape: a feature is a proxy risk only when *both* it carries the protected attribute *and* the model
draws on it, and a product is zero when either is, where a sum or a rank average would still flag a
heavily-used innocent feature. Why the AUC and not V, eta or MI as the strength: it is the one measure that is
(a) on one scale for categorical and numeric features and any number of groups, (b) out of sample, so a zip
code with thousands of levels is not credited with chance association, and (c) blind to no shape of
dependence; V, eta and MI are reported beside it for the reader. The score is then the share of the model's
attribution that flows through features able to reconstruct the protected attribute, weighted by how well.

The protected attribute's own source columns (one, or several for an intersection), where they are model
inputs, are not ranked (an attribute is not a proxy for itself): they are reported apart as
:attr:`ProxyTable.direct`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from portal.fairness import _association as assoc

MAX_ROWS = 5_000
MISSING = "(missing)"
CATEGORICAL = "categorical"
NUMERIC = "numeric"
#: A row is flagged when the feature alone predicts the groups at least this well and the model gives it
#: at least this share of its attribution (AUC 0.7 is the usual threshold of "acceptable" discrimination).
FLAG_AUC = 0.7
FLAG_SHARE = 0.05
#: Below this strength (AUC 0.55) a reason says the feature tells next to nothing about the attribute.
NEAR_CHANCE = 0.1

ONE_GROUP = (
    "'{attribute}' has {n} group(s) of at least {least} rows among {groups}; proxy detection needs two: band it "
    "more coarsely"
)
LENGTHS = "the protected labels have {labels} rows but the features {rows}; pass one label per row"


@dataclass(frozen=True)
class FeatureAssociation:
    """One feature against one protected attribute. ``cramers_v`` is for categorical features, ``eta`` numeric."""

    feature: str
    kind: str  # CATEGORICAL | NUMERIC
    cramers_v: float | None
    eta: float | None
    mutual_information: float  # normalised: share of the groups' entropy the feature removes, in [0, 1]
    auc_alone: float  # cross-validated, macro one-vs-rest for more than two groups

    @property
    def strength(self) -> float:
        """The AUC's Gini coefficient, ``max(0, 2 AUC - 1)``: 0 at chance, 1 when the feature gives the group away."""
        return max(0.0, 2 * self.auc_alone - 1) if math.isfinite(self.auc_alone) else 0.0


@dataclass(frozen=True)
class AttributeAssociation:
    """Every feature measured against one protected attribute; ``direct``: its own source columns among them."""

    attribute: str
    groups: tuple[str, ...]
    features: tuple[FeatureAssociation, ...]
    direct: tuple[FeatureAssociation, ...]
    auc_all: float  # predicting the groups from every feature together (the source columns left out)
    n_rows: int
    sample_of: int  # rows with a known group before sampling
    too_small: tuple[str, ...] = ()  # groups left out: fewer than association.MIN_GROUP_ROWS rows


@dataclass(frozen=True)
class ProxyScore:
    """One row of a proxy table: a feature's association scores joined with one model's use of it."""

    feature: str
    kind: str
    cramers_v: float | None
    eta: float | None
    mutual_information: float
    auc_alone: float
    strength: float
    importance_share: float
    risk: float  # strength x importance_share
    flagged: bool
    reason: str


@dataclass(frozen=True)
class ProxyTable:
    """One model's proxy risk for one protected attribute, highest risk first."""

    model_name: str
    attribute: str
    rows: tuple[ProxyScore, ...]
    direct: tuple[ProxyScore, ...]
    auc_all: float
    n_rows: int
    sample_of: int

    def to_records(self) -> list[dict]:
        """The ranked rows as JSON-ready objects (NaN becomes null): the audit's ``proxies.<attribute>`` list."""
        return [_record(row) for row in self.rows]

    def to_dict(self) -> dict:
        """Everything, JSON-ready: the ranked rows plus the direct use, the all-features AUC and the sample size."""
        return {
            "attribute": self.attribute,
            "auc_all_features": _finite(self.auc_all),
            "direct": [_record(row) for row in self.direct],
            "proxies": self.to_records(),
            "n_rows": self.n_rows,
            "sample_of": self.sample_of,
        }


def associate(
    features: pd.DataFrame,
    protected: np.ndarray | pd.Series,
    *,
    attribute: str,
    source: str | Collection[str] | None = None,
    categorical: Collection[str] = (),
    max_rows: int = MAX_ROWS,
    seed: int = 0,
) -> AttributeAssociation:
    """Measure every column of ``features`` against the protected group labels (one per row, missing allowed).

    ``source`` names the column(s) the attribute comes from (``age`` for ``age_band``; both columns of an
    intersection; by default the column named ``attribute``). Those among the features are model inputs: they
    are measured as ``direct`` and left out of the proxies and of the all-features AUC; the others are simply
    not inputs (a protected attribute need not be one). Non-numeric and boolean columns, and any named in
    ``categorical``, are categorical; their missing values are a level of their own, since missingness can
    itself be a proxy.
    """
    labels = pd.Series(np.asarray(protected, dtype=object))
    if len(labels) != len(features):
        raise ValueError(LENGTHS.format(labels=len(labels), rows=len(features)))
    sources = _sources(features, attribute, source)
    known = labels.notna().to_numpy()
    groups = labels[known].astype(str).to_numpy()
    kept, too_small = _big_enough(groups, attribute)
    frame = _prepared(features.loc[known].iloc[kept], categorical)
    groups = groups[kept]
    sample = _stratified_sample(groups, max_rows, seed)
    frame, groups = frame.iloc[sample].reset_index(drop=True), groups[sample]
    measured = {name: _measure(frame, name, groups, seed) for name in frame.columns}
    others = [name for name in frame.columns if name not in sources]
    return AttributeAssociation(
        attribute=attribute,
        groups=tuple(str(g) for g in np.unique(groups)),
        features=tuple(measured[name] for name in others),
        direct=tuple(measured[name] for name in sources),
        auc_all=assoc.predictive_auc(frame[others], groups, _categorical_columns(frame[others]), seed=seed),
        n_rows=len(groups),
        sample_of=len(kept),
        too_small=too_small,
    )


def rank_proxies(
    association: AttributeAssociation,
    model_name: str,
    importance: Mapping[str, float],
    *,
    flag_auc: float = FLAG_AUC,
    flag_share: float = FLAG_SHARE,
) -> ProxyTable:
    """Join an attribute's associations with one model's importance into its ranked proxy table.

    ``importance`` maps the model's input features to mean |SHAP| (any non-negative scale: it is made a share of
    its total here); a feature the model does not use has share 0 and so risk 0. Ties in risk are broken by
    strength, then by share, then by name, so the order is deterministic.
    """
    total = sum(abs(float(v)) for v in importance.values())
    shares = {name: abs(float(v)) / total if total > 0 else 0.0 for name, v in importance.items()}
    context = (association.attribute, model_name, flag_auc, flag_share)
    rows = sorted(
        (_score(a, shares.get(a.feature, 0.0), *context) for a in association.features),
        key=lambda r: (-r.risk, -r.strength, -r.importance_share, r.feature),
    )
    return ProxyTable(
        model_name=model_name,
        attribute=association.attribute,
        rows=tuple(rows),
        direct=tuple(_direct(a, shares.get(a.feature, 0.0), *context) for a in association.direct),
        auc_all=association.auc_all,
        n_rows=association.n_rows,
        sample_of=association.sample_of,
    )


def proxy_tables(
    association: AttributeAssociation, importances: Mapping[str, Mapping[str, float]]
) -> dict[str, ProxyTable]:
    """:func:`rank_proxies` for every model: model name -> its importance mapping."""
    return {model: rank_proxies(association, model, importance) for model, importance in importances.items()}


def mean_abs_importance(values: np.ndarray, feature_names: Collection[str]) -> dict[str, float]:
    """Mean |SHAP| per feature from a (rows, features) array of one model's values: ``rank_proxies``' input."""
    return dict(zip(feature_names, np.abs(np.asarray(values, dtype=np.float64)).mean(axis=0).tolist()))


def _sources(features: pd.DataFrame, attribute: str, source: str | Collection[str] | None) -> tuple[str, ...]:
    named = (attribute,) if source is None else (source,) if isinstance(source, str) else tuple(source)
    return tuple(name for name in named if name in features.columns)


def _big_enough(groups: np.ndarray, attribute: str) -> tuple[np.ndarray, tuple[str, ...]]:
    names, counts = np.unique(groups, return_counts=True)
    small = names[counts < assoc.MIN_GROUP_ROWS]
    if len(names) - len(small) < 2:
        raise ValueError(
            ONE_GROUP.format(
                attribute=attribute, n=len(names) - len(small), least=assoc.MIN_GROUP_ROWS, groups=list(names)
            )
        )
    return np.flatnonzero(~np.isin(groups, small)), tuple(small.tolist())


def _prepared(features: pd.DataFrame, categorical: Collection[str]) -> pd.DataFrame:
    """Categorical columns as text with missing as a level; numeric ones as float with NaN."""
    columns = {}
    for name in features.columns:
        column = features[name]
        if name in categorical or _is_categorical(column):
            columns[name] = column.astype(object).where(column.notna(), MISSING).astype(str).astype(object)
        else:
            columns[name] = column.astype(np.float64)
    return pd.DataFrame(columns, index=features.index)


def _is_categorical(column: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column)


def _categorical_columns(frame: pd.DataFrame) -> list[str]:
    return [name for name in frame.columns if frame[name].dtype == object]


def _stratified_sample(groups: np.ndarray, max_rows: int, seed: int) -> np.ndarray:
    """Positions of a seeded sample of about ``max_rows`` keeping each group's share (and MIN_GROUP_ROWS rows)."""
    if len(groups) <= max_rows:
        return np.arange(len(groups))
    rng = np.random.default_rng(seed)
    picked = []
    for name in np.unique(groups):
        members = np.flatnonzero(groups == name)
        quota = max(assoc.MIN_GROUP_ROWS, round(len(members) * max_rows / len(groups)))
        picked.append(rng.choice(members, size=min(quota, len(members)), replace=False))
    return np.sort(np.concatenate(picked))


def _measure(frame: pd.DataFrame, name: str, groups: np.ndarray, seed: int) -> FeatureAssociation:
    column = frame[name]
    categorical = column.dtype == object
    present = np.ones(len(column), dtype=bool) if categorical else column.notna().to_numpy()
    values, known = column.to_numpy()[present], groups[present]
    return FeatureAssociation(
        feature=name,
        kind=CATEGORICAL if categorical else NUMERIC,
        cramers_v=assoc.cramers_v(values, known) if categorical else None,
        eta=None if categorical else assoc.correlation_ratio(values, known),
        mutual_information=assoc.normalised_mutual_information(values, known, categorical=categorical, seed=seed),
        auc_alone=assoc.single_feature_auc(column.to_numpy(), groups, categorical=categorical, seed=seed),
    )


def _score(
    a: FeatureAssociation, share: float, attribute: str, model: str, flag_auc: float, flag_share: float
) -> ProxyScore:
    flagged = math.isfinite(a.auc_alone) and a.auc_alone >= flag_auc and share >= flag_share
    return ProxyScore(
        feature=a.feature,
        kind=a.kind,
        cramers_v=a.cramers_v,
        eta=a.eta,
        mutual_information=a.mutual_information,
        auc_alone=a.auc_alone,
        strength=a.strength,
        importance_share=share,
        risk=a.strength * share,
        flagged=flagged,
        reason=_reason(a, share, attribute, model),
    )


def _direct(a: FeatureAssociation, share: float, attribute: str, model: str, *flags: float) -> ProxyScore:
    """The attribute's own source column: flagged whenever the model uses it at all."""
    used = f"{model} gives it {_percent(share)} of its attribution" if share > 0 else f"{model} does not use it"
    reason = f"{attribute} is derived from '{a.feature}', which is a model input: {used}"
    return replace(_score(a, share, attribute, model, *flags), flagged=share > 0, reason=reason)


def _reason(a: FeatureAssociation, share: float, attribute: str, model: str) -> str:
    measure = f"Cramér's V {a.cramers_v:.2f}" if a.cramers_v is not None else f"eta {a.eta:.2f}"
    if a.strength < NEAR_CHANCE:
        told = f"'{a.feature}' alone tells next to nothing about {attribute} (AUC {a.auc_alone:.2f}, {measure})"
    else:
        told = f"{attribute} is predicted from '{a.feature}' alone with AUC {a.auc_alone:.2f} ({measure})"
    if share == 0:
        return f"{told}, but {model} does not use '{a.feature}'"
    return f"{told} and {model} gives '{a.feature}' {_percent(share)} of its attribution"


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def _record(row: ProxyScore) -> dict:
    return {key: _finite(value) for key, value in asdict(row).items()}


def _finite(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value
