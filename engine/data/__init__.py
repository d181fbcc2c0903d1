"""Data a network learns from: built-in datasets (`datasets.py`) and user rows or CSV
(`userdata.py`). Knows nothing of networks."""
