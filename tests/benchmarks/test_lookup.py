"""The lookup benchmark's query makers (no resolver, no timing)."""

from __future__ import annotations

import numpy as np

from benchmarks.lookup import typo


def test_a_typing_slip_always_changes_the_name() -> None:
    """A "name+postcode typo" query must carry a typo: swapping two equal letters (Anna, Jennifer,
    Russell) changed nothing in about 1% of them."""
    rng = np.random.default_rng(0)
    for word in ("Anna", "Jennifer", "Russell", "Abbott", "Lloyd", "Sebastian", "Kim", "Otto", "Aaaa"):
        for _ in range(200):
            slipped = typo(word, rng)
            assert slipped != word, word
            assert slipped[0] == word[0]
