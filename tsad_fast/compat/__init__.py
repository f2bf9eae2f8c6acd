"""Adapters for the harnesses users already run (TSB-AD)."""
