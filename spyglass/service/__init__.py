"""The HTTP service: the urlscan.io-compatible API (``create_app``)."""

from spyglass.service.app import create_app

__all__ = ["create_app"]
