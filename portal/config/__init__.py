"""Project configuration: the one way to describe a project, read from a TOML file into frozen values.

A project file says what to compare and on which rows::

    title = "Churn"                  # optional

    [data]                           # required: the table, its target and what each column is for
    source = "customers.csv"
    target = "churn"
    protected = ["age"]

    [[models]]                       # one or more: a kind to train, a fitted model file, an average of
    name = "Random forest"           # other models, or another model with fair thresholds
    kind = "random_forest"

    [cache]                          # optional: where computed results live, and how much room they take
    [explain]                        # optional: how many rows to compare in probability, and up to how
                                     # many columns to explain exactly
    [fairness]                       # optional: bands and intersections of protected columns, the
                                     # four-fifths limit, the decision threshold and the page's words
    [monitoring]                     # optional: time windows, the reference period, alert thresholds
    [auth]                           # optional: logins (none, basic with a users file, or oidc)

:func:`load_config` reads the file (relative paths in it start at its folder) and returns a frozen
:class:`ProjectConfig` of a :class:`DataConfig`, one :class:`ModelSpec` per model and a
:class:`FairnessConfig`; :func:`parse_config` does the same for an already parsed document.

Every mistake a user can make in the file is one :class:`ConfigError`: a single line that names the field
(``[data] target``, ``[[models]] 'Forest' kind``) and the fix, often the closest known name. The CLI prints
it and exits with code 2. Checks that need the data itself (does the target column exist?) happen when the
data is loaded, in :mod:`portal.data`, and raise the same error type.

Two settings come from the environment, not the file: ``$PORTAL_CACHE_DIR`` (:func:`default_cache_dir`)
and ``$PORTAL_REDIS_URL``, the scale-out switch (:func:`scale_out_url`).

Where each part lives:

- ``_types``: the frozen values, :class:`ConfigError` and the kind constants; no parsing.
- ``_readers``: field readers the parsers share (a table, a string, a list of names, a path, unknown keys).
- ``_data``: ``[data]``; ``_models``: ``[[models]]``, handing ``kind = "average"`` to ``_averages`` and
  ``kind = "threshold_optimizer"`` to ``_mitigation`` (which owns :data:`CONSTRAINTS`);
  ``_cache``: ``[cache]``; ``_explain``: ``[explain]``; ``_fairness``: ``[fairness]``.
- ``_auth``: ``[auth]`` (:class:`AuthConfig`); ``_users``: the users file of basic logins (salted scrypt
  hashes, :func:`read_users`, :func:`write_users`, :func:`new_user`).
- ``_environment``: the cache folder and Redis URL the environment sets.
- ``_load``: :func:`load_config` and :func:`parse_config`, which hand each table to its parser.

Imports point one way: ``_load`` -> the table parsers (``_models`` -> ``_averages``, ``_mitigation``;
``_cache`` -> ``_environment``) -> ``_readers`` -> ``_types``. Nothing imports back up, and nothing outside
this package imports a private module of it: other packages import the names below.
"""

from portal.config._auth import check_serving
from portal.config._environment import default_cache_dir, scale_out_url
from portal.config._load import load_config, parse_config
from portal.config._mitigation import CONSTRAINTS
from portal.config._types import (
    AUTH_MODES,
    OUTCOME_WORDS,
    ROLES,
    AuthConfig,
    ConfigError,
    DataConfig,
    FairnessConfig,
    ModelSpec,
    MonitoringAlerts,
    MonitoringConfig,
    ProjectConfig,
)
from portal.config._users import User, new_user, read_users, write_users

__all__ = [
    "AUTH_MODES",
    "CONSTRAINTS",
    "OUTCOME_WORDS",
    "ROLES",
    "AuthConfig",
    "ConfigError",
    "DataConfig",
    "FairnessConfig",
    "MonitoringAlerts",
    "MonitoringConfig",
    "ModelSpec",
    "ProjectConfig",
    "User",
    "check_serving",
    "default_cache_dir",
    "load_config",
    "new_user",
    "parse_config",
    "read_users",
    "scale_out_url",
    "write_users",
]
