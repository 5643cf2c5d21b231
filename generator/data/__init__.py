"""Load, validate and model: from YAML files to typed, checked assets."""
