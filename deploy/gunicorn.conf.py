"""gunicorn settings for caseapp: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app`` (see README, 生产部署).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS. Logs (access lines included)
go through caseapp's logging setup: one format, request ids, CASEAPP_LOG_FORMAT=json when wanted.
"""
import os

bind = os.environ.get("CASEAPP_BIND", "127.0.0.1:8000")  # the reverse proxy in front terminates TLS
workers = int(os.environ.get("CASEAPP_WEB_WORKERS", "4"))
timeout = 60  # uploads of 20 MB and their checks fit; a hung request is recycled
graceful_timeout = 30
max_requests, max_requests_jitter = 2000, 200  # recycle workers now and then
accesslog = "-"
errorlog = "-"
logger_class = "caseapp.core.gunicornlog.GunicornLogger"
# client, request line, status, bytes, duration in ms, user agent; the request id is added by the logger
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# the reverse proxy's address: gunicorn then trusts its X-Forwarded-* (caseapp itself uses CASEAPP_TRUSTED_PROXIES)
forwarded_allow_ips = os.environ.get("CASEAPP_PROXY_IPS", "127.0.0.1")
