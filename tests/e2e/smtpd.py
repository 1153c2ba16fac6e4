#!/usr/bin/python3
"""A real SMTP server on loopback for the end-to-end tests (Debian's python3-aiosmtpd):
STARTTLS with the given certificate, AUTH LOGIN/PLAIN for one user, and the
failures the tests need: --no-tls (STARTTLS not offered), --bad-auth (every
AUTH refused), --rcpt-code 450|550 (RCPT answered with that code),
--refuse-starttls (STARTTLS offered, then answered 454), --data-code 451|554
(the message refused at the end of DATA), --stall-data (the message received,
then no answer ever: a server hung mid-transfer).
Each accepted message is written to OUT/<n>.eml with OUT/<n>.env holding
the envelope as JSON.  Prints "ready <port>" when listening; stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class RefuseStarttls(SMTP):
    """Offers STARTTLS in its EHLO answer, then refuses it (a 454 as a server
    whose TLS set-up broke answers)."""

    async def smtp_STARTTLS(self, arg):
        await self.push('454 4.7.0 TLS not available due to temporary reason')


class RefusingController(Controller):
    def factory(self):
        return RefuseStarttls(self.handler, **self.SMTP_kwargs)


class Handler:
    def __init__(self, out, rcpt_code, data_code=0, stall_data=False):
        self.out = out
        self.stall_data = stall_data
        self.rcpt_code = rcpt_code
        self.data_code = data_code
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_code:
            return '%d 5.1.1 <%s>: refused by the test server' % (self.rcpt_code, address)
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if self.stall_data:
            await asyncio.sleep(3600)
        if self.data_code:
            return '%d 4.3.0 message refused by the test server' % self.data_code
        self.n += 1
        base = os.path.join(self.out, '%06d' % self.n)
        with open(base + '.env', 'w') as fh:
            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                       'tls': session.ssl is not None, 'auth': bool(session.authenticated)}, fh)
        with open(base + '.eml', 'wb') as fh:
            fh.write(envelope.original_content)
        return '250 Message accepted for delivery'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--cert', required=True)
    ap.add_argument('--key', required=True)
    ap.add_argument('--user', default='mailer')
    ap.add_argument('--password', default='app-password')
    ap.add_argument('--no-tls', action='store_true')
    ap.add_argument('--bad-auth', action='store_true')
    ap.add_argument('--rcpt-code', type=int, default=0)
    ap.add_argument('--data-code', type=int, default=0)
    ap.add_argument('--refuse-starttls', action='store_true')
    ap.add_argument('--stall-data', action='store_true')
    a = ap.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (not a.bad_auth and isinstance(auth_data, LoginPassword) and
              auth_data.login == a.user.encode() and auth_data.password == a.password.encode())
        return AuthResult(success=ok)

    ctx = None
    if not a.no_tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    c = (RefusingController if a.refuse_starttls else Controller)(
        Handler(a.out, a.rcpt_code, a.data_code, a.stall_data), hostname='127.0.0.1', port=a.port, tls_context=ctx,
                   require_starttls=not a.no_tls, authenticator=authenticator, auth_required=True,
                   auth_require_tls=not a.no_tls)
    c.start()
    print('ready %d' % a.port, flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_signal_handler(signal.SIGINT, lambda: stop.done() or stop.set_result(None))
    loop.run_until_complete(stop)
    if a.stall_data:
        os._exit(0)     # a DATA still hanging would hold Controller.stop() up
    c.stop()


if __name__ == '__main__':
    main()
