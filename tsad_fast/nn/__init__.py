"""Torch modules the detectors are built from (imported lazily: torch is heavy)."""
