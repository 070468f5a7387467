"""The canonical customer record: what adapters produce and what the matchers consume."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from identity._privacy import mask_email, mask_phone, mask_text

__all__ = ["CANONICAL_COLUMNS", "MULTI_VALUE_COLUMNS", "CustomerRecord"]

#: Canonical column names of the batch input, in output order.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "source_id",
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "address",
    "city",
    "postcode",
    "state",
    "country",
    "company",
    "date_of_birth",
    "national_id",
)

#: Columns that may hold several values per record (ERP ``Phone1``, ``Phone2``, ``Cellular``).
MULTI_VALUE_COLUMNS: frozenset[str] = frozenset({"email", "phone"})


class CustomerRecord(BaseModel):
    """One customer as a source system holds it, in canonical fields.

    ``phones`` and ``emails`` keep every value the source had (raw, not normalized). The ``repr`` masks
    personal data, so a record can be logged safely, and a :class:`pydantic.ValidationError` names the
    fields without echoing their values.

    >>> r = CustomerRecord(source="erp", source_id="C001", first_name="John", last_name="Smith",
    ...                    phones=["+1 212 736 5000"], emails=["john.smith@gmail.com"])
    >>> r
    CustomerRecord(source='erp', source_id='C001', name='J*** S***', phones=['+1 *** *** 5000'], emails=['j***@g***.com'])
    >>> r.as_row()["phone"]
    ['+1 212 736 5000']
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    source: str = Field(min_length=1)
    source_id: str = Field(min_length=1)
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    address: str | None = None
    city: str | None = None
    postcode: str | None = None
    state: str | None = None
    country: str | None = None
    company: str | None = None
    date_of_birth: str | None = None
    national_id: str | None = None

    def as_row(self) -> dict[str, Any]:
        """The record as a canonical row (``email`` and ``phone`` are lists)."""
        row: dict[str, Any] = {name: getattr(self, name, None) for name in CANONICAL_COLUMNS}
        row["email"] = list(self.emails)
        row["phone"] = list(self.phones)
        return row

    def __repr__(self) -> str:
        name = " ".join(mask_text(p) for p in (self.first_name, self.last_name) if p) or mask_text(self.full_name)
        phones = [mask_phone(p) for p in self.phones]
        emails = [mask_email(e) for e in self.emails]
        return (
            f"CustomerRecord(source={self.source!r}, source_id={self.source_id!r}, name={name!r}, "
            f"phones={phones!r}, emails={emails!r})"
        )

    __str__ = __repr__
