"""Gunicorn reads this file from its working directory (/srv/strom in docs/deployment.md), or from
`gunicorn -c /srv/strom/gunicorn.conf.py`. It only shapes the access log: the path without its
query string, with link secrets redacted, no client address (gunicorn sits behind nginx), no
Referer, and the request id nginx sends, to match Strom's own log lines."""

logger_class = "strom.core.access_log.RedactingLogger"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}i)s'
