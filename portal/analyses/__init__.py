"""portal.analyses."""
