"""The Danish CVR number (Det Centrale Virksomhedsregister): eight digits with a modulus-11 check.

The rule (Erhvervsstyrelsen, which keeps the register, describes CVR numbers as eight digits
whose last digit is a modulus-11 check digit): multiply the digits by the weights
2, 7, 6, 5, 4, 3, 2, 1 and add the products; a valid number gives a sum divisible by 11.
Worked example, Region Syddanmark's CVR 29190909:
2·2 + 9·7 + 1·6 + 9·5 + 0·4 + 9·3 + 0·2 + 9·1 = 4 + 63 + 6 + 45 + 0 + 27 + 0 + 9 = 154 = 14·11.
Changing any one digit changes the sum by a non-multiple of 11 (every weight is below 11), so a
single mistyped digit is always caught.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
SPACES = re.compile(r"[\s.-]")


def normalise_cvr(value: str) -> str:
    """'29 19 09 79' or 'DK29190979' -> '29190979' (spaces, dots and hyphens and a DK prefix
    are what people paste from letterheads); the result is not yet checked."""
    text = SPACES.sub("", value or "").upper()
    return text[2:] if text.startswith("DK") else text


def cvr_checksum(digits: str) -> int:
    return sum(int(digit) * weight for digit, weight in zip(digits, WEIGHTS, strict=True)) % 11


def is_valid_cvr(value: str) -> bool:
    digits = normalise_cvr(value)
    return len(digits) == 8 and digits.isascii() and digits.isdigit() and cvr_checksum(digits) == 0


def validate_cvr(value: str) -> str:
    """The normalised number, or ValidationError with a message for the user."""
    digits = normalise_cvr(value)
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_format")
    if cvr_checksum(digits) != 0:
        raise ValidationError(
            _("%(cvr)s is not a valid CVR number: the check digit does not match.")
            % {"cvr": digits},
            code="cvr_checksum",
        )
    return digits
