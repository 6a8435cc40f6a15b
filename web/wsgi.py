"""WSGI entry point: `gunicorn -c web/gunicorn.conf.py web.wsgi:app`."""

from gas.logs import setup_logging
from web import create_app

setup_logging()
app = create_app()
