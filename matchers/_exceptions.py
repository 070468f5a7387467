"""The root of the library's exception tree, defined at the lowest layer that raises it (private).

``identity._exceptions`` builds the rest of the tree on :class:`IdentityError` and re-exports these, so
users import everything from ``identity``; the matchers raise them without importing the layer above.
"""

from __future__ import annotations

__all__ = ["ConvergenceWarning", "IdentityError", "NotFittedError"]


class IdentityError(Exception):
    """Root of every error raised on purpose by identity-resolution."""


class NotFittedError(IdentityError, ValueError, AttributeError):
    """A model or index was used before ``fit`` / ``build``."""


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the parameters settled."""
