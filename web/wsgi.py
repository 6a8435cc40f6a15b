"""WSGI entry point: `gunicorn -c web/gunicorn.conf.py web.wsgi:app`."""

from gas.config import load_settings
from gas.logs import setup_logging
from web import create_app

settings = load_settings()
setup_logging(settings.log_level)
app = create_app({"GAS_SETTINGS": settings})
