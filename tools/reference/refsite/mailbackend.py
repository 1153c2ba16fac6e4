"""File mail backend for the reference: one RFC 822 .eml file per message (the conformance sink's format)."""
import os
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.conf import settings


class EmlBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        os.makedirs(settings.EMAIL_FILE_PATH, exist_ok=True)
        for m in email_messages:
            name = '%d-%d.eml' % (time.time_ns(), os.getpid())
            with open(os.path.join(settings.EMAIL_FILE_PATH, name), 'wb') as fh:
                data = m.message().as_bytes(linesep='\r\n')
                fh.write(data if data.endswith(b'\r\n') else data + b'\r\n')  # as SMTP DATA ends
        return len(email_messages)
