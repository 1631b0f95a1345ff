"""Helpers every service uses (configuration, database, messaging, logs); no business rules.

Importing this package silences one known warning: nameko 2.14 needs eventlet, which warns on import that
it is deprecated. The pin is deliberate (docs/architecture.md), so the warning only buries useful log lines. Import
``services.common`` before eventlet or nameko for it to apply.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
