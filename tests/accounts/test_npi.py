"""NPI check digit and format (security-checks row 14, standards section 2.9)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmepath.accounts.npi import check_npi, is_valid_npi, make_npi, npi_check_digit

# 9 digits whose first digit is 1 or 2: the identifier part of every NPI.
first_nine = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("12"),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
)


def test_cms_worked_example_check_digit_is_3():
    # CMS "Requirements for NPI Check Digit": 80840123456789 -> total 67 -> check digit 3.
    assert npi_check_digit("123456789") == 3


def test_check_digit_equals_luhn_without_prefix_plus_24():
    # The spec's shortcut: Luhn over the 9 digits alone, adding the constant 24.
    def luhn_plus_24(nine: str) -> int:
        total = 24
        for position, char in enumerate(reversed(nine)):
            digit = int(char) * (2 if position % 2 == 0 else 1)
            total += digit // 10 + digit % 10
        return (10 - total % 10) % 10

    for nine in ("123456789", "129572356", "113429602", "100000000", "299999999"):
        assert npi_check_digit(nine) == luhn_plus_24(nine)


@pytest.mark.parametrize("npi", ["1234567893", "1295723567", "1134296023"])
def test_published_examples_are_valid(npi):
    result = check_npi(npi)

    assert result.valid is True
    assert result.normalized == npi
    assert result.reason is None


def test_surrounding_whitespace_is_accepted_and_stripped():
    result = check_npi("  1234567893\n")

    assert result.valid is True
    assert result.normalized == "1234567893"


@pytest.mark.parametrize(
    ("value", "expected_reason"),
    [
        ("123456789", "An NPI has exactly 10 digits; 9 digits were given."),
        ("12345678931", "An NPI has exactly 10 digits; 11 digits were given."),
        ("1", "An NPI has exactly 10 digits; 1 digit was given."),
        ("", "Enter your 10-digit NPI."),
        ("   ", "Enter your 10-digit NPI."),
    ],
)
def test_wrong_length_says_how_many_digits(value, expected_reason):
    result = check_npi(value)

    assert result.valid is False
    assert result.reason == expected_reason


@pytest.mark.parametrize(
    "value",
    [
        "12345-67893",
        "1234 567893",
        "123456789X",
        "１２３４５６７８９３",  # full-width digits
        "١٢٣٤٥٦٧٨٩٣",  # Arabic-Indic digits
        "+1234567893",
        "1234567893\x00",
    ],
)
def test_non_digit_characters_are_refused(value):
    result = check_npi(value)

    assert result.valid is False
    assert result.reason is not None
    assert "digits only" in result.reason


def test_first_digit_other_than_1_or_2_is_refused_with_reason():
    # 3234567893 would otherwise be well formed; the reason names the bad first digit.
    result = check_npi("3234567893")

    assert result.valid is False
    assert result.reason == "An NPI starts with 1 or 2; this one starts with 3."


def test_check_digit_mismatch_says_expected_and_given():
    result = check_npi("1234567890")

    assert result.valid is False
    assert result.reason is not None
    assert "should be 3" in result.reason
    assert "but 0 was given" in result.reason


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678a", ""])
def test_check_digit_function_refuses_anything_but_nine_digits(bad):
    with pytest.raises(ValueError, match="9 digits"):
        npi_check_digit(bad)


@given(first_nine)
def test_every_generated_valid_npi_is_accepted(nine):
    npi = make_npi(nine)

    assert len(npi) == 10
    assert check_npi(npi).valid is True


@given(first_nine)
def test_every_single_digit_substitution_is_rejected(nine):
    # Luhn detects every single-digit error, so all 90 substitutions must fail.
    npi = make_npi(nine)
    for position in range(10):
        for digit in "0123456789":
            if digit == npi[position]:
                continue
            mutated = npi[:position] + digit + npi[position + 1 :]
            assert is_valid_npi(mutated) is False, (npi, mutated)


@given(
    st.sampled_from("03456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
def test_first_digit_not_1_or_2_is_always_rejected(first, rest):
    result = check_npi(first + rest)

    assert result.valid is False
    assert result.reason == f"An NPI starts with 1 or 2; this one starts with {first}."


@given(st.text(max_size=14))
def test_arbitrary_text_never_crashes_and_valid_means_ten_ascii_digits(value):
    result = check_npi(value)

    if result.valid:
        assert len(result.normalized) == 10
        assert result.normalized.isascii()
        assert result.normalized.isdigit()
    else:
        assert result.reason
