"""gunicorn settings for the GAS web app (`gunicorn -c web/gunicorn.conf.py web.wsgi:app`)."""

import multiprocessing
import os

# Loopback unless told otherwise: production sets GAS_BIND=0.0.0.0 behind its load balancer.
bind = f"{os.environ.get('GAS_BIND', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Views mostly wait on S3/DynamoDB/Globus, so threads serve well; two processes per core.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60  # a request longer than this is stuck; uploads never pass through the app
graceful_timeout = 30  # SIGTERM: finish requests in hand within this
keepalive = 5  # seconds; behind an ALB (idle timeout 60 s) keep it below the ALB's
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# X-Forwarded-* headers are applied by werkzeug's ProxyFix (web/security.py), as configured.
forwarded_allow_ips = ""  # none: proxies are trusted only through GAS_TRUSTED_PROXIES
