"""portal.web."""
