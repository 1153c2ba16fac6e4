"""The admin API (/api/admin/users/...): who may use it (401, 403), the add form with
register's validations, the list's search, filters, ordering and DRF pagination, one
user's GET/PUT/PATCH/DELETE, the last-admin rule (also two admins demoting each other
at once), the password route, and that no answer carries a password hash."""
import re
import threading
import time
import urllib.parse

from api import (ALLOW_ADMIN_USER, ALLOW_ADMIN_USERS, CT_SEED, FORBIDDEN, P_ADMIN_USERS, P_LOGIN,
                 admin_user, check, errors, make_admin, new_email, p_admin_user, register)

REQUIRED = 'This field is required.'
# DRF's DateTimeField in TIME_ZONE = 'Asia/Kolkata': isoformat, microseconds when non-zero.
ISO = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+05:30')
KEYS = ['id', 'email', 'name', 'tc', 'is_active', 'is_admin', 'last_login', 'created_at', 'updated_at']
LAST_DELETE = 'This is the last active admin: it cannot be deleted.'
LAST_CHANGE = 'This is the last active admin: it cannot be deactivated or lose is_admin.'


def q(s):
    return s.replace("\\", "\\\\").replace("'", "''")


def db_times(s, uid):
    """created_at and updated_at of uid as DRF writes them, computed by MariaDB: the
    stored UTC value plus 5:30, microseconds only when non-zero."""
    out = s.db.sql("SELECT DATE_FORMAT(created_at + INTERVAL 330 MINUTE, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f'), "
                   "DATE_FORMAT(updated_at + INTERVAL 330 MINUTE, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f') "
                   "FROM accounts_user WHERE id = %d" % uid).split()
    return [re.sub(r'\.000000$', '', v) + '+05:30' for v in out]


def no_hash(t, r, name):
    t.ok('password' not in r.text and '$' not in r.text, '%s: no password hash' % name, r.text[:300])


def shape(t, u, name):
    t.eq(list(u), KEYS, '%s: keys in order' % name)
    for k in ('created_at', 'updated_at'):
        t.ok(ISO.fullmatch(u[k] or '') is not None, '%s: %s as DRF renders it' % (name, k), u[k])


def t_admin_auth(s, t):
    _, _, adm = admin_user(s)
    email, uid, access, _ = register(s)
    user = {'Authorization': 'Bearer ' + access}
    routes = ((P_ADMIN_USERS, ('GET', 'POST', 'OPTIONS', 'PUT')),
              (p_admin_user(uid), ('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST')),
              (p_admin_user(uid) + 'password/', ('POST', 'GET', 'OPTIONS')))
    for path, methods in routes:
        for m in methods:
            body = {} if m in ('POST', 'PUT', 'PATCH') else None
            r = s.request(m, path, json_body=body)
            check(t, r, 401, errors(detail='Authentication credentials were not provided.'),
                  '%s %s without a token' % (m, path), ctype=CT_SEED, WWW_Authenticate='Bearer realm="api"')
            # DRF checks permissions before the method: 403 also for a method the view lacks.
            r = s.request(m, path, json_body=body, headers=user)
            check(t, r, 403, FORBIDDEN, '%s %s as a user who is not an admin' % (m, path), ctype=CT_SEED)
    r = s.request('GET', P_ADMIN_USERS, headers={'Authorization': 'Bearer x.y.z'})
    t.eq(r.status, 401, 'a broken token: 401 as profile')
    t.eq(r.json, s.request('GET', '/api/user/profile/', headers={'Authorization': 'Bearer x.y.z'}).json,
         'a broken token: the same body as profile')
    # An admin made inactive: its token is refused by authentication already.
    iemail, iuid, ihdr = admin_user(s)
    t.eq(s.request('GET', P_ADMIN_USERS, headers=ihdr).status, 200, 'an active admin: 200')
    s.db.sql('UPDATE accounts_user SET is_active = 0 WHERE id = %d' % iuid)
    r = s.request('GET', P_ADMIN_USERS, headers=ihdr)
    check(t, r, 401, errors(detail='User is inactive', code='user_inactive'), 'an inactive admin')
    # Demoted while its token lives: is_admin is read on every request.
    demail, duid, dhdr = admin_user(s)
    make_admin(s, demail, admin=False)
    check(t, s.request('GET', P_ADMIN_USERS, headers=dhdr), 403, FORBIDDEN, 'a demoted admin')
    r = s.request('OPTIONS', P_ADMIN_USERS, headers=adm)
    check(t, r, 200, name='OPTIONS as an admin', allow=ALLOW_ADMIN_USERS)
    r = s.request('PUT', P_ADMIN_USERS, json_body={}, headers=adm)
    check(t, r, 405, errors(detail='Method "PUT" not allowed.'), 'PUT on the list', allow=ALLOW_ADMIN_USERS)
    r = s.request('POST', p_admin_user(uid), json_body={}, headers=adm)
    check(t, r, 405, errors(detail='Method "POST" not allowed.'), 'POST on a user', allow=ALLOW_ADMIN_USER)


def add_body(addr, **kw):
    b = {'email': addr, 'name': 'Added User', 'tc': True, 'password': 'Added-pass-1',
         'password2': 'Added-pass-1'}
    b.update(kw)
    return b


def t_admin_create(s, t):
    _, _, adm = admin_user(s)
    r = s.request('POST', P_ADMIN_USERS, json_body={}, headers=adm)
    check(t, r, 400, errors(email=[REQUIRED], name=[REQUIRED], tc=[REQUIRED], password=[REQUIRED],
                            password2=[REQUIRED]), 'empty add form: every required field')
    email = new_email('add', 'Example.COM')
    r = s.request('POST', P_ADMIN_USERS, json_body=add_body(email, password2='other'), headers=adm)
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'mismatch')
    cases = (
        ({'email': 'not-an-email'}, {'email': ['Enter a valid email address.']}),
        ({'email': '  '}, {'email': ['This field may not be blank.']}),
        ({'email': None}, {'email': ['This field may not be null.']}),
        ({'name': 'n' * 201}, {'name': ['Ensure this field has no more than 200 characters.']}),
        ({'name': ''}, {'name': ['This field may not be blank.']}),
        ({'tc': 'maybe'}, {'tc': ['Must be a valid boolean.']}),
        ({'is_admin': 'maybe'}, {'is_admin': ['Must be a valid boolean.']}),
        ({'password': 'p' * 129, 'password2': 'p' * 129},
         {'password': ['Ensure this field has no more than 128 characters.']}),
        ({'email': 'a' * 250 + '@b.com'}, {'email': ['Ensure this field has no more than 255 characters.']}),
    )
    for change, want in cases:
        r = s.request('POST', P_ADMIN_USERS, json_body=add_body(new_email('bad'), **change), headers=adm)
        check(t, r, 400, errors(**want), 'add with %s' % str(change)[:60])
    r = s.request('POST', P_ADMIN_USERS, json_body=['x'], headers=adm)
    check(t, r, 400, errors(non_field_errors=['Invalid data. Expected a dictionary, but got list.']),
          'a list for a body')
    # Added: normalised as register (the domain lower-cased), is_admin false by default.
    r = s.request('POST', P_ADMIN_USERS, json_body=add_body(email), headers=adm)
    t.eq(r.status, 201, 'add: 201')
    u = r.json or {}
    want_email = email.rsplit('@', 1)[0] + '@example.com'
    shape(t, u, 'added user')
    t.eq((u.get('email'), u.get('name'), u.get('tc'), u.get('is_active'), u.get('is_admin'), u.get('last_login')),
         (want_email, 'Added User', True, True, False, None), 'added user: values')
    t.eq([u.get('created_at'), u.get('updated_at')], db_times(s, u.get('id', 0)), 'added user: datetimes')
    no_hash(t, r, 'add')
    t.ok(s.db.sql("SELECT password FROM accounts_user WHERE id = %d" % u['id']).startswith('$'),
         'added user: the password is stored hashed')
    r = s.request('POST', P_LOGIN, json_body={'email': want_email, 'password': 'Added-pass-1'})
    t.eq(r.status, 200, 'the added user logs in')
    # Taken, whatever the case.
    r = s.request('POST', P_ADMIN_USERS, json_body=add_body(want_email.upper()), headers=adm)
    check(t, r, 400, errors(email=['user with this email already exists.']), 'add a taken email (other case)')
    # An admin, and a form-encoded add (an unchecked box is false).
    e2 = new_email('addadm')
    r = s.request('POST', P_ADMIN_USERS, json_body=add_body(e2, is_admin=True, tc=False), headers=adm)
    t.eq((r.status, (r.json or {}).get('is_admin'), (r.json or {}).get('tc')), (201, True, False), 'add an admin')
    e3 = new_email('addform')
    form = add_body(e3)
    del form['tc']
    r = s.request('POST', P_ADMIN_USERS, form=form, headers=adm)
    t.eq((r.status, (r.json or {}).get('tc'), (r.json or {}).get('is_admin')), (201, False, False),
         'form add: missing boxes are false')


def seed_users(s, domain, n):
    """n users straight into the table (fast; the list is what is tested here)."""
    rows = ', '.join("('x', NULL, 'user%03d@%s', 'Name %03d', %d, %d, %d, "
                     "UTC_TIMESTAMP(6) - INTERVAL %d SECOND, UTC_TIMESTAMP(6))"
                     % (i, domain, (n - i) % n, i % 2, 0 if i % 10 == 3 else 1, 1 if i % 25 == 0 else 0, i)
                     for i in range(n))
    s.db.sql('INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, '
             'created_at, updated_at) VALUES ' + rows)
    return {int(k): v for v, k in (line.split('\t') for line in s.db.sql(
        "SELECT email, id FROM accounts_user WHERE email LIKE '%%@%s'" % q(domain)).splitlines())}


def t_admin_list(s, t):
    _, _, adm = admin_user(s)
    dom = 'list%d.example.org' % (int(time.time() * 1000) % 10 ** 8)
    ids = seed_users(s, dom, 230)
    byemail = sorted(ids.values())
    base = 'http://127.0.0.1:%d%s' % (s.port, P_ADMIN_USERS)

    def get(query, name, status=200):
        r = s.request('GET', P_ADMIN_USERS + ('?' + query if query else ''), headers=adm)
        t.eq(r.status, status, '%s: status' % name)
        return r.json or {}

    body = get('search=' + dom, 'search, page 1')
    t.eq((body.get('count'), body.get('previous')), (230, None), 'page 1: count, no previous')
    t.eq(body.get('next'), base + '?page=2&search=' + dom, 'page 1: next as DRF builds it')
    t.eq([u['email'] for u in body.get('results', [])], byemail[:100], 'page 1: 100 users by email')
    for u in body.get('results', [])[:3]:
        shape(t, u, 'a listed user')
    body = get('search=' + dom + '&page=2', 'page 2')
    t.eq((body.get('next'), body.get('previous')), (base + '?page=3&search=' + dom, base + '?search=' + dom),
         'page 2: next, and previous without page=1')
    t.eq([u['email'] for u in body.get('results', [])], byemail[100:200], 'page 2: the next 100')
    body = get('page=3&search=' + dom.upper(), 'page 3, search in capitals')
    t.eq((body.get('count'), body.get('next'), len(body.get('results', []))), (230, None, 30),
         'page 3: the last 30, no next (search is case-insensitive)')
    t.eq(body.get('previous'), base + '?page=2&search=' + dom.upper(), 'page 3: previous')
    body = get('page=last&search=' + dom, 'page=last')
    t.eq(len(body.get('results', [])), 30, 'page=last is the last page')
    for bad in ('4', '0', '-1', 'abc', '1.5', '', '99999999999999999999999'):
        r = s.request('GET', P_ADMIN_USERS + '?search=%s&page=%s' % (dom, bad), headers=adm)
        check(t, r, 404, errors(detail='Invalid page.'), 'page=%r' % bad)
    body = get('search=%s&page=%%202%%20' % dom, 'page=" 2 " (int() strips)')
    t.eq(body.get('previous'), base + '?search=' + dom, 'page " 2 ": previous')
    # Other parameters are kept, sorted, re-encoded (urlencode), page replaced.
    body = get('zeta=%C3%A9+x&search=' + dom + '&ordering=-id&a=1&a=2&blank=', 'other parameters')
    t.eq(body.get('next'), base + '?a=1&a=2&blank=&ordering=-id&page=2&search=%s&zeta=%%C3%%A9+x' % dom,
         'next keeps the other parameters, sorted')
    # Ordering.
    want = sorted(ids, reverse=True)
    body = get('search=%s&ordering=-id' % dom, 'ordering=-id')
    t.eq([u['id'] for u in body.get('results', [])], want[:100], 'ordering=-id')
    body = get('search=%s&ordering=id' % dom, 'ordering=id')
    t.eq([u['id'] for u in body.get('results', [])], sorted(ids)[:100], 'ordering=id')
    byname = sorted(ids, key=lambda i: ('Name %03d' % ((230 - int(ids[i][4:7])) % 230), i))
    body = get('search=%s&ordering=name' % dom, 'ordering=name')
    t.eq([u['id'] for u in body.get('results', [])], byname[:100], 'ordering=name')
    body = get('search=%s&ordering=-created_at' % dom, 'ordering=-created_at')
    t.eq([u['email'] for u in body.get('results', [])], sorted(byemail)[:100],
         'ordering=-created_at (newest first: user000 is the newest)')
    body = get('search=%s&ordering=created_at' % dom, 'ordering=created_at')
    t.eq([u['email'] for u in body.get('results', [])], sorted(byemail, reverse=True)[:100],
         'ordering=created_at')
    for bad in ('password', 'nope', '--id', ''):
        body = get('search=%s&ordering=%s' % (dom, bad), 'ordering=%r' % bad)
        t.eq([u['email'] for u in body.get('results', [])], byemail[:100], 'ordering=%r: email' % bad)
    body = get('search=%s&ordering=nope,%%20-id%%20' % dom, 'ordering=nope, -id')
    t.eq([u['id'] for u in body.get('results', [])], want[:100], 'invalid terms are dropped')
    # Filters (django-filter's BooleanFilter).
    admins = [e for e in byemail if int(e[4:7]) % 25 == 0]
    inactive = [e for e in byemail if int(e[4:7]) % 10 == 3]
    for val, exp in (('true', admins), ('True', admins), ('2', admins),
                     ('false', [e for e in byemail if e not in admins]), ('3', [e for e in byemail if e not in admins]),
                     ('1', byemail), ('yes', byemail), ('', byemail)):
        body = get('search=%s&is_admin=%s&page=last' % (dom, val), 'is_admin=%r' % val)
        t.eq(body.get('count'), len(exp), 'is_admin=%r: count' % val)
    body = get('search=%s&is_active=false' % dom, 'is_active=false')
    t.eq([u['email'] for u in body.get('results', [])], inactive, 'is_active=false')
    body = get('search=%s&is_active=false&is_admin=true' % dom, 'both filters')
    t.eq(body.get('count'), len([e for e in inactive if e in admins]), 'both filters: count')
    # The search is one literal substring: LIKE's % and _ match themselves.
    email, _, _, _ = register(s, email='odd_%%one.%d@%s' % (time.time() * 1000 % 10 ** 6, dom))
    for term, n in (('_%', 1), ('%', 1), ('_', 1), ('user00', 10), ('USER00', 10), ('\\', 0), ("'", 0)):
        body = get('search=%s&page=last' % urllib.parse.quote(term + ('' if term in ('\\', "'") else '')),
                   'search %r' % term)
        got = [u['email'] for u in body.get('results', []) if u['email'].endswith(dom)]
        t.eq(len(got), n if term not in ('user00', 'USER00') else 10, 'search %r' % term)
    body = get('search=%20%20', 'a blank search')
    t.ok(body.get('count', 0) >= 231, 'a blank search lists everyone', body.get('count'))
    r = s.request('GET', P_ADMIN_USERS + '?search=' + dom, headers=adm)
    no_hash(t, r, 'list')


def t_admin_detail(s, t):
    _, aid, adm = admin_user(s)
    email, uid, access, _ = register(s, name='Detail User', tc=False)
    path = p_admin_user(uid)
    r = s.request('GET', path, headers=adm)
    check(t, r, 200, name='GET a user', ctype=CT_SEED, allow=ALLOW_ADMIN_USER)
    u = r.json or {}
    shape(t, u, 'GET a user')
    t.eq([u.get(k) for k in ('id', 'email', 'name', 'tc', 'is_active', 'is_admin', 'last_login')],
         [uid, email, 'Detail User', False, True, False, None], 'GET a user: values')
    t.eq([u.get('created_at'), u.get('updated_at')], db_times(s, uid), 'GET a user: datetimes in +05:30')
    no_hash(t, r, 'GET a user')
    r = s.request('HEAD', path, headers=adm)
    t.eq((r.status, r.body), (200, b''), 'HEAD a user')
    for bad in ('999999999', '9223372036854775807', '9223372036854775808', '99999999999999999999999', '00'):
        r = s.request('GET', p_admin_user(bad), headers=adm)
        check(t, r, 404, errors(detail='Not found.'), 'GET user %s' % bad)
    r = s.request('GET', p_admin_user('abc'), headers=adm)
    t.eq(r.status, 404, 'a non-numeric id is no URL of the API')
    r = s.request('GET', P_ADMIN_USERS + str(uid), headers=adm)
    check(t, r, 301, name='no trailing slash', Location=path)
    r = s.request('GET', P_ADMIN_USERS + '%07d/' % uid, headers=adm)
    t.eq((r.status, (r.json or {}).get('id')), (200, uid), '<int:pk> reads leading zeros')
    # PUT: email, name and tc required (is_admin and is_active have model defaults).
    r = s.request('PUT', path, json_body={'name': 'X'}, headers=adm)
    check(t, r, 400, errors(email=[REQUIRED], tc=[REQUIRED]), 'PUT with missing fields')
    r = s.request('PUT', path, json_body={}, headers=adm)
    check(t, r, 400, errors(email=[REQUIRED], name=[REQUIRED], tc=[REQUIRED]), 'PUT {}')
    r = s.request('PUT', p_admin_user(999999999), json_body=['not', 'a', 'dict'], headers=adm)
    check(t, r, 404, errors(detail='Not found.'), 'PUT to nobody: 404 before the body')
    new = new_email('put', 'Example.Org')
    r = s.request('PUT', path, json_body={'email': new, 'name': 'Put Name', 'tc': True}, headers=adm)
    t.eq(r.status, 200, 'PUT: 200')
    u = r.json or {}
    t.eq([u.get(k) for k in ('email', 'name', 'tc', 'is_active', 'is_admin')],
         [new.rsplit('@', 1)[0] + '@example.org', 'Put Name', True, True, False],
         'PUT: values (email normalised, absent booleans kept)')
    t.eq(u.get('updated_at'), db_times(s, uid)[1], 'PUT: updated_at is the stored one')
    t.ok(u.get('updated_at', '') > u.get('created_at', ''), 'PUT: updated_at moved')
    r = s.request('PUT', path, form={'email': new, 'name': 'Form Put', 'tc': 'on'}, headers=adm)
    t.eq(((r.json or {}).get('is_active'), (r.json or {}).get('is_admin')), (False, False),
         'PUT as a form: an unchecked box is false (HTML forms)')
    # PATCH: only what is given.
    r = s.request('PATCH', path, json_body={'is_active': True}, headers=adm)
    t.eq([(r.json or {}).get(k) for k in ('name', 'is_active', 'tc')], ['Form Put', True, True], 'PATCH is_active')
    r = s.request('PATCH', path, json_body={}, headers=adm)
    t.eq(r.status, 200, 'PATCH {}: 200, nothing to change')
    for change, want in (({'name': ''}, {'name': ['This field may not be blank.']}),
                         ({'email': 'nope'}, {'email': ['Enter a valid email address.']}),
                         ({'tc': None}, {'tc': ['This field may not be null.']}),
                         ({'is_admin': 'x', 'is_active': 'maybe'},
                          {'is_admin': ['Must be a valid boolean.'], 'is_active': ['Must be a valid boolean.']})):
        r = s.request('PATCH', path, json_body=change, headers=adm)
        check(t, r, 400, errors(**want), 'PATCH %s' % change)
    other, _, _, _ = register(s)
    r = s.request('PATCH', path, json_body={'email': other.upper()}, headers=adm)
    check(t, r, 400, errors(email=['user with this email already exists.']), 'PATCH to a taken email')
    cur = s.request('GET', path, headers=adm).json['email']
    r = s.request('PATCH', path, json_body={'email': cur.upper()}, headers=adm)
    t.eq(r.status, 200, 'PATCH to its own email in capitals: not taken by itself')
    r = s.request('PATCH', path, json_body={'is_admin': True}, headers=adm)
    t.eq((r.json or {}).get('is_admin'), True, 'PATCH is_admin: promoted')
    # Its tokens died with the deactivation above (revocation, issue 11): a new login.
    r = s.request('GET', P_ADMIN_USERS, headers={'Authorization': 'Bearer ' + access})
    t.eq(r.status, 401, 'tokens issued before a deactivation stay refused after the reactivation')
    r = s.request('POST', P_LOGIN, json_body={'email': cur, 'password': 'Secret-pass-1'})
    r = s.request('GET', P_ADMIN_USERS, headers={'Authorization': 'Bearer ' + (r.json or {}).get('access', '')})
    t.eq(r.status, 200, 'the promoted user may use the admin API')
    # DELETE.
    r = s.request('DELETE', path, headers=adm)
    check(t, r, 204, name='DELETE', text='')
    r = s.request('GET', path, headers=adm)
    check(t, r, 404, errors(detail='Not found.'), 'GET after DELETE')
    r = s.request('DELETE', path, headers=adm)
    check(t, r, 404, errors(detail='Not found.'), 'DELETE twice')
    r = s.request('GET', '/api/user/profile/', headers={'Authorization': 'Bearer ' + access})
    t.eq(r.status, 401, 'a deleted user\'s token no longer works')


def only_admin(s, uid):
    """Make uid the one active admin of the database."""
    s.db.sql('UPDATE accounts_user SET is_admin = 0 WHERE id <> %d; '
             'UPDATE accounts_user SET is_admin = 1, is_active = 1 WHERE id = %d' % (uid, uid))


def t_admin_last_admin(s, t):
    _, aid, adm = admin_user(s)
    only_admin(s, aid)
    me = p_admin_user(aid)
    r = s.request('DELETE', me, headers=adm)
    check(t, r, 400, errors(non_field_errors=[LAST_DELETE]), 'delete the last admin')
    for change in ({'is_admin': False}, {'is_active': False}, {'is_admin': False, 'is_active': False}):
        r = s.request('PATCH', me, json_body=change, headers=adm)
        check(t, r, 400, errors(non_field_errors=[LAST_CHANGE]), 'PATCH the last admin %s' % change)
    cur = s.request('GET', me, headers=adm).json
    r = s.request('PUT', me, form={'email': cur['email'], 'name': 'n', 'tc': 'on'}, headers=adm)
    check(t, r, 400, errors(non_field_errors=[LAST_CHANGE]), 'PUT as a form without the boxes')
    t.eq(s.db.sql('SELECT is_admin, is_active, name FROM accounts_user WHERE id = %d' % aid).split('\t')[:2],
         ['1', '1'], 'the last admin is unchanged')
    r = s.request('PATCH', me, json_body={'name': 'Still Admin', 'is_admin': True}, headers=adm)
    t.eq(r.status, 200, 'the last admin may change its name')
    # With a second admin, either may go; an inactive admin does not count.
    _, bid, bdm = admin_user(s)
    _, cid, _ = admin_user(s)
    s.db.sql('UPDATE accounts_user SET is_active = 0 WHERE id = %d' % cid)
    r = s.request('PATCH', p_admin_user(bid), json_body={'is_admin': False}, headers=adm)
    t.eq(r.status, 200, 'demote one of two admins')
    r = s.request('PATCH', me, json_body={'is_admin': False}, headers=adm)
    check(t, r, 400, errors(non_field_errors=[LAST_CHANGE]), 'an inactive admin does not count')
    r = s.request('DELETE', p_admin_user(cid), headers=adm)
    t.eq(r.status, 204, 'an inactive admin may be deleted')
    only_admin(s, aid)


def t_admin_last_admin_race(s, t):
    """Two admins demoting each other at the same moment: one must be refused.  The rule is
    one conditional statement in the database, whatever the web server: run once per build."""
    _, aid, adm = admin_user(s)
    _, bid, _ = admin_user(s)
    only_admin(s, aid)
    for rnd in range(6):
        make_admin(s, s.db.sql('SELECT email FROM accounts_user WHERE id = %d' % bid).strip())
        only = s.db.sql('SELECT COUNT(*) FROM accounts_user WHERE is_admin = 1 AND is_active = 1').strip()
        t.eq(only, '2', 'round %d: two active admins' % rnd)
        res = {}
        go = threading.Barrier(2)
        bhdr = {'Authorization': 'Bearer ' + s.request('POST', P_LOGIN, json_body={
            'email': s.db.sql('SELECT email FROM accounts_user WHERE id = %d' % bid).strip(),
            'password': 'Secret-pass-1'}).json['access']}
        # A deactivation in the round before refused the loser's tokens for good (issue 11).
        adm = {'Authorization': 'Bearer ' + s.request('POST', P_LOGIN, json_body={
            'email': s.db.sql('SELECT email FROM accounts_user WHERE id = %d' % aid).strip(),
            'password': 'Secret-pass-1'}).json['access']}

        def demote(who, target, hdr):
            go.wait()
            change = {'is_admin': False} if rnd % 2 == 0 else {'is_active': False}
            res[who] = s.request('PATCH', p_admin_user(target), json_body=change, headers=hdr)
        ths = [threading.Thread(target=demote, args=('a', bid, adm)),
               threading.Thread(target=demote, args=('b', aid, bhdr))]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        got = sorted(r.status for r in res.values())
        # The loser is refused by the rule (400), or, when the winner committed before the
        # loser's request was authenticated, as no admin any more (403) or, deactivated,
        # by authentication (401).
        lost = [400, 403] + ([401] if rnd % 2 else [])
        t.ok(got[0] == 200 and got[1] in lost, 'round %d: one change done, one refused' % rnd, got)
        t.eq(s.db.sql('SELECT COUNT(*) FROM accounts_user WHERE is_admin = 1 AND is_active = 1').strip(), '1',
             'round %d: one active admin is left' % rnd)
        # Put both back for the next round (whoever survived is the admin).
        s.db.sql('UPDATE accounts_user SET is_admin = 1, is_active = 1 WHERE id IN (%d, %d)' % (aid, bid))
    only_admin(s, aid)


def t_admin_password(s, t):
    _, _, adm = admin_user(s)
    email, uid, _, _ = register(s)
    path = p_admin_user(uid) + 'password/'
    r = s.request('POST', path, json_body={}, headers=adm)
    check(t, r, 400, errors(password=[REQUIRED], password2=[REQUIRED]), 'password: empty')
    r = s.request('POST', path, json_body={'password': 'a', 'password2': 'b'}, headers=adm)
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'password: mismatch')
    r = s.request('POST', path, json_body={'password': 'p' * 256, 'password2': 'p' * 256}, headers=adm)
    check(t, r, 400, errors(password=['Ensure this field has no more than 255 characters.'],
                            password2=['Ensure this field has no more than 255 characters.']), 'password: too long')
    r = s.request('POST', p_admin_user(999999999) + 'password/', json_body={'password': 'a', 'password2': 'a'},
                  headers=adm)
    check(t, r, 404, errors(detail='Not found.'), 'password of nobody')
    r = s.request('POST', p_admin_user(uid) + 'password', json_body={}, headers=adm)
    check(t, r, 301, name='password route without its slash', Location=path)
    r = s.request('GET', path, headers=adm)
    check(t, r, 405, errors(detail='Method "GET" not allowed.'), 'GET the password route', allow='POST, OPTIONS')
    r = s.request('POST', path, json_body={'password': 'New-pass-42', 'password2': 'New-pass-42'}, headers=adm)
    check(t, r, 200, {'success': 'password changed successfully'}, 'password set', ctype=CT_SEED)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'New-pass-42'})
    t.eq(r.status, 200, 'the user logs in with the new password')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    t.eq(r.status, 404, 'the old password no longer works')
