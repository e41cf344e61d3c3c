"""cmepath: continuing medical education as a career tool."""

__version__ = "0.1.0"
