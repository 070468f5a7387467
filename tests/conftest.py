"""Suite-wide configuration: hypothesis profiles.

Two profiles are registered. ``dev`` (the default) keeps a local run quick; ``ci`` is loaded when the
``CI`` environment variable is set (as ``.ci/run`` is run) and is deterministic, so a CI failure
reproduces exactly on a developer's machine with ``CI=true pytest``. ``HYPOTHESIS_PROFILE=<name>``
picks a profile explicitly. Tests that pass their own ``@settings(max_examples=...)`` keep that count
and inherit the rest (deadline, derandomization) from the loaded profile.
"""

from __future__ import annotations

import os

from hypothesis import settings

# No deadline in either profile: the machines are small (2 shared cores) and a first call may
# build caches, so per-example timing says little and would make tests flaky.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,  # same examples on every run: a red CI is reproducible, never a coin toss
    database=None,  # a fresh clone has no example database; do not write one either
    print_blob=True,
)
settings.register_profile("dev", max_examples=50, deadline=None)

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
