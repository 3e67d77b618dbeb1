"""Logging filters: a plain 403 (``PermissionDenied``, a user opening what their role does
not allow) is logged as one warning line, without the traceback Django attaches; every
other error keeps its traceback."""

import logging

from django.core.exceptions import PermissionDenied


class PlainForbidden(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if (
            getattr(record, "status_code", None) == 403
            and exc_info
            and isinstance(exc_info[1], PermissionDenied)
        ):
            record.exc_info = None
            record.exc_text = None
        return True
