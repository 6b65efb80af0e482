"""portal.cli._main."""
