"""Background jobs of the releases app (Huey: ``mirps.jobs``), gathered here for Huey's
autodiscovery of ``tasks`` modules; each is defined beside the service it runs."""

from releases.services import build_release_job

__all__ = ["build_release_job"]
