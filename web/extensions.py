"""Flask extensions, created unbound here and bound in `create_app`."""

from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFProtect

bootstrap = Bootstrap5()
csrf = CSRFProtect()
