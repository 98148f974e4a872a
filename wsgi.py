"""WSGI entry point: ``gunicorn wsgi:app``."""
import gc

from caseapp import create_app

app = create_app()
# What start-up made (modules, the app, compiled templates) lives as long as the process: frozen, it is no
# longer walked by every full garbage collection, which a page building a few thousand ORM objects triggers
# (the 年度概览 of 500 projects spent over half its time there; bench/load.py).
gc.freeze()
