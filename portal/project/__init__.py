"""portal.project._project."""
