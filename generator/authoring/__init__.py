"""Authoring tools: new records, import, review, a new area, editor schema and field reference."""
