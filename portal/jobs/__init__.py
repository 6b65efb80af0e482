"""portal.jobs._runner."""
