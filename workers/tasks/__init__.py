"""Celery tasks, one module per area; each takes ids or dates only and runs one job."""
