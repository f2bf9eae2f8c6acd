"""Adapters for the harnesses users already run: TSB-AD (`run_<Model>`, `accelerate`) and the
reference spot.py (`compat.spot`)."""
