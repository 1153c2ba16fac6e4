"""Methods, OPTIONS metadata, Accept (405, 406, 501), slash redirects and 404s."""
import json

from api import (ALLOW_ADMIN_USER, ALLOW_ADMIN_USERS, ALLOW_GET, ALLOW_POST, BEARER, CT_DRF, CT_SEED, FORBIDDEN,
                 PARSES, P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_VERIFY, admin_user, check, errors, invalid,
                 new_email, reg_body, register, vary_accept)


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
    for p in ('/api/user/does-not-exist/', '/api/user/signout/', '/', '/api/user/register/x/', '/api/user/registerx/'):
        r = s.request('GET', p)
        check(t, r, 404, name='GET %s' % p, x_frame_options='DENY', x_content_type_options='nosniff',
              referrer_policy='same-origin')
    # Under /api/ Django's CORS middleware has run too: a browser can read the 404.
    ok = 'http://localhost:3000'
    for m, p in (('GET', '/api/user/does-not-exist/'), ('POST', '/api/user/signout/'), ('GET', '/api'),
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


def t_every_endpoint_and_method(s, t):
    """Each endpoint of endpoints.list with each method: the steps before the view answer
    alike (?format= 404, Accept 406, a bad token 401 where the view authenticates, 403 for
    a user who is not an admin on the admin API), then 405 for a method the view lacks;
    404 for an admin route's user that does not exist; oversized and unsupported bodies;
    each URL without its slash.  Every status openapi.yaml lists for a path is answered
    here or in a flow."""
    from test_routes import endpoints
    email, uid, access, refresh = register(s)
    user = {'Authorization': 'Bearer ' + access}
    admin_email, admin_id, admin = admin_user(s)
    big = json.dumps({'x': 'x' * 70000})
    allow = {'profile': ('GET', 'HEAD'), 'admin-users': ('GET', 'HEAD', 'POST'),
             'admin-user': ('GET', 'HEAD', 'PUT', 'PATCH', 'DELETE')}
    allow_hdr = {'profile': ALLOW_GET, 'admin-users': ALLOW_ADMIN_USERS, 'admin-user': ALLOW_ADMIN_USER}
    for name, url, example in endpoints():
        if name == 'not-found':
            continue
        is_admin = name.startswith('admin-')
        # The admin routes name the admin himself (get_object must find a user).
        p = '/' + (example.replace('/1/', '/%d/' % admin_id) if is_admin else example)
        # Fresh tokens for each endpoint: through plain CGI the whole loop outlives an
        # access token (5 minutes).
        for who, mail in (('user', email), ('admin', admin_email)):
            r = s.request('POST', P_LOGIN, json_body={'email': mail, 'password': 'Secret-pass-1'})
            if r.status == 200:
                if who == 'user':
                    user = {'Authorization': 'Bearer ' + r.json['access']}
                else:
                    admin = {'Authorization': 'Bearer ' + r.json['access']}
        auth = admin if is_admin else user
        seed = not name.startswith('token-')
        want_ct = CT_SEED if seed else CT_DRF
        allowed = allow.get(name, ('POST',))
        wrap = errors if seed else (lambda **kw: kw)
        for m in ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'):
            body = b'' if m in ('POST', 'PUT', 'PATCH') else None
            tag = '%s %s' % (m, p)
            r = s.request(m, p + '?format=xml', body=body, headers=auth)
            check(t, r, 404, None if m == 'HEAD' else wrap(detail='Not found.'), tag + '?format=xml', ctype=want_ct)
            r = s.request(m, p, body=body, headers={**auth, 'Accept': 'application/xml'})
            check(t, r, 406, None if m == 'HEAD' else wrap(detail='Could not satisfy the request Accept header.'),
                  tag + ' Accept: application/xml', ctype=want_ct)
            if seed:
                r = s.request(m, p, body=body, headers={'Authorization': 'Bearer not-a-token'})
                check(t, r, 401, None if m == 'HEAD' else invalid(), tag + ' with a bad token', www_authenticate=BEARER)
            if is_admin:
                r = s.request(m, p, body=body, headers=user)
                check(t, r, 403, None if m == 'HEAD' else FORBIDDEN, tag + ' by a user who is not an admin')
            if m == 'OPTIONS':
                r = s.request(m, p, headers=auth)
                t.ok(r.status == 200 and isinstance(r.json, dict) and 'renders' in r.json,
                     tag + ': the metadata', r)
            elif m not in allowed:
                r = s.request(m, p, body=body, headers=auth)
                check(t, r, 405, None if m == 'HEAD' else wrap(detail='Method "%s" not allowed.' % m), tag,
                      allow=allow_hdr.get(name, ALLOW_POST))
            elif is_admin and name != 'admin-users':
                r = s.request(m, p.replace('/%d/' % admin_id, '/987654321012/'), body=body, headers=auth)
                check(t, r, 404, None if m == 'HEAD' else errors(detail='Not found.'), tag + ' of no user')
            if m in allowed and m in ('POST', 'PUT', 'PATCH'):
                r = s.request(m, p, body=big, headers={**auth, 'Content-Type': 'application/json'})
                check(t, r, 413, wrap(detail='Request body too large: the limit is 65536 bytes.'), '%s 70 kB' % tag)
                r = s.request(m, p, body='{}', headers={**auth, 'Content-Type': 'text/plain'})
                check(t, r, 415, wrap(detail='Unsupported media type "text/plain" in request.'), '%s text/plain' % tag)
        r = s.request('FOO', p, headers=auth)
        t.eq(r.status, 501 if s.mode.startswith('lighttpd') else 405, 'FOO %s: 405 (lighttpd: its own 501)' % p)
        if name == 'admin-users':
            # More than DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) query parameters: the list's 400.
            many = '&'.join('f%d=1' % i for i in range(1001))
            for m in ('GET', 'HEAD'):
                r = s.request(m, p + '?' + many, headers=auth)
                check(t, r, 400, None if m == 'HEAD' else errors(
                    detail='The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.'),
                      '%s %s with 1001 query parameters' % (m, p))
            r = s.request('HEAD', p + '?page=99999', headers=auth)
            check(t, r, 404, name='HEAD %s?page=99999' % p)
            r = s.request('HEAD', p, headers=auth)
            check(t, r, 200, name='HEAD %s' % p, ctype=CT_SEED, allow=ALLOW_ADMIN_USERS)
            t.eq(r.body, b'', 'HEAD %s: no body' % p)
        q = p.rstrip('/')
        for m in (allowed[0], 'OPTIONS', 'DELETE'):
            r = s.request(m, q + '?a=1', body=b'' if m == 'POST' else None)
            check(t, r, 301, name='%s %s' % (m, q), Location=p + '?a=1')
        r = s.request('OPTIONS', q, headers={'Origin': 'http://localhost:3000', 'Access-Control-Request-Method': 'POST'})
        check(t, r, 200, name='preflight %s' % q, text='', access_control_allow_origin='http://localhost:3000')
