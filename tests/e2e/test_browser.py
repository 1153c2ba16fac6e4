"""A real browser (headless Chromium, tests/e2e/browser.py) as a cross-origin front
end on http://localhost:3000: every call a front end of the original makes, each
with its answer readable by the page, which is what CORS decides."""
import json
import os
import select
import subprocess
import time

from api import (CT_SEED, P_CHANGE, P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_SEND_RESET, P_VERIFY,
                 errors, mails_since, new_email, reg_body)

BROWSER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'browser.py')


class Browser:
    """browser.py as a child: one request in, one answer out, each within a time limit."""

    def __init__(self, s):
        self.log = open(os.path.join(s.root, 'browser.log'), 'ab')
        self.p = subprocess.Popen(['/usr/bin/python3', BROWSER, '--api', 'http://127.0.0.1:%d' % s.port,
                                   '--origin-port', str(s.browser_port)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.first = self.read(120)

    def read(self, timeout):
        deadline = time.monotonic() + timeout
        line = b''
        while not line.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return {'error': 'no answer from browser.py within %d s' % timeout}
            c = os.read(self.p.stdout.fileno(), 1)
            if not c:
                return {'error': 'browser.py exited (see browser.log)'}
            line += c
        return json.loads(line)

    def call(self, method, path, kind=None, data=None, headers=None):
        req = {'method': method, 'path': path, 'kind': kind, 'data': data, 'headers': headers or {}}
        self.p.stdin.write((json.dumps(req) + '\n').encode())
        self.p.stdin.flush()
        res = self.read(60)
        if 'body' in res:
            try:
                res['json'] = json.loads(res['body']) if res['body'] else None
            except ValueError:
                res['json'] = None
        return res

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(30)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()
        self.log.close()


def readable(t, res, status, name, body=None):
    """The page got the answer (CORS let it through) with this status and body."""
    if not t.ok('error' not in res, '%s: the page can read the answer' % name, res.get('error')):
        return False
    t.eq(res['status'], status, '%s: status' % name)
    if body is not None:
        t.eq(res['json'], body, '%s: body' % name)
    return res['status'] == status


def t_browser(s, t):
    b = Browser(s)
    try:
        if not t.ok('ready' in b.first, '[browser] headless Chromium serves the page', b.first.get('error')):
            return
        t.eq(b.first['ready'], 'http://localhost:%d' % s.browser_port, '[browser] page origin')
        email = new_email('browser')
        body = reg_body(email)
        r = b.call('POST', P_REGISTER, 'json', body)
        if not readable(t, r, 201, '[browser] register'):
            return
        t.eq(sorted(r['json']), ['access', 'refresh'], '[browser] register: tokens')
        t.eq(r['headers'].get('content-type'), CT_SEED, '[browser] register: Content-Type readable')
        r = b.call('POST', P_REGISTER, 'json', body)
        readable(t, r, 400, '[browser] duplicate register', errors(email=['user with this email already exists.']))
        r = b.call('POST', P_LOGIN, 'json', {'email': email, 'password': 'Wrong-pass-0'})
        readable(t, r, 404, '[browser] bad login', errors(non_field_errors=['email or password is not valid']))
        r = b.call('POST', P_LOGIN, 'json', {'email': email, 'password': 'Secret-pass-1'})
        if not readable(t, r, 200, '[browser] login'):
            return
        access, refresh = r['json']['access'], r['json']['refresh']
        # Authorization is not a CORS-safelisted header: Chromium sends a preflight first.
        r = b.call('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
        if readable(t, r, 200, '[browser] profile with a Bearer header (after a preflight)'):
            t.eq((r['json']['email'], r['json']['name'], r['json']['tc']), (email, 'Test User', True),
                 '[browser] profile: the user')
        r = b.call('GET', P_PROFILE, headers={'Authorization': 'Bearer not-a-token'})
        readable(t, r, 401, '[browser] bad token', errors(
            detail='Given token not valid for any token type', code='token_not_valid',
            messages=[{'token_class': 'AccessToken', 'token_type': 'access',
                       'message': 'Token is invalid or expired'}]))
        r = b.call('POST', P_REFRESH, 'json', {'refresh': refresh})
        if readable(t, r, 200, '[browser] refresh'):
            t.eq(sorted(r['json']), ['access'], '[browser] refresh: a new access token')
        r = b.call('POST', P_VERIFY, 'json', {'token': access})
        readable(t, r, 200, '[browser] verify', {})
        r = b.call('POST', P_CHANGE, 'json', {'password': 'Browser-pass-2', 'password2': 'Browser-pass-2'},
                   headers={'Authorization': 'Bearer ' + access})
        readable(t, r, 200, '[browser] change password', {'success': 'password changed successfully'})
        before = set(os.listdir(s.mail_dir))
        r = b.call('POST', P_SEND_RESET, 'form', {'email': email})
        readable(t, r, 200, '[browser] reset mail, FormData (multipart) body',
                 {'success': 'password reset link sent successfully, please check your email.'})
        t.eq([m['To'] for m in mails_since(s, before)], [email], '[browser] reset mail: one mail to the user')
        r = b.call('POST', P_LOGIN, 'urlencoded', {'email': email, 'password': 'Browser-pass-2'})
        if readable(t, r, 200, '[browser] urlencoded login with the new password'):
            t.eq(sorted(r['json']), ['access', 'refresh'], '[browser] urlencoded login: tokens')
        r = b.call('GET', '/api/user/no-such-endpoint/')
        readable(t, r, 404, '[browser] a 404 under /api/')
    finally:
        b.close()
