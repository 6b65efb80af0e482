"""portal.fairness._metrics."""
