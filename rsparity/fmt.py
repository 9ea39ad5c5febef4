"""Number formatting shared by the tables, the figures and the README."""

from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def cell(value) -> str:
    """A table cell: yes/no, 1,234 for integers and large or whole floats, 3 significant
    digits otherwise (2.50e-05 below 1e-3), "-" for a missing value."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "inf"
        if abs(value) >= 1000 or value.is_integer():
            return f"{round(value):,}"
        if abs(value) < 1e-3:
            return f"{value:.2e}"
        return f"{value:.4g}"
    return str(value)


def pct(value) -> str:
    """An accuracy as the reference prints it: 100.00%; "-" when missing."""
    return "-" if _missing(value) else f"{100 * value:.2f}%"


def integer(value) -> str:
    """Rounded to an integer with thousands separators: 10,253."""
    return f"{int(round(value)):,}"


def number(value, digits: int = 3) -> str:
    """``digits`` significant digits (thousands separators between 1e-3 and 1e6)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "inf" if value == math.inf else "-"
    if abs(value) < 1e-3 or abs(value) >= 1e6:
        return f"{value:.{digits}g}"
    return f"{value:,.{digits}g}"


def sci(value, digits: int = 2) -> str:
    """Scientific notation for text: 7.7e-5."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def sci_tex(value) -> str:
    """Scientific notation as matplotlib mathtext: $2.5 \\times 10^{-6}$."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"
