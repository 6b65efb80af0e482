"""What a project file becomes: frozen values, and the one error type every mistake in the file raises.

Nothing here reads TOML; the parsers (one module per table) build these values and :mod:`._load` puts them
together into a :class:`ProjectConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASKS = ("classification", "regression")
#: The model kind that averages other models of the project instead of training one (see portal.project).
AVERAGE_KIND = "average"
#: The model kind that post-processes another model with fairlearn's ThresholdOptimizer (see portal.project).
THRESHOLD_OPTIMIZER_KIND = "threshold_optimizer"
#: Rows a classification project explains in the common scale (probability) when [explain] does not say.
DEFAULT_COMMON_SAMPLE_ROWS = 500
DEFAULT_COMMON_ALL_ROWS_UP_TO = 20_000  # rows of data up to which the server explains them all in probability
#: How /fairness speaks of a decision other than the positive class: ``selection`` (the default: "not decided
#: 'Yes'", from the positive class's name) or ``lending`` ("declined", "adverse-action reasons", "applicant").
OUTCOME_WORDS = ("selection", "lending")
#: ``[auth] mode``: ``none`` (no login; the portal refuses to listen beyond loopback), ``basic`` (a users file of
#: salted password hashes) or ``oidc`` (an OpenID Connect provider).
AUTH_MODES = ("none", "basic", "oidc")
#: The portal's roles, lowest first: each may do everything the ones before it may.
ROLES = ("viewer", "analyst", "admin")


class ConfigError(ValueError):
    """A mistake in the project configuration, explained in one line that names the field."""

    def __init__(self, field_name: str, problem: str, fix: str = "") -> None:
        self.field = field_name
        self.problem = problem
        self.fix = fix
        text = f"{field_name}: {problem}"
        super().__init__(f"{text}. Fix: {fix}" if fix else text)


@dataclass(frozen=True)
class DataConfig:
    source: str
    target: str
    id: str | None = None
    protected: tuple[str, ...] = ()
    time: str | None = None
    task: str | None = None
    positive: Any = None
    features: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    test_size: float = 0.25
    seed: int = 0


@dataclass(frozen=True)
class ModelSpec:
    """One model to compare: a built-in ``kind`` to train, a fitted model file at ``path``, or
    ``kind = "average"``: the weighted average of other models of the project (``members``, ``weights``), or
    ``kind = "threshold_optimizer"``: another model (``base``) with fair thresholds per ``protected`` group."""

    name: str
    kind: str | None = None
    path: Path | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    trusted: tuple[str, ...] = ()
    trust: bool = False
    members: tuple[str, ...] = ()  # kind = "average": the averaged models' names
    weights: tuple[float, ...] = ()  # kind = "average": one per member (empty: equal)
    base: str | None = None  # kind = "threshold_optimizer": the post-processed model's name
    protected: str | None = None  # kind = "threshold_optimizer": the [data] protected column of the groups
    constraint: str | None = None  # kind = "threshold_optimizer": fairlearn's constraint name

    @property
    def is_average(self) -> bool:
        return self.kind == AVERAGE_KIND

    @property
    def is_threshold_optimizer(self) -> bool:
        return self.kind == THRESHOLD_OPTIMIZER_KIND


@dataclass(frozen=True)
class MonitoringAlerts:
    """``[monitoring.alerts]``: when a change over time becomes an alert (``portal monitor`` exits 3)."""

    attribution_shift: float = 0.10  # a feature's share of total |attribution| moves by this much
    rank_agreement: float = 0.80  # Kendall tau-b of the importance ranking against the reference below this
    psi: float = 0.25  # population stability index of a feature's values above this
    prediction_shift: float = 0.10  # mean prediction moves by this fraction of the reference's
    error_rise: float = 0.10  # the error (MAE or Brier) rises by this fraction of the reference's


@dataclass(frozen=True)
class MonitoringConfig:
    """``[monitoring]``: the project explained over time, window by window against a reference period."""

    window: str  # day | week | month | quarter | year
    reference: str  # "2016-07..2016-12" or one window
    train_on_reference: bool = True  # built-in kinds learn from the reference rows only
    minimum_rows: int = 30  # a window with fewer rows is refused
    alerts: MonitoringAlerts = field(default_factory=MonitoringAlerts)


@dataclass(frozen=True)
class FairnessConfig:
    """``[fairness]``: how protected columns become groups and when a disparity is a breach.

    ``bands`` maps a numeric protected column to its band edges (``age = [25, 40, 60]`` gives "<25", "25-40",
    "40-60", "60+"); ``intersections`` lists column combinations grouped jointly; ``four_fifths`` is the
    demographic parity ratio below which the audit flags a model; ``threshold`` the default decision threshold
    on the positive class's probability; ``outcome_words`` how the pages name the other decision, one of
    :data:`OUTCOME_WORDS` (``lending`` only when the project is a lending decision).
    """

    bands: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    intersections: tuple[tuple[str, ...], ...] = ()
    four_fifths: float = 0.8
    threshold: float = 0.5
    outcome_words: str = "selection"


@dataclass(frozen=True)
class AuthConfig:
    """``[auth]``: how people log in. ``users`` (basic) is the users file; ``issuer``, ``client_id``,
    ``client_secret_env`` (the variable holding the secret, never the secret) and ``roles_claim`` are OIDC's."""

    mode: str = "none"
    users: Path | None = None
    issuer: str | None = None
    client_id: str | None = None
    client_secret_env: str = "PORTAL_OIDC_CLIENT_SECRET"
    roles_claim: str = "groups"


@dataclass(frozen=True)
class ProjectConfig:
    title: str
    data: DataConfig
    models: tuple[ModelSpec, ...]
    cache_dir: Path
    base_dir: Path
    cache_size_limit: int | None = None  # bytes; None: no limit
    common_sample_rows: int = DEFAULT_COMMON_SAMPLE_ROWS  # [explain]: rows in the common scale (probability)
    max_exact_features: int = 10  # [explain]: the model-agnostic method is exact up to this many columns
    common_all_rows_up_to: int = DEFAULT_COMMON_ALL_ROWS_UP_TO  # [explain]: all rows in probability up to this many
    fairness: FairnessConfig = field(default_factory=FairnessConfig)  # [fairness]
    monitoring: MonitoringConfig | None = None  # [monitoring]; None: the project is not monitored over time
    redis_url: str | None = None  # $PORTAL_REDIS_URL: run jobs and background callbacks on Celery (scale_out_url)
    auth: AuthConfig = field(default_factory=AuthConfig)  # [auth]; the default: no login, loopback only
