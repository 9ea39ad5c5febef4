"""rsparity: random-weight guessing solves N-bit sequence parity (Hochreiter & Schmidhuber 1996)."""

__version__ = "0.1.0"
