"""Deployment helpers run inside the BeatPass image (``python -m deploy.migrate``, ``python -m deploy.probe``).

See deploy/README.md. Nothing here is imported by the services or the gateway.
"""
