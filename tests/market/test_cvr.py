"""The CVR modulus-11 check, against numbers published by the authorities themselves."""

import pytest
from django.core.exceptions import ValidationError

from market.cvr import cvr_checksum, is_valid_cvr, validate_cvr

# The five Danish regions' CVR numbers (each region's website and the CVR register).
REGIONS = {
    "Region Hovedstaden": "29190623",
    "Region Sjælland": "29189919",
    "Region Syddanmark": "29190909",
    "Region Midtjylland": "29190925",
    "Region Nordjylland": "29190941",
}


@pytest.mark.parametrize("cvr", REGIONS.values())
def test_published_cvr_numbers_pass(cvr):
    assert is_valid_cvr(cvr)
    assert validate_cvr(cvr) == cvr


def test_worked_example_by_hand():
    # 2·2 + 9·7 + 1·6 + 9·5 + 0·4 + 9·3 + 0·2 + 9·1 = 154 = 14·11
    assert sum(int(d) * w for d, w in zip("29190909", (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) == 154
    assert cvr_checksum("29190909") == 0


@pytest.mark.parametrize("pasted", ["29 19 09 09", "DK29190909", "dk 2919-0909", "29.19.09.09"])
def test_pasted_forms_are_normalised(pasted):
    assert validate_cvr(pasted) == "29190909"


@pytest.mark.parametrize("position", range(8))
def test_every_single_digit_typo_is_caught(position):
    valid = "29190909"
    for digit in "0123456789":
        if digit == valid[position]:
            continue
        typo = valid[:position] + digit + valid[position + 1 :]
        assert not is_valid_cvr(typo), typo


@pytest.mark.parametrize(
    "bad, code",
    [
        ("12345678", "cvr_checksum"),
        ("29190908", "cvr_checksum"),
        ("2919090", "cvr_format"),
        ("291909090", "cvr_format"),
        ("2919O909", "cvr_format"),
        ("٢٩١٩٠٩٠٩", "cvr_format"),  # Arabic-Indic digits are digits to str.isdigit
        ("", "cvr_format"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(bad, code):
    assert not is_valid_cvr(bad)
    with pytest.raises(ValidationError) as caught:
        validate_cvr(bad)
    assert caught.value.code == code
