"""The one exception type for bad user input (CLI flags, config values)."""


class InputError(ValueError):
    """Bad input: the message names the value and what is allowed, in one line."""
