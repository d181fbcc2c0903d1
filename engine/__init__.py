"""The NumPy engine of backprop-viz: networks, traces, datasets, presets and circuits.

Nothing in this package knows about HTTP, JSON schemas or drawing; `app/` is the only
bridge to the web (see `app/serialize.py`).
"""
