"""End-to-end behaviour of jwtauth against the original's (see ../../../shared/seed and
SPEC_OVERRIDES).  Each test is a function t_<name>(s, t) taking a running Stack and the
Tap reporter; run-e2e runs all of them once per front-end mode.
"""
import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import uuid

from harness import SECRET
from frontend import descendants

P_REGISTER = '/api/user/register/'
P_LOGIN = '/api/user/login/'
P_PROFILE = '/api/user/profile/'
P_REFRESH = '/api/user/token/refresh/'
P_VERIFY = '/api/user/token/verify/'

CT_SEED = 'application/json; charset=UTF-8'
CT_DRF = 'application/json'
ALLOW_POST = 'POST, OPTIONS'
ALLOW_GET = 'GET, HEAD, OPTIONS'
BEARER = 'Bearer realm="api"'
PARSES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']

_seq = itertools.count(1)


def new_email(tag='u', domain='example.com'):
    return '%s.%d.%d@%s' % (tag, int(time.time() * 1000) % 10 ** 9, next(_seq), domain)


def b64url(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def b64url_dec(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


def forge(payload, header=None, secret=SECRET, alg='HS256', signature=None):
    header = header if header is not None else {'alg': alg, 'typ': 'JWT'}
    si = '%s.%s' % (b64url(json.dumps(header, separators=(',', ':'))),
                    b64url(json.dumps(payload, separators=(',', ':')) if not isinstance(payload, str) else payload))
    if signature is None:
        mod = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}[alg]
        signature = b64url(hmac.new(secret.encode(), si.encode(), mod).digest())
    return si + '.' + signature


def claims(user_id=None, token_type='access', lifetime=300, iat=None, **extra):
    now = int(time.time()) if iat is None else iat
    c = {'token_type': token_type, 'exp': now + lifetime, 'iat': now, 'jti': uuid.uuid4().hex}
    if user_id is not None:
        c['user_id'] = user_id
    c.update(extra)
    return c


def jwt_parts(tok):
    h, p, s = tok.split('.')
    return json.loads(b64url_dec(h)), json.loads(b64url_dec(p)), s


def sig_ok(tok):
    si, _, s = tok.rpartition('.')
    return hmac.compare_digest(b64url(hmac.new(SECRET.encode(), si.encode(), hashlib.sha256).digest()), s)


def reg_body(email, password='Secret-pass-1', name='Test User', tc=True):
    return {'email': email, 'name': name, 'password': password, 'password2': password, 'tc': tc}


def register(s, email=None, **kw):
    email = email or new_email()
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, **kw))
    if r.status != 201:
        raise AssertionError('registration failed: %r' % r)
    uid = jwt_parts(r.json['access'])[1]['user_id']
    return email, uid, r.json['access'], r.json['refresh']


def errors(**fields):
    return {'errors': fields}


def vary_accept(s):
    """Vary of the token views.  Apache's fixup_vary() rejoins every multi-token Vary
    with "," and no space, whatever the application sent."""
    return 'Accept,Origin' if s.mode.startswith('apache') else 'Accept, Origin'


def check(t, r, status, body=None, name='', ctype=None, allow=None, text=None, **hdrs):
    t.eq(r.status, status, '%s: status' % name)
    if body is not None:
        t.eq(r.json, body, '%s: body' % name)
    if text is not None:
        t.eq(r.text, text, '%s: raw body' % name)
    if ctype is not None:
        t.eq(r.header('Content-Type'), ctype, '%s: Content-Type' % name)
    if allow is not None:
        t.eq(r.header('Allow'), allow, '%s: Allow' % name)
    for k, v in hdrs.items():
        t.eq(r.header(k.replace('_', '-')), v, '%s: %s' % (name, k.replace('_', '-')))


def check_pair(t, body, uid, name):
    """A refresh/access pair exactly as simplejwt issues it."""
    t.eq(sorted(body), ['access', 'refresh'], name + ': keys')
    now = int(time.time())
    for kind, life in (('refresh', 86400), ('access', 300)):
        h, p, _ = jwt_parts(body[kind])
        t.eq(h, {'alg': 'HS256', 'typ': 'JWT'}, '%s: %s header' % (name, kind))
        t.eq(sorted(p), ['exp', 'iat', 'jti', 'token_type', 'user_id'], '%s: %s claims' % (name, kind))
        t.eq(p['token_type'], kind, '%s: %s token_type' % (name, kind))
        t.eq(p['exp'] - p['iat'], life, '%s: %s lifetime' % (name, kind))
        t.ok(abs(p['iat'] - now) <= 5, '%s: %s iat is now' % (name, kind))
        t.ok(re.fullmatch('[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}', p['jti']) is not None,
             '%s: %s jti is a uuid4 hex' % (name, kind), p['jti'])
        t.eq(p['user_id'], uid, '%s: %s user_id' % (name, kind))
        t.ok(sig_ok(body[kind]), '%s: %s HS256 signature' % (name, kind))


# ===================================================================== register

def t_register_json(s, t):
    email = new_email('alice')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, name='Alice Example'))
    check(t, r, 201, name='register', ctype=CT_SEED, allow=ALLOW_POST, vary='Origin',
          x_frame_options='DENY', x_content_type_options='nosniff', referrer_policy='same-origin')
    uid = jwt_parts(r.json['access'])[1]['user_id']
    t.ok(isinstance(uid, int) and uid > 0, 'register: user_id is a positive int')
    check_pair(t, r.json, uid, 'register')
    t.ok(r.text.startswith('{"refresh": "ey') and '", "access": "ey' in r.text,
         'register: json.dumps layout', r.text[:80])
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    check(t, p, 200, {'id': uid, 'email': email, 'name': 'Alice Example', 'tc': True},
          'profile after register', ctype=CT_SEED, allow=ALLOW_GET)
    t.eq(p.text, '{"id": %d, "email": "%s", "name": "Alice Example", "tc": true}' % (uid, email),
         'profile: raw bytes')
    l = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, l, 200, name='login after register')
    check_pair(t, l.json, uid, 'login')
    row = s.db.sql("SELECT password, last_login IS NULL, is_active, is_admin, tc, "
                   "created_at <= UTC_TIMESTAMP(6), TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP()) < 60 "
                   "FROM accounts_user WHERE id=%d" % uid).split('\t')
    t.ok(row[0].startswith('$y$'), 'stored password is a yescrypt hash', row[0][:10])
    t.eq([c.strip() for c in row[1:]], ['1', '1', '0', '1', '1', '1'], 'stored row: last_login NULL, active, not admin, tc, UTC times')


def t_register_forms(s, t):
    e1, e2, e3 = new_email('form'), new_email('multi'), new_email('notc')
    r = s.request('POST', P_REGISTER, form={**reg_body(e1), 'tc': 'true'})
    check(t, r, 201, name='form-urlencoded register')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], True, 'form register: tc true')
    b = 'conformanceBoundary7MA4YWxkTrZu0gW'
    parts = ''.join('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (b, k, v)
                    for k, v in {**reg_body(e2), 'tc': 'on'}.items()) + '--%s--\r\n' % b
    r = s.request('POST', P_REGISTER, body=parts, headers={'Content-Type': 'multipart/form-data; boundary=' + b})
    check(t, r, 201, name='multipart register')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], True, 'multipart register: tc true')
    body = reg_body(e3)
    del body['tc']
    r = s.request('POST', P_REGISTER, form=body)
    check(t, r, 201, name='form without tc (an unchecked box is false)')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['tc'], False, 'form without tc: tc false')
    r = s.request('POST', P_REGISTER, body=b'', headers={'Content-Type': 'application/x-www-form-urlencoded'})
    req = ['This field is required.']
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req), 'empty form body')
    r = s.request('POST', P_REGISTER, body='x', headers={'Content-Type': 'multipart/form-data'})
    check(t, r, 400, errors(detail='Multipart form parse error - Invalid boundary in multipart: None'),
          'multipart without boundary')


def t_register_validation(s, t):
    req = ['This field is required.']
    r = s.request('POST', P_REGISTER, json_body={})
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req, tc=req), 'empty object',
          ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(r.text, '{"errors": {"email": ["This field is required."], "name": ["This field is required."], '
         '"password": ["This field is required."], "password2": ["This field is required."], '
         '"tc": ["This field is required."]}}', 'empty object: raw bytes in field order')
    r = s.request('POST', P_REGISTER, body=b'', headers={'Content-Type': 'application/json'})
    check(t, r, 400, errors(email=req, name=req, password=req, password2=req, tc=req), 'empty JSON body')
    blank = ['This field may not be blank.']
    r = s.request('POST', P_REGISTER, json_body={'email': ' ', 'name': '\t', 'password': '', 'password2': '\u3000', 'tc': ''})
    check(t, r, 400, errors(email=blank, name=blank, password=blank, password2=blank, tc=['Must be a valid boolean.']),
          'blank fields (Unicode whitespace too)')
    null = ['This field may not be null.']
    r = s.request('POST', P_REGISTER, json_body=dict.fromkeys(['email', 'name', 'password', 'password2', 'tc']))
    check(t, r, 400, errors(email=null, name=null, password=null, password2=null, tc=null), 'null fields')
    r = s.request('POST', P_REGISTER, json_body={'email': 123, 'name': True, 'password': [], 'password2': {}, 'tc': 'maybe'})
    check(t, r, 400, errors(email=['Enter a valid email address.'], name=['Not a valid string.'],
                            password=['Not a valid string.'], password2=['Not a valid string.'],
                            tc=['Must be a valid boolean.']), 'wrong types')
    for body, want in (('[]', 'list'), ('"text"', 'str'), ('42', 'int'), ('4.5', 'float'), ('true', 'bool')):
        r = s.request('POST', P_REGISTER, body=body, headers={'Content-Type': 'application/json'})
        check(t, r, 400, errors(non_field_errors=['Invalid data. Expected a dictionary, but got %s.' % want]),
              'body ' + body)
    r = s.request('POST', P_REGISTER, body='null', headers={'Content-Type': 'application/json'})
    check(t, r, 400, errors(non_field_errors=['No data provided']), 'body null')
    for raw in ('{"email": ', '{bad json}', '{"email": "a@b.c",}', "{'email': 'x'}", '{"a": NaN}',
                '{"a": 1} x', '{"a": "\x01"}', '\ufeff{}'):
        r = s.request('POST', P_REGISTER, body=raw, headers={'Content-Type': 'application/json'})
        t.ok(r.status == 400 and isinstance(r.json, dict) and
             r.json.get('errors', {}).get('detail', '').startswith('JSON parse error - '),
             'malformed JSON %r: 400 JSON parse error' % raw, r)
    r = s.request('POST', P_REGISTER, body=b'{"name": "\xe9"}', headers={'Content-Type': 'application/json'})
    t.ok(r.status == 400 and 'JSON parse error - ' in r.text, 'invalid UTF-8: 400 parse error', r)
    r = s.request('POST', P_REGISTER, json_body={'email': 'a\u0000b@example.com', 'name': 'a\ud800b'})
    t.eq(r.json['errors'].get('email'), ['Null characters are not allowed.', 'Enter a valid email address.'],
         'NUL in email')
    t.eq(r.json['errors'].get('name'), ['Surrogate characters are not allowed: U+D800.'], 'lone surrogate in name')
    for ct in ('text/plain', 'application/xml', 'application/json-patch+json'):
        r = s.request('POST', P_REGISTER, body='{}', headers={'Content-Type': ct})
        check(t, r, 415, errors(detail='Unsupported media type "%s" in request.' % ct), ct)
    r = s.request('POST', P_REGISTER, body='{}')
    check(t, r, 415, errors(detail='Unsupported media type "" in request.'), 'no Content-Type')
    big = json.dumps({'name': 'x' * 70000})
    r = s.request('POST', P_REGISTER, body=big, headers={'Content-Type': 'application/json'})
    t.ok(r.status == 413 and r.json and 'detail' in r.json.get('errors', {}), '70 kB body: 413 JSON error', r)


def t_register_booleans(s, t):
    for v, want in ((True, True), ('true', True), ('TRUE', True), ('t', True), ('Y', True), ('yes', True),
                    ('on', True), ('ON', True), ('1', True), (1, True), (1.0, True),
                    (False, False), ('False', False), ('f', False), ('n', False), ('NO', False),
                    ('off', False), ('0', False), (0, False), (0.0, False)):
        email = new_email('tc')
        r = s.request('POST', P_REGISTER, json_body=reg_body(email, tc=v))
        if not t.ok(r.status == 201, 'tc=%s: 201' % json.dumps(v), r):
            continue
        p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
        t.eq(p.json['tc'], want, 'tc=%s: stored %s' % (json.dumps(v), want))
    for v in ('maybe', 2, '', [], {}, '2', 'tRUE', 1.5, 'yes '):
        r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('tcx'), tc=v))
        check(t, r, 400, errors(tc=['Must be a valid boolean.']), 'tc=%s' % json.dumps(v))


def t_register_emails_and_limits(s, t):
    for e in ('plainaddress', 'missing-at.example.com', 'a@b', 'a@', '@example.com', 'two words@example.com',
              'a@example..com', 'a@-example.com', 'a@@example.com', 'a@example.com.'):
        r = s.request('POST', P_REGISTER, json_body=reg_body(e))
        check(t, r, 400, errors(email=['Enter a valid email address.']), 'email %r' % e)
    tail = '.%d@example.com' % next(_seq)
    for n, want in ((255, 201), (256, 400), (330, 400)):
        email = 'a' * (n - len(tail)) + tail
        r = s.request('POST', P_REGISTER, json_body=reg_body(email))
        t.eq(r.status, want, 'email of %d characters: %d' % (n, want))
    r = s.request('POST', P_REGISTER, json_body=reg_body('a' * (330 - len(tail)) + tail))
    t.eq(r.json, errors(email=['Ensure this field has no more than 255 characters.', 'Enter a valid email address.']),
         'email of 330: both messages in order')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='N' * 200))
    t.eq(r.status, 201, 'name of 200: 201')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='N' * 201))
    check(t, r, 400, errors(name=['Ensure this field has no more than 200 characters.']), 'name of 201')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('n'), name='\u00e9' * 200))
    t.eq(r.status, 201, 'name of 200 non-ASCII characters (400 bytes): 201')
    email = new_email('p128')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email, password='p' * 128))
    t.eq(r.status, 201, 'password of 128: 201')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'p' * 128})
    t.eq(r.status, 200, 'password of 128: login works')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('p129'), password='p' * 129))
    check(t, r, 400, errors(password=['Ensure this field has no more than 128 characters.']), 'password of 129')
    r = s.request('POST', P_REGISTER, json_body=reg_body(new_email('p4'), password='\U0001F600' * 128))
    t.ok(r.status == 400 and 'password' in r.json['errors'], '128 emoji (512 bytes, beyond crypt(3)): 400 on password', r)
    email = new_email('trim')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email, password='  spaced  '), 'name': '  Trim Me  ',
                                                 'email': '  ' + email + ' '})
    t.eq(r.status, 201, 'surrounding whitespace is trimmed')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq((p.json['email'], p.json['name']), (email, 'Trim Me'), 'trimmed email and name stored')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'spaced'})
    t.eq(r.status, 200, 'password was trimmed too (DRF CharField)')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(new_email('num')), 'name': 1e16})
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['name'], '1e+16', 'a JSON number becomes Python str() of it')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(new_email('num')), 'name': 12345678901234567890123})
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(p.json['name'], '12345678901234567890123', 'a big JSON integer keeps every digit')


def t_register_duplicates_and_normalisation(s, t):
    email = new_email('Dup', 'Example.COM')
    r = s.request('POST', P_REGISTER, json_body=reg_body(email))
    t.eq(r.status, 201, 'first registration')
    p = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    local = email.split('@')[0]
    t.eq(p.json['email'], local + '@example.com', 'domain lower-cased, local part kept')
    for v in (email, email.lower(), email.upper(), local.swapcase() + '@eXample.com'):
        r = s.request('POST', P_REGISTER, json_body=reg_body(v, password='Other-pass-2'))
        check(t, r, 400, errors(email=['user with this email already exists.']), 'duplicate %s' % v)
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email), 'password2': 'different'})
    check(t, r, 400, errors(email=['user with this email already exists.']),
          'duplicate and mismatch: field errors come first')
    for v in (email, email.lower(), email.upper()):
        r = s.request('POST', P_LOGIN, json_body={'email': v, 'password': 'Secret-pass-1'})
        t.eq(r.status, 200, 'login with %s' % v)
    email = new_email('mis')
    r = s.request('POST', P_REGISTER, json_body={**reg_body(email), 'password2': 'something-else'})
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'password mismatch')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    t.eq(r.status, 404, 'mismatch: user not created')


def t_register_race(s, t):
    email = new_email('race')
    out = []

    def go():
        out.append(s.request('POST', P_REGISTER, json_body=reg_body(email)))
    th = [threading.Thread(target=go) for _ in range(4)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    statuses = sorted(r.status for r in out)
    t.eq(statuses, [201, 400, 400, 400], 'four racing registrations: one 201, three 400')
    t.ok(all(r.json == errors(email=['user with this email already exists.']) for r in out if r.status == 400),
         'the losers get the duplicate error')
    t.eq(s.db.sql("SELECT COUNT(*) FROM accounts_user WHERE email='%s'" % email).strip(), '1', 'one row stored')


def t_methods_and_metadata(s, t):
    for m in ('GET', 'PUT', 'PATCH', 'DELETE'):
        r = s.request(m, P_REGISTER, json_body={} if m in ('PUT', 'PATCH') else None)
        check(t, r, 405, errors(detail='Method "%s" not allowed.' % m), 'register %s' % m, allow=ALLOW_POST)
    r = s.request('HEAD', P_REGISTER)
    check(t, r, 405, name='register HEAD', allow=ALLOW_POST, ctype=CT_SEED)
    t.eq(r.body, b'', 'HEAD: no body')
    for path, name in ((P_REGISTER, 'User Registration'), (P_LOGIN, 'User Login')):
        r = s.request('OPTIONS', path)
        check(t, r, 200, {'name': name, 'description': '', 'renders': ['application/json'], 'parses': PARSES},
              'OPTIONS ' + path, ctype=CT_SEED, allow=ALLOW_POST)
    r = s.request('OPTIONS', P_REFRESH)
    check(t, r, 200, name='OPTIONS refresh', ctype=CT_DRF, allow=ALLOW_POST, vary=vary_accept(s))
    t.eq(r.text, '{"name":"Token Refresh","description":"Takes a refresh type JSON web token and returns an access '
         'type JSON web\\ntoken if the refresh token is valid.","renders":["application/json","text/html"],'
         '"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],'
         '"actions":{"POST":{"refresh":{"type":"string","required":true,"read_only":false,"label":"Refresh"},'
         '"access":{"type":"string","required":false,"read_only":true,"label":"Access"}}}}', 'OPTIONS refresh: bytes')
    r = s.request('OPTIONS', P_VERIFY)
    t.eq(r.json['actions'], {'POST': {'token': {'type': 'string', 'required': True, 'read_only': False, 'label': 'Token'}}},
         'OPTIONS verify: actions')
    r = s.request('OPTIONS', P_PROFILE)
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'OPTIONS profile without token',
          www_authenticate=BEARER)
    r = s.request('FOO', P_REGISTER)
    if s.mode.startswith('lighttpd'):
        # lighttpd 1.4.69 answers methods IANA does not list itself, before any module.
        t.eq(r.status, 501, 'FOO: lighttpd refuses unregistered methods itself')
    else:
        check(t, r, 405, errors(detail='Method "FOO" not allowed.'), 'FOO', allow=ALLOW_POST)
    r = s.request('POST', P_REGISTER, json_body={}, headers={'Accept': ''})
    if s.mode.startswith('lighttpd'):
        t.eq(r.status, 400, 'empty Accept: lighttpd drops empty headers, so it is */*')
    else:
        check(t, r, 406, errors(detail='Could not satisfy the request Accept header.'), 'empty Accept header')
    r = s.request('GET', P_REFRESH)
    check(t, r, 405, name='GET refresh', ctype=CT_DRF, vary=vary_accept(s))
    t.eq(r.text, '{"detail":"Method \\"GET\\" not allowed."}', 'GET refresh: compact body')


def t_redirects_and_404(s, t):
    email = new_email('slash')
    r = s.request('POST', P_REGISTER.rstrip('/'), json_body=reg_body(email))
    check(t, r, 301, name='POST without slash', Location=P_REGISTER, ctype='text/html; charset=utf-8', vary='Origin',
          x_frame_options=None, x_content_type_options='nosniff', referrer_policy='same-origin')
    t.eq(r.body, b'', '301: empty body')
    t.eq(r.header('Allow'), None, '301: no Allow')
    r = s.request('GET', P_REGISTER.rstrip('/') + '?a=1&b=%20')
    check(t, r, 301, name='GET without slash, with query', Location=P_REGISTER + '?a=1&b=%20')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    t.eq(r.status, 404, 'the redirected POST created nobody')
    for p in ('/api/user/does-not-exist/', '/api/user/logout/', '/', '/api/user/register/x/', '/api/user/registerx/'):
        r = s.request('GET', p)
        check(t, r, 404, name='GET %s' % p, x_frame_options='DENY', x_content_type_options='nosniff',
              referrer_policy='same-origin')
    # Under /api/ Django's CORS middleware has run too: a browser can read the 404.
    ok = 'http://localhost:3000'
    for m, p in (('GET', '/api/user/does-not-exist/'), ('POST', '/api/user/logout/'), ('GET', '/api'),
                 ('GET', '/api/'), ('DELETE', '/api/user/register/x/'), ('GET', '/api/user/reset-password/a/'),
                 ('GET', '/api/user/reset-password/a/b/c/'), ('PUT', '/api/x?y=1')):
        r = s.request(m, p, headers={'Origin': ok}, body=b'' if m in ('POST', 'PUT') else None)
        check(t, r, 404, name='%s %s from an allowed Origin' % (m, p), access_control_allow_origin=ok,
              vary='Origin', x_frame_options='DENY', x_content_type_options='nosniff',
              referrer_policy='same-origin', access_control_allow_methods=None)
    r = s.request('GET', '/api/user/nothing/', headers={'Origin': 'http://evil.example.org'})
    check(t, r, 404, name='404 under /api/ from a foreign Origin', access_control_allow_origin=None, vary='Origin',
          x_frame_options='DENY')
    r = s.request('GET', '/api/user/nothing/')
    check(t, r, 404, name='404 under /api/ without Origin', access_control_allow_origin=None, vary='Origin')
    r = s.request('OPTIONS', '/api/user/nothing/', headers={
        'Origin': ok, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization'})
    check(t, r, 200, name='preflight to an unknown path under /api/', text='', access_control_allow_origin=ok,
          vary='Origin', access_control_max_age='86400')
    r = s.request('GET', '/apix/', headers={'Origin': ok})
    check(t, r, 404, name='/apix/ is not the API\'s', access_control_allow_origin=None, x_frame_options='DENY')
    r = s.request('GET', P_PROFILE, body=b'{}', headers={'Content-Type': 'application/json'})
    check(t, r, 401, name='GET with a body reaches the view', allow=ALLOW_GET)


def t_login(s, t):
    email, uid, _, _ = register(s, email=new_email('CaseUser'))
    bad = errors(non_field_errors=['email or password is not valid'])
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Wrong-pass-0'})
    check(t, r, 404, bad, 'wrong password', ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(r.text, '{"errors": {"non_field_errors": ["email or password is not valid"]}}', 'wrong password: bytes')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'SECRET-PASS-1'})
    check(t, r, 404, bad, 'password case matters')
    r = s.request('POST', P_LOGIN, json_body={'email': new_email('nobody'), 'password': 'x'})
    check(t, r, 404, bad, 'unknown email')
    req = ['This field is required.']
    r = s.request('POST', P_LOGIN, json_body={})
    check(t, r, 400, errors(email=req, password=req), 'login {}')
    r = s.request('POST', P_LOGIN, json_body={'email': '', 'password': None})
    check(t, r, 400, errors(email=['This field may not be blank.'], password=['This field may not be null.']),
          'login blank/null')
    r = s.request('POST', P_LOGIN, json_body={'email': 'a@b', 'password': 'x'})
    check(t, r, 400, errors(email=['Enter a valid email address.']), 'login invalid email')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'q' * 256})
    check(t, r, 400, errors(password=['Ensure this field has no more than 255 characters.']), 'login password of 256')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'q' * 255})
    check(t, r, 404, bad, 'login password of 255 is checked, not rejected')
    r = s.request('POST', P_LOGIN, body='email=a@example.com', headers={'Content-Type': 'text/plain'})
    check(t, r, 415, errors(detail='Unsupported media type "text/plain" in request.'), 'login text/plain')
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, r, 404, bad, 'inactive user cannot log in')


def django_pbkdf2(password, salt='abcdefghijklmnopqrstuv', iterations=260000):
    dk = hashlib.pbkdf2_hmac('sha256', password.encode(), salt.encode(), iterations)
    return 'pbkdf2_sha256$%d$%s$%s' % (iterations, salt, base64.b64encode(dk).decode())


def t_login_migrated_pbkdf2(s, t):
    email = new_email('django')
    s.db.sql("INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, created_at, updated_at) "
             "VALUES ('%s', NULL, '%s', 'From Django', 1, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"
             % (django_pbkdf2('Old-django-pass', iterations=1000), email))
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'wrong'})
    t.eq(r.status, 404, 'pbkdf2 user, wrong password: 404')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Old-django-pass'})
    t.eq(r.status, 200, 'pbkdf2 user logs in with the original password')
    h = s.db.sql("SELECT password FROM accounts_user WHERE email='%s'" % email).strip()
    t.ok(h.startswith('$y$'), 'hash replaced by yescrypt after the login', h[:12])
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Old-django-pass'})
    t.eq(r.status, 200, 'and the password still works')
    email2 = new_email('unusable')
    s.db.sql("INSERT INTO accounts_user (password, last_login, email, name, tc, is_active, is_admin, created_at, updated_at) "
             "VALUES ('!unusable', NULL, '%s', 'X', 1, 1, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" % email2)
    r = s.request('POST', P_LOGIN, json_body={'email': email2, 'password': '!unusable'})
    t.eq(r.status, 404, 'unusable password never matches')


# ===================================================================== authentication

def t_auth_header_forms(s, t):
    email, uid, access, refresh = register(s)
    nope = errors(detail='Authentication credentials were not provided.')
    r = s.request('GET', P_PROFILE)
    check(t, r, 401, nope, 'no Authorization', ctype=CT_SEED, allow=ALLOW_GET, www_authenticate=BEARER)
    for a in ('Token ' + access, 'Basic dXNlcjpwYXNz', 'JWT ' + access, 'bearer ' + access, '', '   '):
        r = s.request('GET', P_PROFILE, headers={'Authorization': a})
        check(t, r, 401, nope, 'scheme %r' % a[:10])
    two = errors(detail='Authorization header must contain two space-delimited values', code='bad_authorization_header')
    for a in ('Bearer', 'Bearer ', 'Bearer %s extra' % access, 'Bearer\ta b'):
        r = s.request('GET', P_PROFILE, headers={'Authorization': a})
        check(t, r, 401, two, 'header %r' % a[:20], www_authenticate=BEARER)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer\t' + access})
    t.eq(r.status, 200, 'tab between Bearer and the token (bytes.split)')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'},
                  headers={'Authorization': 'Bearer garbage'})
    t.eq(r.status, 401, 'a bad token fails even on login (DEFAULT_AUTHENTICATION_CLASSES)')


def invalid(msg='Token is invalid or expired'):
    return errors(detail='Given token not valid for any token type', code='token_not_valid',
                  messages=[{'token_class': 'AccessToken', 'token_type': 'access', 'message': msg}])


def t_auth_tokens(s, t):
    email, uid, access, refresh = register(s)
    h, p, sig = access.split('.')
    now = int(time.time())
    cases = [
        ('garbage', 'not-a-jwt', invalid()),
        ('three dots', 'a.b.c', invalid()),
        ('tampered signature', '%s.%s.%s' % (h, p, ('A' if sig[0] != 'A' else 'B') + sig[1:]), invalid()),
        ('signature removed', '%s.%s.' % (h, p), invalid()),
        ('alg none', forge(claims(uid), header={'alg': 'none', 'typ': 'JWT'}, signature=''), invalid()),
        ('alg None', forge(claims(uid), header={'alg': 'None', 'typ': 'JWT'}, signature=''), invalid()),
        ('HS512', forge(claims(uid), alg='HS512'), invalid()),
        ('HS384', forge(claims(uid), alg='HS384'), invalid()),
        ('RS256 label', forge(claims(uid), header={'alg': 'RS256', 'typ': 'JWT'}), invalid()),
        ('wrong secret', forge(claims(uid), secret='some-other-secret-of-enough-length!!'), invalid()),
        ('expired', forge(claims(uid, iat=now - 400)), invalid()),
        ('expired long ago', forge(claims(uid, iat=now - 86400 * 2)), invalid()),
        ('exp is now', forge({**claims(uid), 'exp': now}), invalid()),
        ('iat in the future', forge(claims(uid, iat=now + 120)), invalid()),
        ('nbf in the future', forge(claims(uid, nbf=now + 120)), invalid()),
        ('exp a string', forge({**claims(uid), 'exp': str(now + 100)}), invalid()),
        ('iat a string', forge({**claims(uid), 'iat': 'yesterday'}), invalid()),
        ('nbf a list', forge({**claims(uid), 'nbf': [1]}), invalid()),
        ('exp true', forge({**claims(uid), 'exp': True}), invalid()),
        ('payload not an object', forge([1, 2]), invalid()),
        ('refresh token', refresh, invalid('Token has wrong type')),
        ('token_type Access', forge(claims(uid, token_type='Access')), invalid('Token has wrong type')),
        ('token_type sliding', forge(claims(uid, token_type='sliding')), invalid('Token has wrong type')),
        ('token_type 1', forge(claims(uid, token_type=1)), invalid('Token has wrong type')),
        ('no user_id', forge(claims(None)), errors(detail='Token contained no recognizable user identification',
                                                   code='token_not_valid')),
        ('unknown user', forge(claims(987654321012)), errors(detail='User not found', code='user_not_found')),
        ('user_id text', forge(claims('abc')), errors(detail='User not found', code='user_not_found')),
        ('user_id null', forge({**claims(None), 'user_id': None}), errors(detail='User not found', code='user_not_found')),
        ('user_id list', forge(claims([uid])), errors(detail='User not found', code='user_not_found')),
        ('user_id bool', forge(claims(True)), errors(detail='User not found', code='user_not_found')),
    ]
    for drop, msg in (('token_type', 'Token has no type'), ('jti', 'Token has no id'), ('exp', "Token has no 'exp' claim")):
        c = claims(uid)
        del c[drop]
        cases.append(('without ' + drop, forge(c), invalid(msg)))
    for name, tok, want in cases:
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + tok})
        check(t, r, 401, want, name, www_authenticate=BEARER, allow=ALLOW_GET)
    ok = {'id': uid, 'email': email, 'name': 'Test User', 'tc': True}
    c = claims(uid)
    del c['iat']
    for name, tok in (('forged with simplejwt claims', forge(claims(uid))), ('without iat', forge(c)),
                      ('user_id as a string', forge(claims(str(uid)))),
                      ('user_id as " 12 "', forge(claims(' %d ' % uid))),
                      ('user_id as a float', forge(claims(float(uid)))),
                      ('extra claims and typ-less header', forge(claims(uid, aud='x', foo=[1]), header={'alg': 'HS256'}))):
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + tok})
        check(t, r, 200, ok, name)
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 401, errors(detail='User is inactive', code='user_inactive'), 'inactive user')
    s.db.sql('DELETE FROM accounts_user WHERE id=%d' % uid)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 401, errors(detail='User not found', code='user_not_found'), 'deleted user')


def t_profile(s, t):
    email, uid, access, _ = register(s, name='Ren\u00e9 \U0001F600 "q" \\ </x>', tc=False)
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 200, {'id': uid, 'email': email, 'name': 'Ren\u00e9 \U0001F600 "q" \\ </x>', 'tc': False}, 'profile')
    t.ok('"Ren\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ </x>"' in r.text, 'json.dumps escaping (ensure_ascii)', r.text)
    r = s.request('HEAD', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 200, name='HEAD profile', ctype=CT_SEED)
    t.eq(r.body, b'', 'HEAD profile: no body')
    for m in ('POST', 'PUT', 'DELETE'):
        r = s.request(m, P_PROFILE, headers={'Authorization': 'Bearer ' + access},
                      json_body={} if m != 'DELETE' else None)
        check(t, r, 405, errors(detail='Method "%s" not allowed.' % m), 'profile %s' % m, allow=ALLOW_GET)
    r = s.request('POST', P_PROFILE, json_body={})
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'POST profile without token: 401 first')
    r = s.request('OPTIONS', P_PROFILE, headers={'Authorization': 'Bearer ' + access})
    check(t, r, 200, {'name': 'User Profile', 'description': '', 'renders': ['application/json'], 'parses': PARSES},
          'OPTIONS profile with a token')
    r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + access, 'Accept': 'text/html'})
    check(t, r, 406, errors(detail='Could not satisfy the request Accept header.'), 'Accept text/html', ctype=CT_SEED)
    r = s.request('GET', P_PROFILE + '?format=xml', headers={'Authorization': 'Bearer ' + access})
    check(t, r, 404, errors(detail='Not found.'), '?format=xml')
    for acc in ('application/json', '*/*', 'application/*', 'text/html, application/json;q=0.1'):
        r = s.request('GET', P_PROFILE + '?format=json', headers={'Authorization': 'Bearer ' + access, 'Accept': acc})
        t.eq(r.status, 200, 'Accept %s' % acc)


# ===================================================================== token views

def t_token_refresh(s, t):
    email, uid, access, refresh = register(s)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 200, name='refresh', ctype=CT_DRF, allow=ALLOW_POST, vary=vary_accept(s))
    t.eq(sorted(r.json), ['access'], 'refresh: only access (no rotation)')
    h, p, _ = jwt_parts(r.json['access'])
    t.eq((h, sorted(p), p['token_type'], p['user_id']), ({'alg': 'HS256', 'typ': 'JWT'},
         ['exp', 'iat', 'jti', 'token_type', 'user_id'], 'access', uid), 'refreshed access token claims')
    t.ok(r.text.startswith('{"access":"ey'), 'compact DRF JSON', r.text[:20])
    old = int(time.time()) - 1000
    tok = forge(claims(uid, token_type='refresh', lifetime=86400, iat=old, custom='kept'))
    r = s.request('POST', P_REFRESH, json_body={'refresh': tok})
    h, p, _ = jwt_parts(r.json['access'])
    t.eq((p['iat'], p['custom']), (old, 'kept'), 'iat and other claims are copied from the refresh token')
    t.ok(abs(p['exp'] - int(time.time()) - 300) <= 5, 'exp counts from now')
    pr = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + r.json['access']})
    t.eq(pr.status, 200, 'the refreshed access token works')
    bad = {'detail': 'Token is invalid or expired', 'code': 'token_not_valid'}
    for name, tokn, want in (('garbage', 'not-a-jwt', bad),
                             ('tampered', refresh[:-2] + ('AA' if refresh[-2:] != 'AA' else 'BB'), bad),
                             ('wrong secret', forge(claims(uid, 'refresh', 86400), secret='x' * 40), bad),
                             ('expired', forge(claims(uid, 'refresh', 86400, iat=int(time.time()) - 90000)), bad),
                             ('access token', access, {'detail': 'Token has wrong type', 'code': 'token_not_valid'})):
        r = s.request('POST', P_REFRESH, json_body={'refresh': tokn})
        check(t, r, 401, want, 'refresh with ' + name, www_authenticate=BEARER, ctype=CT_DRF)
    r = s.request('POST', P_REFRESH, json_body={})
    check(t, r, 400, {'refresh': ['This field is required.']}, 'refresh {}')
    t.eq(r.text, '{"refresh":["This field is required."]}', 'refresh {}: bytes')
    r = s.request('POST', P_REFRESH, json_body={'refresh': ''})
    check(t, r, 400, {'refresh': ['This field may not be blank.']}, 'refresh blank')
    r = s.request('POST', P_REFRESH, json_body={'refresh': None})
    check(t, r, 400, {'refresh': ['This field may not be null.']}, 'refresh null')
    r = s.request('POST', P_REFRESH, body='{"refresh": ', headers={'Content-Type': 'application/json'})
    t.ok(r.status == 400 and r.json['detail'].startswith('JSON parse error - '), 'refresh parse error (plain)', r)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh}, headers={'Accept': 'application/json; indent=2'})
    t.ok(r.text.startswith('{\n  "access": "ey'), 'Accept indent=2 indents', r.text[:30])
    s.db.sql('UPDATE accounts_user SET is_active=0 WHERE id=%d' % uid)
    gone = {'detail': 'No active account found for the given token.', 'code': 'no_active_account'}
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 401, gone, 'refresh for an inactive user', www_authenticate=BEARER)
    s.db.sql('DELETE FROM accounts_user WHERE id=%d' % uid)
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 401, gone, 'refresh for a deleted user')


def t_token_verify(s, t):
    email, uid, access, refresh = register(s)
    untyped = claims(uid)
    del untyped['token_type']
    # simplejwt's UntypedToken: signature, algorithm, time claims and jti; nothing else.
    for name, tok in (('access', access), ('refresh', refresh), ('no user_id', forge(claims(None))),
                      ('no token_type', forge(untyped)), ('token_type sliding', forge(claims(uid, 'sliding'))),
                      ('token_type a number', forge(claims(uid, 7))),
                      ('user_id naming nobody', forge(claims(987654321012))),
                      ('typ at+jwt', forge(claims(uid), header={'alg': 'HS256', 'typ': 'at+jwt'}))):
        r = s.request('POST', P_VERIFY, json_body={'token': tok})
        check(t, r, 200, {}, 'verify ' + name, ctype=CT_DRF, vary=vary_accept(s))
        t.eq(r.text, '{}', 'verify %s: bytes' % name)
    no_jti = claims(uid)
    del no_jti['jti']
    no_exp = claims(uid)
    del no_exp['exp']
    now = int(time.time())
    for name, tok, msg in (('garbage', 'not-a-jwt', 'Token is invalid or expired'),
                           ('expired', forge(claims(uid, iat=now - 400)), 'Token is invalid or expired'),
                           ('alg none', forge(claims(uid), header={'alg': 'none'}, signature=''),
                            'Token is invalid or expired'),
                           ('HS512', forge(claims(uid), alg='HS512'), 'Token is invalid or expired'),
                           ('no jti', forge(no_jti), 'Token has no id'),
                           ('no exp', forge(no_exp), "Token has no 'exp' claim")):
        r = s.request('POST', P_VERIFY, json_body={'token': tok})
        check(t, r, 401, {'detail': msg, 'code': 'token_not_valid'}, 'verify ' + name, www_authenticate=BEARER)
    for body, want in (({}, 'This field is required.'), ({'token': ''}, 'This field may not be blank.'),
                       ({'token': None}, 'This field may not be null.'), ({'token': True}, 'Not a valid string.')):
        r = s.request('POST', P_VERIFY, json_body=body)
        check(t, r, 400, {'token': [want]}, 'verify %s' % json.dumps(body))
    r = s.request('POST', P_VERIFY, body='[]', headers={'Content-Type': 'application/json'})
    check(t, r, 400, {'non_field_errors': ['Invalid data. Expected a dictionary, but got list.']}, 'verify []')


def t_any_typ(s, t):
    """PyJWT accepts any JOSE typ (or none, or extra members): so must every view."""
    email, uid, _, _ = register(s)
    headers = (('typ at+jwt', {'alg': 'HS256', 'typ': 'at+jwt'}), ('no typ', {'alg': 'HS256'}),
               ('kid and cty', {'kid': 'key-1', 'alg': 'HS256', 'typ': 'JWT', 'cty': 'JWT'}))
    for name, hdr in headers:
        r = s.request('GET', P_PROFILE, headers={'Authorization': 'Bearer ' + forge(claims(uid), header=hdr)})
        check(t, r, 200, name='profile, access token with %s' % name)
        t.eq((r.json or {}).get('id'), uid, 'profile, access token with %s: the user' % name)
        r = s.request('POST', P_REFRESH, json_body={'refresh': forge(claims(uid, 'refresh', 86400), header=hdr)})
        check(t, r, 200, name='refresh token with %s' % name)
        if r.status == 200:
            t.eq(jwt_parts(r.json['access'])[0], {'alg': 'HS256', 'typ': 'JWT'},
                 'refresh token with %s: the new access token has the original\'s header' % name)
        r = s.request('POST', P_VERIFY, json_body={'token': forge(claims(uid), header=hdr)})
        check(t, r, 200, {}, 'verify, token with %s' % name)
        r = s.request('POST', P_CHANGE, json_body={'password': 'Secret-pass-1', 'password2': 'Secret-pass-1'},
                      headers={'Authorization': 'Bearer ' + forge(claims(uid), header=hdr)})
        check(t, r, 200, name='changepassword, access token with %s' % name)
    # The algorithm stays pinned whatever the typ.
    r = s.request('GET', P_PROFILE, headers={
        'Authorization': 'Bearer ' + forge(claims(uid), header={'alg': 'HS512', 'typ': 'at+jwt'}, alg='HS512')})
    check(t, r, 401, name='profile, HS512 with typ at+jwt', www_authenticate=BEARER)


# ===================================================================== CORS

def t_cors(s, t):
    ok, ok2, bad = 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://evil.example.org'
    hdr = {'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type'}
    acah = 'accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with'
    acam = 'DELETE, GET, OPTIONS, PATCH, POST, PUT'
    for path, origin in ((P_REGISTER, ok), (P_PROFILE, ok), (P_LOGIN, ok2), (P_REFRESH, ok),
                         (P_REGISTER.rstrip('/'), ok)):
        r = s.request('OPTIONS', path, headers={**hdr, 'Origin': origin})
        check(t, r, 200, name='preflight %s from %s' % (path, origin), text='', ctype='text/html; charset=utf-8',
              vary='Origin', access_control_allow_origin=origin, access_control_allow_headers=acah,
              access_control_allow_methods=acam, access_control_max_age='86400', Content_Length='0',
              x_frame_options=None, x_content_type_options='nosniff', referrer_policy='same-origin')
    r = s.request('OPTIONS', P_REGISTER, headers={**hdr, 'Origin': bad})
    check(t, r, 200, name='preflight from a foreign origin', text='', vary='Origin', access_control_allow_origin=None,
          access_control_allow_methods=None)
    email, uid, access, _ = register(s)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}, headers={'Origin': ok})
    check(t, r, 200, name='login with Origin', vary='Origin', access_control_allow_origin=ok,
          access_control_allow_methods=None)
    r = s.request('GET', P_PROFILE, headers={'Origin': ok})
    check(t, r, 401, name='401 with Origin', vary='Origin', access_control_allow_origin=ok)
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'x'}, headers={'Origin': bad})
    check(t, r, 404, name='foreign origin', vary='Origin', access_control_allow_origin=None)
    r = s.request('POST', P_REFRESH, json_body={}, headers={'Origin': ok2})
    check(t, r, 400, name='token view with Origin', vary=vary_accept(s), access_control_allow_origin=ok2)
    r = s.request('OPTIONS', P_LOGIN, headers={'Origin': ok})
    check(t, r, 200, name='OPTIONS (not preflight) with Origin', access_control_allow_origin=ok,
          access_control_allow_methods=acam, access_control_max_age='86400')
    long_origin = 'http://localhost:3000/' + 'a' * 3000
    r = s.request('POST', P_LOGIN, json_body={}, headers={'Origin': long_origin})
    t.eq(r.header('Access-Control-Allow-Origin'), long_origin, 'a long allowed Origin is echoed whole')
    for origin, allowed in (('HTTP://localhost:3000', True), ('http://localhost:3000/app', True),
                            ('http://LOCALHOST:3000', False), ('http://localhost:3001', False),
                            ('https://localhost:3000', False), ('null', False)):
        r = s.request('POST', P_LOGIN, json_body={}, headers={'Origin': origin})
        t.eq(r.header('Access-Control-Allow-Origin'), origin if allowed else None, 'origin %s allowed=%s' % (origin, allowed))




# ===================================================================== password change and reset

P_CHANGE = '/api/user/changepassword/'
P_SEND_RESET = '/api/user/send-reset-password-email/'
P_RESET = '/api/user/reset-password/'


def t_change_password(s, t):
    email, uid, access, refresh = register(s)
    auth = {'Authorization': 'Bearer ' + access}
    before = s.db.sql('SELECT password, updated_at FROM accounts_user WHERE id=%d' % uid)
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-1', 'password2': 'New-pass-2'}, headers=auth)
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'mismatch',
          ctype=CT_SEED, allow=ALLOW_POST)
    t.eq(s.db.sql('SELECT password, updated_at FROM accounts_user WHERE id=%d' % uid), before,
         'a failed change changes nothing')
    req = ['This field is required.']
    for body, want in (({}, errors(password=req, password2=req)), ({'password': 'abc'}, errors(password2=req)),
                       ({'password': '', 'password2': ''}, errors(password=['This field may not be blank.'],
                                                                  password2=['This field may not be blank.'])),
                       ({'password': 1234, 'password2': [1]}, errors(password2=['Not a valid string.'])),
                       ({'password': 'q' * 256, 'password2': 'q' * 256},
                        errors(password=['Ensure this field has no more than 255 characters.'],
                               password2=['Ensure this field has no more than 255 characters.']))):
        r = s.request('POST', P_CHANGE, json_body=body, headers=auth)
        check(t, r, 400, want, 'change %s' % json.dumps(body)[:40])
    r = s.request('POST', P_CHANGE, json_body={'password': 'N' * 255, 'password2': 'N' * 255}, headers=auth)
    check(t, r, 200, {'success': 'password changed successfully'}, 'password of 255')
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'N' * 255})
    t.eq(r.status, 200, 'login with the 255-character password (SPEC_OVERRIDES 4)')
    r = s.request('POST', P_CHANGE, json_body={'password': 'New-pass-22', 'password2': 'New-pass-22'}, headers=auth)
    check(t, r, 200, {'success': 'password changed successfully'}, 'change')
    t.eq(r.text, '{"success": "password changed successfully"}', 'change: bytes')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}).status, 404,
         'old password no longer works')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'New-pass-22'}).status, 200,
         'new password works')
    t.eq(s.request('GET', P_PROFILE, headers=auth).status, 200, 'the access token issued before still works')
    t.eq(s.request('POST', P_REFRESH, json_body={'refresh': refresh}).status, 200,
         'the refresh token issued before still works')
    body = {'password': 'x-pass-1', 'password2': 'x-pass-1'}
    r = s.request('POST', P_CHANGE, json_body=body)
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'), 'no token', www_authenticate=BEARER)
    r = s.request('POST', P_CHANGE, json_body=body, headers={'Authorization': 'Bearer ' + refresh})
    check(t, r, 401, invalid('Token has wrong type'), 'refresh token as credentials')
    for m in ('GET', 'PUT'):
        r = s.request(m, P_CHANGE, headers=auth, json_body={} if m == 'PUT' else None)
        check(t, r, 405, errors(detail='Method "%s" not allowed.' % m), 'change %s' % m, allow=ALLOW_POST)
    r = s.request('POST', P_CHANGE, body='x', headers={**auth, 'Content-Type': 'text/plain'})
    check(t, r, 415, errors(detail='Unsupported media type "text/plain" in request.'), 'change text/plain')
    r = s.request('POST', P_CHANGE, body='x', headers={'Content-Type': 'text/plain'})
    t.eq(r.status, 401, 'authentication comes before the media type')


def mails_since(s, before):
    import email as emaillib
    import email.policy
    import os
    out = []
    for name in sorted(set(os.listdir(s.mail_dir)) - before):
        if name.endswith('.eml'):
            with open(os.path.join(s.mail_dir, name), 'rb') as fh:
                out.append(emaillib.message_from_bytes(fh.read(), policy=email.policy.compat32))
    return out


def reset_secrets(msg):
    body = msg.get_payload(decode=True).decode()
    uid = re.search(r'^uid:\s+(\S+)\s*$', body, re.M).group(1)
    tok = re.search(r'^token:\s+(\S+)\s*$', body, re.M).group(1)
    return uid, tok, body


def t_reset_flow(s, t):
    import os
    email, uid, access, refresh = register(s, email=new_email('Reset.Me', 'Example.org'))
    stored = email.split('@')[0] + '@example.org'
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': email.upper()})
    check(t, r, 200, {'success': 'password reset link sent successfully, please check your email.'},
          'send reset (any case)', ctype=CT_SEED, allow=ALLOW_POST)
    mails = mails_since(s, before)
    if not t.eq(len(mails), 1, 'one mail written'):
        return
    m = mails[0]
    t.eq((m['Subject'], m['From'], m['To'], m['Content-Type']),
         ('Reset Your Password', 'jwtauth@example.org', stored, 'text/plain; charset="utf-8"'),
         'subject, configured sender, stored address, content type')
    u, tok, body = reset_secrets(m)
    t.eq(base64.urlsafe_b64decode(u + '=' * (-len(u) % 4)).decode(), str(uid), 'uid is the base64 of the id')
    t.ok(re.fullmatch('[0-9a-z]+-[0-9a-f]{32}', tok) is not None, 'token shape', tok)
    t.eq(body.replace(u, 'UID').replace(tok, 'TOKEN'),
         'To reset your password at JWTAuth enter the uid and token provided below:\r\nuid:   UID\r\n'
         'token: TOKEN\r\n\r\nWarning: Do not share your reset password credentials i.e uid and token.\r\n'
         '                \r\n', 'the body text of the original')
    path = '%s%s/%s/' % (P_RESET, u, tok)
    r = s.request('POST', path, json_body={'password': 'Reset-1', 'password2': 'Reset-2'})
    check(t, r, 400, errors(non_field_errors=["Password and Confirm password doesn't match!"]), 'reset mismatch')
    for bad in ('garbage', 'abc-def', '1-2-3', tok[:-1] + ('0' if tok[-1] != '0' else '1')):
        r = s.request('POST', '%s%s/%s/' % (P_RESET, u, bad), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
        check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'malformed token %s' % bad[:12])
    for bad in ('!!!', 'A', 'abc', 'bm90LWEtbnVtYmVy', b64url('987654321012'), '%C3%A9', b64url('-1')):
        r = s.request('POST', '%s%s/%s/' % (P_RESET, bad, tok), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
        check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'bad uid %s' % bad)
    r = s.request('POST', path, json_body={})
    req = ['This field is required.']
    check(t, r, 400, errors(password=req, password2=req), 'reset {}')
    r = s.request('POST', path.rstrip('/'), json_body={'password': 'Reset-1', 'password2': 'Reset-1'})
    check(t, r, 301, name='reset without the slash', Location=path)
    r = s.request('POST', path, json_body={'password': 'Reset-new-1', 'password2': 'Reset-new-1'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'reset')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Reset-new-1'}).status, 200, 'new password')
    t.eq(s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}).status, 404, 'old password')
    r = s.request('POST', path, json_body={'password': 'Reset-new-2', 'password2': 'Reset-new-2'})
    check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'a token works once')
    # A token mailed before a password change is dead.
    before = set(os.listdir(s.mail_dir))
    s.request('POST', P_SEND_RESET, json_body={'email': email})
    u2, tok2, _ = reset_secrets(mails_since(s, before)[0])
    l = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Reset-new-1'})
    r = s.request('POST', P_CHANGE, json_body={'password': 'Changed-1', 'password2': 'Changed-1'},
                  headers={'Authorization': 'Bearer ' + l.json['access']})
    t.eq(r.status, 200, 'change password')
    r = s.request('POST', '%s%s/%s/' % (P_RESET, u2, tok2), json_body={'password': 'R-1', 'password2': 'R-1'})
    check(t, r, 400, errors(non_field_errors=['token may be expired or invalid!']), 'token from before a change')
    # Two concurrent uses of one token: exactly one wins.
    before = set(os.listdir(s.mail_dir))
    s.request('POST', P_SEND_RESET, json_body={'email': email})
    u3, tok3, _ = reset_secrets(mails_since(s, before)[0])
    out = []

    def go(i):
        out.append(s.request('POST', '%s%s/%s/' % (P_RESET, u3, tok3),
                             json_body={'password': 'Race-%d' % i, 'password2': 'Race-%d' % i}).status)
    th = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    t.eq(sorted(out), [200, 400, 400, 400], 'one token, four concurrent resets: one succeeds')
    # A reset link made by the original (Django's algorithm, computed here) works.
    row = s.db.sql("SELECT id, password, IFNULL(DATE_FORMAT(last_login, '%%Y-%%m-%%d %%H:%%i:%%s'), ''), email "
                   "FROM accounts_user WHERE id=%d" % uid).rstrip('\n').split('\t')
    ts = django_ts()
    key = hashlib.sha256(('django.contrib.auth.tokens.PasswordResetTokenGenerator' + SECRET).encode()).digest()
    digest = hmac.new(key, ('%s%s%s%d%s' % (row[0], row[1], row[2], ts, row[3])).encode(), hashlib.sha256).hexdigest()[::2]
    r = s.request('POST', '%s%s/%s-%s/' % (P_RESET, b64url(str(uid)), b36(ts), digest),
                  json_body={'password': 'From-django-1', 'password2': 'From-django-1'})
    check(t, r, 200, {'success': 'password reset successfully.'}, 'a reset token made as Django makes it')
    stale = ts - 601
    digest = hmac.new(key, ('%s%s%s%d%s' % (row[0], row[1], row[2], stale, row[3])).encode(),
                      hashlib.sha256).hexdigest()[::2]
    r = s.request('POST', '%s%s/%s-%s/' % (P_RESET, b64url(str(uid)), b36(stale), digest),
                  json_body={'password': 'Late-1', 'password2': 'Late-1'})
    t.eq(r.status, 400, 'a token 601 s old is expired')


def django_ts():
    import datetime
    local = datetime.datetime.utcnow() + datetime.timedelta(hours=5, minutes=30)
    return int((local - datetime.datetime(2001, 1, 1)).total_seconds())


def b36(n):
    chars = '0123456789abcdefghijklmnopqrstuvwxyz'
    out = ''
    while True:
        n, r = divmod(n, 36)
        out = chars[r] + out
        if n == 0:
            return out


def t_send_reset_validation(s, t):
    import os
    before = set(os.listdir(s.mail_dir))
    r = s.request('POST', P_SEND_RESET, json_body={'email': new_email('nobody')})
    check(t, r, 400, errors(non_field_errors=['user is not registered']), 'unknown address')
    t.eq(len(mails_since(s, before)), 0, 'no mail for an unknown address')
    for body, want in (({}, 'This field is required.'), ({'email': ''}, 'This field may not be blank.'),
                       ({'email': None}, 'This field may not be null.'), ({'email': 'x'}, 'Enter a valid email address.')):
        r = s.request('POST', P_SEND_RESET, json_body=body)
        check(t, r, 400, errors(email=[want]), 'send reset %s' % json.dumps(body))
    r = s.request('OPTIONS', P_SEND_RESET)
    check(t, r, 200, {'name': 'Send Password Reset Email', 'description': '', 'renders': ['application/json'],
                      'parses': PARSES}, 'OPTIONS send reset')
    r = s.request('OPTIONS', P_RESET + 'a/b/')
    t.eq(r.json['name'] if r.json else None, 'User Password Reset', 'OPTIONS reset')




def t_zz_database_reconnect(s, t):
    """Runs last: kills the server side of every jwtauth connection, then restarts MariaDB."""
    email, uid, access, _ = register(s)
    auth = {'Authorization': 'Bearer ' + access}
    for i in range(4):   # make every worker process connect and prepare
        s.request('GET', P_PROFILE, headers=auth)
        s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    ids = s.db.sql("SELECT id FROM information_schema.processlist WHERE user='jwtauth'").split()
    for i in ids:
        s.db.sql('KILL %s' % i)
    t.ok(len(ids) > 0 or s.mode.endswith('-cgi'), 'killed %d live connections (CGI processes keep none)' % len(ids))
    t.eq([s.request('GET', P_PROFILE, headers=auth).status for _ in range(4)], [200] * 4,
         'profile after the connections were killed (reconnect, prepare again, retry)')
    t.eq([s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'}).status
          for _ in range(4)], [200] * 4, 'login after the connections were killed')
    t.eq(s.request('POST', P_REGISTER, json_body=reg_body(new_email('after-kill'))).status, 201,
         'register after the connections were killed')
    s.db.stop()
    r = s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    check(t, r, 503, errors(detail='Service temporarily unavailable, try again later.', code='service_unavailable'),
          'database down: 503 JSON error, the process lives on')
    s.db.start_again()
    t.eq([s.request('GET', P_PROFILE, headers=auth).status for _ in range(4)], [200] * 4,
         'profile after MariaDB restarted')


def t_zy_worker_killed(s, t):
    """A worker killed with SIGKILL under load is replaced; the next requests succeed."""
    import os
    import signal
    email, uid, access, _ = register(s)
    body = {'email': email, 'password': 'Secret-pass-1'}
    stop = []
    seen = []

    def load():
        while not stop:
            try:
                seen.append(s.request('POST', P_LOGIN, json_body=body, timeout=20).status)
            except Exception as e:      # a connection cut with the worker
                seen.append(type(e).__name__)
    th = [threading.Thread(target=load) for _ in range(4)]
    for x in th:
        x.start()
    time.sleep(1.0)
    procs = descendants(s.web.proc.p.pid)
    login = {pid: v for pid, v in procs.items() if 'jwtauth-login' in v[1]}
    # A worker: a login process whose parent is not itself a login process (the
    # spawn-fcgi modes run a supervising parent that must be left alone here).
    workers = [pid for pid, (ppid, cmd) in login.items() if ppid not in login] \
        if not s.mode.endswith('spawn') and not s.mode.endswith('proxy-fcgi') \
        else [pid for pid, (ppid, cmd) in login.items() if ppid in login]
    killed = None
    if workers:
        killed = workers[0]
        try:
            os.kill(killed, signal.SIGKILL)
        except ProcessLookupError:
            killed = None
    time.sleep(1.5)
    stop.append(1)
    for x in th:
        x.join()
    t.ok(killed is not None or s.mode.endswith('-cgi'),
         'a login worker was running and was killed (CGI modes may have none in flight)', login)
    deadline = time.time() + 15
    while time.time() < deadline and s.request('POST', P_LOGIN, json_body=body).status != 200:
        time.sleep(0.2)
    after = [s.request('POST', P_LOGIN, json_body=body).status for _ in range(10)]
    t.eq(after, [200] * 10, 'after the kill: the worker was replaced and logins succeed (load saw %d requests)'
         % len(seen))
    if killed is not None and not s.mode.endswith('-cgi'):
        now = set(pid for pid, v in descendants(s.web.proc.p.pid).items() if 'jwtauth-login' in v[1])
        t.ok(killed not in now and now, 'the killed pid is gone and others serve', now)


def t_zy_dead_backend(s, t):
    """A spawn-fcgi backend that is down gets a prompt 503, not a hang; it comes back."""
    import os
    import signal
    if not (s.mode.endswith('spawn') or s.mode.endswith('proxy-fcgi')):
        t.skip('dead backend', '%s has no separately running backend' % s.mode)
        return
    email, uid, access, _ = register(s)
    body = {'email': email, 'password': 'Secret-pass-1'}
    s.web.pause_supervision(True)
    try:
        os.killpg(s.web.endpoint_pgid('login'), signal.SIGKILL)
        time.sleep(0.3)
        started = time.time()
        r = s.request('POST', P_LOGIN, json_body=body, timeout=20)
        took = time.time() - started
        t.eq(r.status, 503, 'login backend down: 503')
        t.ok(took < 5, 'and at once (%.2f s)' % took)
        t.eq(s.request('POST', P_REGISTER, json_body=reg_body(new_email('other-up'))).status, 201,
             'the other endpoints keep working')
    finally:
        s.web.pause_supervision(False)
    deadline = time.time() + 15
    while time.time() < deadline and s.request('POST', P_LOGIN, json_body=body).status != 200:
        time.sleep(0.2)
    t.eq(s.request('POST', P_LOGIN, json_body=body).status, 200, 'restarted by supervision: login works again')


TESTS = [v for k, v in sorted(globals().items()) if k.startswith('t_')]
