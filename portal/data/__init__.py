"""portal.data._dataset."""
