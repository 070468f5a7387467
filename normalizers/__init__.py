"""Pure normalization functions: phone, email (including spoken email), name, address.

No I/O and no state. Each function takes ``str | None`` and returns a normalized value or ``None``;
junk in gives ``None`` out, and a non-string raises ``TypeError`` naming the argument.
"""
