"""The assetmap command: one sub-command per verb."""
