"""Chinese resident ID numbers (GB 11643-1999): checksum validation and masking. No Django."""

from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_error(number: str) -> str | None:
    """None if valid, otherwise a short reason (in Chinese; callers may translate)."""
    if len(number) != 18:
        return "身份证号应为18位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号格式不正确"
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if check_digit(number[:17]) != number[17]:
        return "身份证号校验码错误"
    return None


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mask(number: str) -> str:
    """Keep the first 3 and last 2 characters: 510302********123X -> 510***********3X."""
    if not number:
        return ""
    if len(number) <= 5:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def make(region: str, born: date, sequence: int) -> str:
    """Build a valid number (for demo data and tests)."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
