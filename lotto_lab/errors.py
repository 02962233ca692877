"""Exception types raised by lotto_lab.

Every error the package raises on purpose derives from :class:`LottoLabError`, so the command
line can turn it into one clear message and an exit status without a traceback.
"""

from __future__ import annotations


class LottoLabError(Exception):
    """Base class of every error lotto_lab raises on purpose.

    ``message`` is English (logs, developers). ``zh`` is the same message in Chinese for users;
    the command line and the dashboard show it when the language is Chinese (the default) and
    fall back to English when a message has no Chinese text.
    """

    exit_code = 1

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh

    def localized(self, language: str) -> str:
        """Return the message in ``language`` ('zh' or 'en')."""
        if language == "zh" and self.zh:
            return self.zh
        return self.message


class ConfigError(LottoLabError):
    """A parameter, option or environment setting has an invalid value."""

    exit_code = 2


class UnknownGameError(ConfigError):
    """A game name that no game spec defines."""


class InvalidIssueError(LottoLabError):
    """An issue number that cannot be normalised for its game."""


class DataValidationError(LottoLabError):
    """Input data broke a rule: a missing column, a ball out of range, a bad date and so on.

    The message names the file, the row and the value, and states what to do.
    """


class StoreError(LottoLabError):
    """The DuckDB store is missing, locked or holds something unexpected."""


class NoPublishedRunError(LottoLabError):
    """No run has been published under the reports folder yet."""


class PipelineError(LottoLabError):
    """A notebook of the pipeline failed; the message names the notebook."""


class CheckpointError(LottoLabError):
    """A model checkpoint does not fit the game, pool layout or version it is loaded for."""


class StrategyError(LottoLabError):
    """A strategy returned probabilities that break the strategy contract.

    The message names the strategy and the pool, and the first target issue at fault when the
    shape is right but some values are not.
    """


class PublishError(LottoLabError):
    """A pipeline run cannot be published to the reports folder's ``latest`` link."""
