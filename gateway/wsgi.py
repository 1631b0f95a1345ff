"""gunicorn entry point: ``gunicorn gateway.wsgi:app``."""
from gateway.app import create_app
from services.common import config, logs

logs.name_stderr_lines("gateway")
logs.configure("gateway", config.env("LOG_LEVEL", "INFO"))
app = create_app()
