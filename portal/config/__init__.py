"""portal.config."""

from portal.config._environment import default_cache_dir, scale_out_url
from portal.config._load import load_config, parse_config
from portal.config._mitigation import CONSTRAINTS
from portal.config._types import ConfigError, DataConfig, FairnessConfig, ModelSpec, ProjectConfig

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
