"""Open data: the data package, ORUK export, GeoJSON and calendars."""
