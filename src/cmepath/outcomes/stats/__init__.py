"""Outcome statistics: pure, typed engines (no Django imports).

Modules: ``series`` (CSV loading and period parsing), ``prepost``, ``spc``, ``its``,
``did`` and ``analyze`` (one entry point that the CLI and services call).
"""
