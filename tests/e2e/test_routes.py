"""Every endpoint of endpoints.list is routed to its own binary by the front end:
the shipped configurations are generated from the list, and this reads it too."""
import os
import re

import harness


def endpoints():
    """(name, url, example) for each line of endpoints.list."""
    out = []
    with open(os.path.join(harness.SRC, 'endpoints.list')) as fh:
        for line in fh:
            f = line.split()
            if f and not f[0].startswith('#'):
                out.append(tuple(f))
    return out


def t_routes(s, t):
    for name, url, example in endpoints():
        t.ok(re.fullmatch(url, example) is not None, '[routes] %s: the example path matches its url' % name)
        # OPTIONS without a preflight reaches the view: DRF's metadata names it.
        r = s.request('OPTIONS', '/' + example)
        if name == 'not-found':
            t.eq(r.status, 404, '[routes] %s: /%s is the 404 of the API' % (name, example))
            t.eq(r.header('Vary'), 'Origin', '[routes] %s: with the API\'s Vary' % name)
            continue
        if r.status == 401:
            # IsAuthenticated runs before OPTIONS is answered (DRF's initial()): the view's 401.
            t.eq(r.json, {'errors': {'detail': 'Authentication credentials were not provided.'}},
                 '[routes] %s: OPTIONS /%s reaches the view (its 401)' % (name, example))
        else:
            t.eq(r.status, 200, '[routes] %s: OPTIONS /%s reaches a view' % (name, example))
            t.ok(isinstance(r.json, dict) and 'name' in r.json and 'renders' in r.json,
                 '[routes] %s: its metadata' % name, r.text[:200])
        if url.endswith('/?'):
            r = s.request('OPTIONS', '/' + example.rstrip('/'))
            t.eq((r.status, r.header('Location')), (301, '/' + example),
                 '[routes] %s: without the slash, the binary\'s APPEND_SLASH 301' % name)


TESTS = [t_routes]
