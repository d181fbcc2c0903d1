"""The served process's long-lived objects, set aside from the cyclic garbage collector.

After start-up the process holds ~90,000 container objects that live as long as it does:
modules, FastAPI's routes and pydantic's models and validators. Python's collector walks all
of them on every full collection, which the churn of traces and trains triggers now and
then under a class's load: 40–90 ms with the event loop stopped, the longest pause a step
saw (benchmarks.classroom's steppers' p99 during a burst). `gc.freeze()` moves
them to a generation the collector never walks; a full collection then costs a few ms.

Only served processes do it (`serve.run`, each process of `--workers N`): frozen objects are
never freed, so a test process that builds many apps must not.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect what start-up left as garbage, then freeze the rest; how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
