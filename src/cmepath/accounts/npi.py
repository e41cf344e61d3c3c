"""National Provider Identifier (NPI) format and check-digit validation.

Pure and typed: no Django import, so forms, services, the API and the CLI share one rule.

The NPI is 10 digits: 9 identifier digits and a check digit. The first digit is 1 or 2
(69 FR 3434). The check digit is the Luhn "modulus 10 double-add-double" digit computed as
if the ISO 7812 health-industry prefix ``80840`` (80 = health, 840 = United States) were
written in front of the 9 digits. CMS's "Requirements for NPI Check Digit" gives the worked
example 123456789 -> 3, so 1234567893 is a valid NPI (see docs standards section 2.9).

A valid check digit only says the number is well formed; whether it is enumerated, and to
whom, is asked of the NPPES registry (``cmepath.accounts.nppes``).
"""

from __future__ import annotations

from dataclasses import dataclass

NPI_LENGTH = 10
# Card-issuer prefix for US health identifiers (ISO/IEC 7812): 80 (health) + 840 (USA).
NPI_PREFIX = "80840"
VALID_FIRST_DIGITS = frozenset("12")


@dataclass(frozen=True, slots=True)
class NpiCheck:
    """Outcome of checking one NPI string.

    ``normalized`` is the input without surrounding whitespace; ``reason`` is a sentence a
    clinician can act on when ``valid`` is false, and ``None`` when it is true.
    """

    valid: bool
    normalized: str
    reason: str | None = None


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit() accepts Arabic-Indic, superscript and full-width digits; NPIs are ASCII.
    return value.isascii() and value.isdigit()


def npi_check_digit(first9: str) -> int:
    """Return the check digit for the first 9 digits of an NPI.

    Luhn over ``80840`` + ``first9``: starting from the rightmost digit, double every second
    digit (the rightmost is doubled, because the check digit will sit to its right), add the
    digits of the products and the undoubled digits, and return the amount that brings the
    total up to the next multiple of 10. ``npi_check_digit("123456789") == 3``.
    """
    if len(first9) != NPI_LENGTH - 1 or not _is_ascii_digits(first9):
        raise ValueError(f"expected exactly 9 digits, got {first9!r}")
    total = 0
    for position, char in enumerate(reversed(NPI_PREFIX + first9)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9  # same as adding the two digits of the product (10..18)
        total += digit
    return (10 - total % 10) % 10


def check_npi(value: str) -> NpiCheck:
    """Check an NPI string and say what is wrong with it, if anything.

    Surrounding whitespace is ignored; anything else (dashes, inner spaces, letters,
    non-ASCII digits) is refused rather than silently cleaned, because a stored NPI must be
    exactly what the clinician meant.
    """
    normalized = value.strip()
    if not normalized:
        return NpiCheck(False, normalized, "Enter your 10-digit NPI.")
    if not _is_ascii_digits(normalized):
        return NpiCheck(
            False,
            normalized,
            "An NPI contains digits only (0-9); remove spaces, dashes and other characters.",
        )
    if len(normalized) != NPI_LENGTH:
        count = len(normalized)
        counted = "1 digit was" if count == 1 else f"{count} digits were"
        return NpiCheck(
            False,
            normalized,
            f"An NPI has exactly {NPI_LENGTH} digits; {counted} given.",
        )
    if normalized[0] not in VALID_FIRST_DIGITS:
        return NpiCheck(
            False,
            normalized,
            f"An NPI starts with 1 or 2; this one starts with {normalized[0]}.",
        )
    expected = npi_check_digit(normalized[:9])
    given = int(normalized[9])
    if expected != given:
        return NpiCheck(
            False,
            normalized,
            f"The check digit does not match: the last digit should be {expected} for these "
            f"first nine digits, but {given} was given. Check for a mistyped digit.",
        )
    return NpiCheck(True, normalized, None)


def is_valid_npi(value: str) -> bool:
    """Shorthand for ``check_npi(value).valid``."""
    return check_npi(value).valid


def make_npi(first9: str) -> str:
    """Append the check digit to 9 digits (used to build synthetic demo and test NPIs)."""
    return first9 + str(npi_check_digit(first9))
