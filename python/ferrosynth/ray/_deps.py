"""The one check that Ray is installed, with the error that says what to install."""

from __future__ import annotations

from ferrosynth.errors import FerrosynthError

__all__ = ["MissingDependencyError", "require_ray"]

INSTALL_HINT = "pip install 'ferrosynth[ray]'"


class MissingDependencyError(FerrosynthError, ImportError):
    """An optional dependency that a feature needs is not installed; the message says what to
    install (for Ray: ``pip install 'ferrosynth[ray]'``)."""


def require_ray() -> None:
    """Raise :class:`MissingDependencyError` unless Ray Data can be imported."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            f"ferrosynth.ray needs Ray Data, which is not installed: {INSTALL_HINT}"
        ) from exc
