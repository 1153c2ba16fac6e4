"""The security review's findings (issue 12): a reset whose answer from the database is
lost after the UPDATE ran (a proxy between the service and MariaDB drops it), and request
bodies far above the limit on the lighttpd front ends (a 413, nothing spooled to disk)."""
import json
import os
import socket
import threading

import harness
from api import P_LOGIN, P_RESET, P_SEND_RESET, check, mails_since, new_email, register, reset_secrets

# The conditional reset UPDATE of lib/sql.h (SQL_USER_RESET_PASSWORD), as the proxy spots it.
RESET_SQL = b'UPDATE accounts_user SET password = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND password = ?'


class LosingProxy:
    """A MariaDB protocol relay on a unix socket in front of the stack's server.  Armed with
    'execute', it lets the first execution of the reset UPDATE reach the server and closes
    the service's connection instead of passing the server's answer on: the statement ran
    (autocommit), the service saw a lost connection.  Armed with 'commit', the same for the
    COMMIT of the transaction the UPDATE ran in.  Commands are the packets with sequence
    number 0 once the handshake is over."""

    def __init__(self, path, target):
        self.path = path
        self.target = target
        self.armed = None
        self.dropped = 0
        self.lock = threading.Lock()
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        os.chmod(path, 0o777)
        self.srv.listen(16)
        self.stopped = False
        threading.Thread(target=self.accept, daemon=True).start()

    def stop(self):
        self.stopped = True
        self.srv.close()

    def accept(self):
        while not self.stopped:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            u.connect(self.target)
            st = {'prepare': False, 'stmt': None, 'reset_ran': False, 'drop': False, 'authed': False}
            threading.Thread(target=self.up, args=(c, u, st), daemon=True).start()
            threading.Thread(target=self.down, args=(c, u, st), daemon=True).start()

    @staticmethod
    def packets(sock):
        buf = b''
        while True:
            while len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[:3], 'little'):
                n = 4 + int.from_bytes(buf[:3], 'little')
                yield buf[:n]
                buf = buf[n:]
            try:
                d = sock.recv(65536)
            except OSError:
                return
            if not d:
                return
            buf += d

    def up(self, c, u, st):
        """Service to server."""
        for p in self.packets(c):
            body = p[4:]
            if st['authed'] and p[3] == 0 and body:
                cmd = body[0]
                with self.lock:
                    if cmd == 0x16 and body[1:] == RESET_SQL:
                        st['prepare'] = True
                    elif cmd == 0x17 and st['stmt'] is not None and body[1:5] == st['stmt']:
                        st['reset_ran'] = True
                        if self.armed == 'execute':
                            self.armed, st['drop'] = None, True
                    elif cmd == 0x03 and body[1:] == b'COMMIT' and st['reset_ran']:
                        if self.armed == 'commit':
                            self.armed, st['drop'] = None, True
            try:
                u.sendall(p)
            except OSError:
                break
        for x in (c, u):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def down(self, c, u, st):
        """Server to service."""
        for p in self.packets(u):
            body = p[4:]
            with self.lock:
                if not st['authed'] and body[:1] == b'\x00':
                    st['authed'] = True         # the OK that ends the handshake
                if st['prepare']:
                    st['prepare'] = False
                    if body[:1] == b'\x00':
                        st['stmt'] = body[1:5]
                if st['drop']:
                    self.dropped += 1
                    for x in (c, u):
                        try:
                            x.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
                    break
            try:
                c.sendall(p)
            except OSError:
                break


def reset_link(s, email):
    before = set(os.listdir(s.mail_dir))
    s.request('POST', P_SEND_RESET, json_body={'email': email})
    mails = mails_since(s, before)
    if len(mails) != 1:
        raise AssertionError('no reset mail for %s' % email)
    u, tok, _ = reset_secrets(mails[0])
    return '%s%s/%s/' % (P_RESET, u, tok)


def t_reset_answer_lost(s, t):
    """Finding 4: the reset UPDATE ran but its answer was lost with the connection (or the
    COMMIT's was, when the revocation makes it a transaction).  The service must not answer
    "token invalid" for a password it did change: it finds out the change took effect (the
    row holds the new hash) and answers 200."""
    proxy = LosingProxy(os.path.join(s.root, 'lose.sock'), s.db.sock)
    try:
        for mode, revoke in (('execute', 0), ('commit', 1)):
            sib = harness.Sibling(s, 'lose-%s' % mode, 'secret_key = %s\n[db]\nsocket = %s\n[tokens]\n'
                                  'revoke_on_password_change = %d\n'
                                  % (harness.SECRET, proxy.path, revoke)).start()
            try:
                email = register(s, email=new_email('lost-' + mode))[0]
                path = reset_link(s, email)
                # The worker's connection is made (and the statement prepared) before arming.
                sib.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
                proxy.dropped = 0
                proxy.armed = mode
                r = sib.request('POST', path, json_body={'password': 'Lost-answer-1', 'password2': 'Lost-answer-1'},
                                timeout=30)
                t.eq(proxy.dropped, 1, '%s lost: the proxy dropped the answer once' % mode)
                new_ok = s.request('POST', P_LOGIN, json_body={'email': email,
                                                                'password': 'Lost-answer-1'}).status == 200
                t.ok(new_ok, '%s lost: the password did change' % mode)
                check(t, r, 200, {'success': 'password reset successfully.'},
                      'the %s\'s answer lost (revoke_on_password_change = %d): the change is found, 200'
                      % (mode, revoke))
            finally:
                proxy.armed = None
                sib.stop()
    finally:
        proxy.stop()


# A body far above every limit, sent 1 MiB at a time up to SENT_AT_MOST (bounded).
BIG_LENGTH = 64 << 20
SENT_AT_MOST = 24 << 20


def spooled(d):
    """Bytes in the files under directory d (lighttpd's upload dir)."""
    total = 0
    for top, _, files in os.walk(d):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(top, f))
            except OSError:
                pass
    return total


def t_big_body(s, t):
    """Finding 1: lighttpd answers a body far above the limit with 413 from its Content-Length,
    and writes none of it to disk (server.max-request-size, server.stream-request-body); the
    upload dir frontend.py gives lighttpd is looked at while the body is being sent.  Apache
    answers 413 from LimitRequestBody (the shared-hosting cgi-bin/.htaccess sets it too); both
    with the JSON error document (www/errors/413.*).  mod_fcgid is the exception: it hands the
    binary an empty body instead (README, Reliability)."""
    import select
    import time
    if s.mode == 'apache-fcgid':
        t.skip('%d MiB body: 413' % (BIG_LENGTH >> 20),
               'mod_fcgid 2.3.9 ignores the LimitRequestBody error and hands the binary an empty body '
               '(a 400 of the fields): README, Reliability')
        return
    uploads = os.path.join(s.web.state, 'uploads')
    c = socket.create_connection(('127.0.0.1', s.port), 10)
    c.sendall(b'POST /api/user/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
              b'Content-Length: %d\r\nConnection: close\r\n\r\n' % BIG_LENGTH)
    chunk = b'x' * (1 << 20)
    sent, most, answer = 0, 0, b''
    deadline = time.time() + 60
    while sent < SENT_AT_MOST and time.time() < deadline:
        if select.select([c], [], [], 0)[0]:
            break                               # answered before the body was sent
        try:
            c.settimeout(5)
            c.sendall(chunk)
        except OSError:
            break                               # the server closed the connection
        sent += len(chunk)
        most = max(most, spooled(uploads))
    most = max(most, spooled(uploads))
    c.settimeout(10)
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            answer += d
    except OSError:
        pass
    c.close()
    status = answer.split(b' ', 2)[1].decode() if answer.startswith(b'HTTP/1.') else repr(answer[:40])
    t.eq(status, '413', '%d MiB body: 413' % (BIG_LENGTH >> 20))
    head, _, rest = answer.partition(b'\r\n\r\n')
    # The web server's JSON error document (its 1 MiB limit), or the binary's own 413 where
    # the server hands it the request before the body (mod_proxy_fcgi): the seed's JSON.
    t.ok(b'content-type: application/json' in head.lower() and
         json.loads(rest.decode() or 'null') in ({'errors': {'detail': 'Request body too large: the limit is '
                                                                       '%d bytes.' % n}} for n in (1 << 20, 65536)),
         '%d MiB body: a JSON 413 in the seed\'s format' % (BIG_LENGTH >> 20), answer[:600])
    if s.mode.startswith('lighttpd'):
        t.eq(most, 0, 'no byte of it spooled under server.upload-dirs (%d MiB sent before the answer)'
             % (sent >> 20))
