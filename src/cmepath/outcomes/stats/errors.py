"""The one error type of the statistics engine."""


class StatsInputError(ValueError):
    """Input the user can fix. The message says what is wrong and how to fix it.

    Callers show ``str(error)`` as is: the CLI maps it to exit code 2, pages and the
    API to a 400 with the message.
    """
