"""Community Asset Map: validated YAML records rendered into an accessible static site."""

__version__ = "0.1.0"
