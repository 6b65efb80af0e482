"""portal.config._config."""
