"""The job pages: upload (/annotate), submission (/annotate/job), the job list and job pages."""

from flask import Blueprint

bp = Blueprint("annotations", __name__)

from web.annotations import downloads, pages, rerun, upload  # noqa: E402,F401  (routes on bp)
