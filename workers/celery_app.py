"""The Celery entry point: ``celery -A workers.celery_app worker`` / ``… beat``.

Importing this module (and only this one) creates the Flask app from the environment.
"""
from caseapp import create_app
from workers import make_celery

flask_app = create_app()
celery_app = make_celery(flask_app)
app = celery_app
