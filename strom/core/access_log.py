"""Gunicorn's access log without secrets (issue #7, security.md 22). Invitation and password-reset
links carry a single-use secret in their first request's path, and query strings may carry anything,
so the logged path is redacted (strom.core.logging.redact) and query strings and Referer headers are
never written. Used by gunicorn.conf.py at the top of the repository."""

from gunicorn.glogging import Logger

from strom.core.logging import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact(environ.get("PATH_INFO") or "")
        atoms.update(
            {
                "U": path,
                "r": f"{atoms['m']} {path} {atoms['H']}",
                "q": "",
                "f": "-",
                "{referer}i": "-",
                "{raw_uri}e": "-",
                "{query_string}e": "-",
            }
        )
        return atoms
