"""The profile view: the stored user as json.dumps writes it, HEAD, methods, OPTIONS, Accept."""
from api import ALLOW_GET, CT_SEED, PARSES, P_PROFILE, check, errors, register


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
