"""The seed SDK's module name for :mod:`ferrosynth.personas.exceptions`."""

from ferrosynth.personas.exceptions import (
    BudgetExceededError,
    ConfigurationError,
    DataError,
    GenerationError,
    PersonaError,
    ProviderError,
    RateLimitError,
    ValidationError,
)

__all__ = [
    "BudgetExceededError",
    "ConfigurationError",
    "DataError",
    "GenerationError",
    "PersonaError",
    "ProviderError",
    "RateLimitError",
    "ValidationError",
]
