"""portal.config."""

from portal.config._config import (
    ConfigError,
    DataConfig,
    FairnessConfig,
    ModelSpec,
    ProjectConfig,
    default_cache_dir,
    load_config,
    parse_config,
    scale_out_url,
)
from portal.config._mitigation import CONSTRAINTS

__all__ = [
    "CONSTRAINTS",
    "ConfigError",
    "DataConfig",
    "FairnessConfig",
    "ModelSpec",
    "ProjectConfig",
    "default_cache_dir",
    "load_config",
    "parse_config",
    "scale_out_url",
]
