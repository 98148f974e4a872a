"""WSGI entry point: ``gunicorn wsgi:app``."""
from caseapp import create_app

app = create_app()
