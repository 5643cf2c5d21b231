"""Render: from the model to page texts and site-wide data for the browser (no disk writes)."""
