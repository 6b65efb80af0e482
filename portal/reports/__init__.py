"""portal.reports."""
