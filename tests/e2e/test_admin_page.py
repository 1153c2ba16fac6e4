"""The admin page at /admin/ (www/admin/): how the web server serves it (only its three
files, the redirect, the security headers), then the page itself in headless Chromium
(tests/e2e/browser.py's "op" lines) against the real admin API: an admin made with
`jwtauth-admin createsuperuser` logs in, so does a user who is not one (refused); search,
filter, order, add, change, set a password, delete through the confirmation page, log out;
the access token renewed before it expires.  A screenshot of the list is kept in
build/tests/e2e/artefacts/admin-list-MODE.png."""
import json
import os
import re
import time
import types

import harness
from api import P_LOGIN, make_admin, new_email, register
from test_browser import Browser

P_ADMIN_USERS = '/api/admin/users/'
ADMIN_FILES = {'index.html': 'text/html; charset=utf-8', 'admin.css': 'text/css; charset=utf-8',
               'admin.js': 'text/javascript; charset=utf-8'}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
ARTEFACTS = os.path.join(harness.BUILD, 'tests', 'e2e', 'artefacts')


def source(name):
    with open(os.path.join(harness.SRC, 'www', 'admin', name), 'rb') as fh:
        return fh.read()


def page_headers(t, r, name):
    t.eq(r.header('Content-Security-Policy'), CSP, '%s: Content-Security-Policy' % name)
    t.eq(r.header('X-Content-Type-Options'), 'nosniff', '%s: X-Content-Type-Options' % name)
    t.eq(r.header('X-Frame-Options'), 'DENY', '%s: X-Frame-Options' % name)


def t_admin_page_served(s, t):
    if s.mode == 'apache-cgi':
        # Shared hosting: whatever else a user uploads into admin/ stays unserved.
        d = os.path.join(s.web.state, 'www', 'admin')
        for name in ('other-file', '.htaccess', '.secret.js'):
            with open(os.path.join(d, name), 'w') as fh:
                fh.write('# not to be served\n')   # (a valid .htaccess too)
    for path, name in (('/admin/', 'index.html'), ('/admin/?next=x', 'index.html'),
                       ('/admin/index.html', 'index.html'), ('/admin/admin.css', 'admin.css'),
                       ('/admin/admin.js', 'admin.js')):
        r = s.request('GET', path)
        label = '[admin page] GET %s' % path
        t.eq(r.status, 200, '%s: status' % label)
        t.ok(r.body == source(name), '%s: the file www/admin/%s' % (label, name), r.text[:200])
        t.eq(r.header('Content-Type'), ADMIN_FILES[name], '%s: Content-Type' % label)
        t.eq(r.header('Cache-Control'), 'no-cache', '%s: Cache-Control' % label)
        page_headers(t, r, label)
    r = s.request('GET', '/admin')
    t.eq(r.status, 301, '[admin page] /admin: status')
    t.ok((r.header('Location') or '').endswith('/admin/') and
         re.fullmatch(r'(http://127\.0\.0\.1:%d)?/admin/' % s.port, r.header('Location')),
         '[admin page] /admin: redirects to /admin/', r.header('Location'))
    page_headers(t, r, '[admin page] /admin')
    for path in ('/admin/other-file', '/admin/.htaccess', '/admin/.secret.js', '/admin/admin.js/x',
                 '/admin/admin.JS', '/admin/sub/', '/admin/index.html.bak'):
        r = s.request('GET', path)
        t.eq(r.status, 404, '[admin page] GET %s: 404' % path)
        t.ok(b'not to be served' not in r.body, '[admin page] GET %s: not the file' % path)
        page_headers(t, r, '[admin page] GET %s' % path)
    # Outside /admin nothing changed: no policy on the API's answers.
    r = s.request('POST', P_LOGIN, json_body={'email': 'x@example.com', 'password': 'x'})
    t.eq(r.header('Content-Security-Policy'), None, '[admin page] no CSP on the API')
    r = s.request('GET', '/administrator/')
    t.eq((r.status, r.header('Content-Security-Policy')), (404, None), '[admin page] /administrator/: the 404 as before')


class Page(Browser):
    """browser.py driving Chromium on the admin page.  Its own page (for cross-origin
    calls) is not used here: it goes on any free port, not on 3000."""

    def __init__(self, s):
        Browser.__init__(self, types.SimpleNamespace(root=s.root, port=s.port, browser_port=harness.free_port()))

    def op(self, op, **kw):
        kw['op'] = op
        self.p.stdin.write((json.dumps(kw) + '\n').encode())
        self.p.stdin.flush()
        res = self.read(60)
        if 'error' in res:
            raise AssertionError('%s %s: %s' % (op, json.dumps(kw), res['error']))
        return res['ok']

    def texts(self, css):
        return self.op('script', js='return Array.from(document.querySelectorAll(arguments[0]))'
                                    '.map(function (e) { return e.textContent.trim(); });', args=[css])

    def focused(self):
        return self.op('script', js='var e = document.activeElement;'
                                    'return e ? (e.id || e.tagName.toLowerCase()) : null;')


def admin_get(s, token, path):
    return s.request('GET', path, headers={'Authorization': 'Bearer ' + token})


def t_admin_page(s, t):
    tag = 'pg%d' % (int(time.time() * 1000) % 10 ** 7)
    admin_email = '%s.admin@example.com' % tag
    make_admin(s, admin_email, name='%s Admin' % tag, password='Admin-pass-1')   # createsuperuser
    plain_email, _, _, _ = register(s, '%s.plain@example.com' % tag, password='Plain-pass-1', name='%s Zed' % tag)
    for i, n in enumerate(('Carol', 'Bob', 'Dave')):
        register(s, '%s.u%d@example.com' % (tag, i), name='%s %s' % (tag, n), tc=bool(i % 2))
    r = s.request('POST', P_LOGIN, json_body={'email': admin_email, 'password': 'Admin-pass-1'})
    token = r.json['access']
    r = admin_get(s, token, P_ADMIN_USERS)
    if not t.eq(r.status, 200, '[admin page] the admin API answers the admin'):
        return
    total = r.json['count']

    b = Page(s)
    try:
        if not t.ok('ready' in b.first, '[admin page] headless Chromium', b.first.get('error')):
            return
        url = 'http://127.0.0.1:%d/admin/' % s.port
        b.op('get', url=url)
        b.op('wait', css='#login-form')
        t.eq(b.op('script', js='return document.title;'), 'Log in | jwtauth administration', '[admin page] title')
        t.eq(b.focused(), 'id_email', '[admin page] the email field has the focus')
        t.eq(b.texts('label[for="id_email"], label[for="id_password"]'), ['Email', 'Password'],
             '[admin page] login: labelled fields')

        # Bad credentials, then a user who is not an admin: the API's message, then a clear refusal.
        b.op('type', css='#id_email', text=admin_email)
        b.op('type', css='#id_password', text='Wrong-pass-9\n')
        t.ok('email or password is not valid' in b.op('wait', css='.errornote'),
             '[admin page] wrong password: the API\'s message')
        b.op('type', css='#id_email', text=plain_email)
        b.op('type', css='#id_password', text='Plain-pass-1\n')
        msg = b.op('wait', css='#messages .error', text='not authorized')
        t.ok(plain_email in msg, '[admin page] a non-admin sees that they are not authorized', msg)
        t.ok(b.op('script', js='return document.getElementById("user-tools").hidden;'),
             '[admin page] a non-admin stays logged out')

        # The admin: the list, with the count.
        b.op('type', css='#id_email', text=admin_email)
        b.op('type', css='#id_password', text='Admin-pass-1\n')
        b.op('wait', css='#result_list')
        t.eq(b.op('wait', css='#result-count'), '%d users' % total, '[admin page] list: the count')
        t.eq(b.op('wait', css='#who'), admin_email, '[admin page] welcome, the admin')
        t.eq([h.rstrip('\u25b2\u25bc') for h in b.texts('#result_list thead th')], ['Email', 'Name', 'Tc', 'Is admin'],
             '[admin page] list: the columns')
        t.eq(b.op('script', js='return location.hash;'), '#/users', '[admin page] list: #/users')
        b.op('script', js='document.querySelector("a.skip").click();')
        t.eq((b.op('script', js='return location.hash;'), b.focused()), ('#/users', 'content'),
             '[admin page] the skip link focuses the content, the view stays')

        # Search by email.
        b.op('type', css='#searchbar', text=tag + '\n')
        b.op('wait', css='#result-count', text='5 users')
        emails = b.texts('#result_list tbody th')
        t.eq(sorted(emails), sorted([admin_email, plain_email] + ['%s.u%d@example.com' % (tag, i) for i in range(3)]),
             '[admin page] search: the five users')
        t.eq(emails, sorted(emails), '[admin page] search: ordered by email')
        b.op('script', js='document.getElementById("result_list").scrollIntoView();')
        os.makedirs(ARTEFACTS, exist_ok=True)
        shot = os.path.join(ARTEFACTS, 'admin-list-%s.png' % s.mode)
        t.ok(b.op('screenshot', path=shot) and os.path.getsize(shot) > 1000, '[admin page] screenshot %s' % shot)

        # Filter by is_admin.
        b.op('click', css='#filter-is_admin-1')
        b.op('wait', css='#result-count', text='1 user')
        t.eq(b.texts('#result_list tbody th'), [admin_email], '[admin page] filter is_admin=Yes')
        t.eq(b.texts('#result_list tbody td.field-is_admin'), ['Yes'], '[admin page] filter Yes: the column')
        b.op('click', css='#filter-is_admin-0')
        b.op('wait', css='#result-count', text='4 users')
        t.ok(admin_email not in b.texts('#result_list tbody th'), '[admin page] filter is_admin=No')
        t.eq(b.op('script', js='return location.hash;'), '#/users?q=%s&is_admin=0' % tag,
             '[admin page] filter keeps the search')
        b.op('click', css='#filter-is_admin-all')
        b.op('wait', css='#result-count', text='5 users')

        # Order by clicking the column headers.
        b.op('click', css='#sort-email')
        b.op('wait', css='th.column-email[aria-sort="descending"]')
        emails = b.texts('#result_list tbody th')
        t.eq(emails, sorted(emails, reverse=True), '[admin page] order by email, descending')
        b.op('click', css='#sort-name')
        b.op('wait', css='th.column-name[aria-sort="ascending"]')
        names = b.texts('#result_list tbody td.field-name')
        t.eq(names, ['%s %s' % (tag, n) for n in ('Admin', 'Bob', 'Carol', 'Dave', 'Zed')],
             '[admin page] order by name')

        # Add a user: the errors next to their fields first.
        new = '%s.new@example.com' % tag
        b.op('click', css='a.addlink')
        b.op('wait', css='#user_form')
        b.op('type', css='#id_email', text='not-an-email')
        b.op('type', css='#id_password', text='New-pass-1')
        b.op('type', css='#id_password2', text='New-pass-2')
        b.op('click', css='button[name="_save"]')
        b.op('wait', css='.errornote')
        t.ok(b.op('wait', css='.field-email ul.errorlist'), '[admin page] add: an error next to Email')
        t.ok(b.op('wait', css='.field-name ul.errorlist'), '[admin page] add: an error next to Name')
        t.eq(b.focused(), 'id_email', '[admin page] add: the focus on the first field in error')
        t.eq(b.op('script', js='return document.getElementById("id_email").getAttribute("aria-invalid");'),
             'true', '[admin page] add: aria-invalid')
        b.op('type', css='#id_email', text=new)
        b.op('type', css='#id_name', text='%s Newcomer' % tag)
        b.op('click', css='#id_tc')
        b.op('type', css='#id_password2', text='New-pass-1')
        b.op('click', css='button[name="_save"]')
        b.op('wait', css='#messages p', text='was added successfully')
        b.op('wait', css='#id_is_active')
        uid = int(re.fullmatch(r'#/users/(\d+)', b.op('script', js='return location.hash;')).group(1))
        r = admin_get(s, token, '%s%d/' % (P_ADMIN_USERS, uid))
        t.eq((r.status, r.json and r.json['email'], r.json and r.json['tc'], r.json and r.json['is_admin']),
             (200, new, True, False), '[admin page] add: the user exists')

        # Change the name.
        t.eq(b.op('script', js='return document.getElementById("id_email").value;'), new,
             '[admin page] change form: the email')
        b.op('type', css='#id_name', text='%s Renamed' % tag)
        b.op('click', css='button[name="_save"]')
        b.op('wait', css='#messages p', text='was changed successfully')
        b.op('wait', css='#result_list')
        r = admin_get(s, token, '%s%d/' % (P_ADMIN_USERS, uid))
        t.eq(r.json and r.json['name'], '%s Renamed' % tag, '[admin page] change: the new name')

        # Set the password, then log in as that user through the API.
        b.op('click', css='#result_list a[href="#/users/%d"]' % uid)
        b.op('click', css='#password-link')
        b.op('wait', css='#password_form')
        t.eq(b.focused(), 'id_password', '[admin page] password form: focus on the password')
        b.op('type', css='#id_password', text='Changed-pass-7')
        b.op('type', css='#id_password2', text='Changed-pass-7\n')
        b.op('wait', css='#messages p', text='Password changed successfully')
        r = s.request('POST', P_LOGIN, json_body={'email': new, 'password': 'Changed-pass-7'})
        t.eq(r.status, 200, '[admin page] set password: the user logs in with it')
        r = s.request('POST', P_LOGIN, json_body={'email': new, 'password': 'New-pass-1'})
        t.eq(r.status, 404, '[admin page] set password: not with the old one')

        # Delete through the confirmation page.
        b.op('click', css='#delete-link')
        t.ok(b.op('wait', css='h1', text='Are you sure?'), '[admin page] delete: the confirmation page')
        b.op('wait', css='#deleted-objects')
        t.eq(b.texts('#deleted-objects li'), ['User: ' + new], '[admin page] delete: lists the user')
        b.op('click', css='#confirm-delete')
        b.op('wait', css='#messages p', text='was deleted successfully')
        b.op('wait', css='#result_list')
        r = admin_get(s, token, '%s%d/' % (P_ADMIN_USERS, uid))
        t.eq(r.status, 404, '[admin page] delete: the user is gone')

        # No console errors, no CSP violations on the way.
        bad = [m['message'] for m in b.op('logs') if m['level'] == 'SEVERE' and '/api/' not in m['message']
               and '/favicon.ico' not in m['message']]   # the site's, not the page's
        t.eq(bad, [], '[admin page] no errors or CSP violations in the console')

        # Log out: the login form, no token anywhere, and the list needs a log in again.
        b.op('click', css='#logout')
        b.op('wait', css='#login-form')
        b.op('wait', css='#messages p', text='logged out')
        t.eq(b.op('script', js='return [localStorage.length, sessionStorage.length, document.cookie];'),
             [0, 0, ''], '[admin page] log out: nothing stored')
        b.op('script', js='location.hash = "#/users?q=x";')
        b.op('wait', css='#login-form')
        t.eq(b.op('script', js='return document.querySelectorAll("#result_list").length;'), 0,
             '[admin page] log out: the list asks for a log in again')
        t.ok(admin_email not in b.op('script', js='return document.body.textContent;'),
             '[admin page] log out: the page no longer shows who was logged in')
    except AssertionError as e:
        t.ok(False, '[admin page] browser step', str(e))
    finally:
        b.close()


def t_admin_page_refresh(s, t):
    """The page renews its access token with the refresh token before it expires: a stack
    of its own whose access tokens live 25 seconds (the page renews them 20 seconds early)."""
    s2 = harness.Stack(s.mode, config_extra='access_token_lifetime = 25\n', env=s.env)
    b = None
    failed = t.failed
    try:
        s2.start()
        email = new_email('pageadmin')
        make_admin(s2, email, name='Page Admin', password='Admin-pass-1')
        b = Page(s2)
        if not t.ok('ready' in b.first, '[admin page refresh] headless Chromium', b.first.get('error')):
            return
        refreshes = ('return performance.getEntriesByType("resource").filter(function (e) {'
                     ' return e.name.indexOf("/api/user/token/refresh/") >= 0; }).length;')
        b.op('get', url='http://127.0.0.1:%d/admin/#/users' % s2.port)
        b.op('type', css='#id_email', text=email)
        b.op('type', css='#id_password', text='Admin-pass-1\n')
        b.op('wait', css='#result-count', text='1 user')
        t.eq(b.op('script', js=refreshes), 0, '[admin page refresh] a fresh token: no refresh')
        time.sleep(6)
        b.op('click', css='#filter-is_admin-1')
        b.op('wait', css='#result-count', text='1 user')
        b.op('wait', css='#filter-is_admin-1[aria-current="true"]')
        t.eq(b.op('script', js=refreshes), 1, '[admin page refresh] about to expire: renewed once')
        t.eq(b.op('script', js='return document.querySelectorAll("#login-form").length;'), 0,
             '[admin page refresh] still logged in')
    except AssertionError as e:
        t.ok(False, '[admin page refresh] browser step', str(e))
    finally:
        if b is not None:
            b.close()
        s2.stop(keep=t.failed != failed)
        if t.failed != failed:
            print('# [%s] admin page refresh: state kept in %s' % (s.mode, s2.root), flush=True)
