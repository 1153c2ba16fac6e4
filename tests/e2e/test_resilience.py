"""Resilience: a worker killed under load, a dead spawn-fcgi backend, killed database
connections and a MariaDB restart.  These disturb the stack: run-e2e runs them last."""
import threading
import time

from frontend import descendants
from api import P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_VERIFY, check, errors, new_email, reg_body, register
from test_routes import endpoints


def t_worker_killed(s, t):
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
    # Under CGI no worker outlives its request: a login process may be in flight (and is
    # killed all the same), but there is none to find and none to be replaced.
    cgi = s.mode.endswith('-cgi')
    no_worker = '%s starts one process per request: no worker lives to be killed and replaced' % s.mode
    if cgi:
        t.skip('a login worker was running and was killed', no_worker)
    else:
        t.ok(killed is not None, 'a login worker was running and was killed', login)
    deadline = time.time() + 15
    while time.time() < deadline and s.request('POST', P_LOGIN, json_body=body).status != 200:
        time.sleep(0.2)
    after = [s.request('POST', P_LOGIN, json_body=body).status for _ in range(10)]
    t.eq(after, [200] * 10, 'after the kill: the worker was replaced and logins succeed (load saw %d requests)'
         % len(seen))
    if cgi:
        t.skip('the killed pid is gone and others serve', no_worker)
    elif killed is not None:
        now = set(pid for pid, v in descendants(s.web.proc.p.pid).items() if 'jwtauth-login' in v[1])
        t.ok(killed not in now and now, 'the killed pid is gone and others serve', now)


def t_dead_backend(s, t):
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


def t_database_reconnect(s, t):
    """Runs last: kills the server side of every jwtauth connection, then restarts MariaDB."""
    email, uid, access, refresh = register(s)
    auth = {'Authorization': 'Bearer ' + access}
    for i in range(4):   # make every worker process connect and prepare
        s.request('GET', P_PROFILE, headers=auth)
        s.request('POST', P_LOGIN, json_body={'email': email, 'password': 'Secret-pass-1'})
    ids = s.db.sql("SELECT id FROM information_schema.processlist WHERE user='jwtauth'").split()
    for i in ids:
        s.db.sql('KILL %s' % i)
    if s.mode.endswith('-cgi'):
        t.skip('killed the live connections',
               '%s: a CGI process closes its connection when its request ends; none live to kill' % s.mode)
    else:
        t.ok(len(ids) > 0, 'killed %d live connections' % len(ids))
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
    # Every view that reads the database answers so, whatever the method: authentication
    # reads the user before anything else; token/refresh reads its token's user.
    down = errors(detail='Service temporarily unavailable, try again later.', code='service_unavailable')
    for name, url, example in endpoints():
        if name in ('not-found', 'token-verify', 'token-refresh', 'token-blacklist'):
            continue
        for m in ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'):
            r = s.request(m, '/' + example, headers=auth, json_body={} if m in ('POST', 'PUT', 'PATCH') else None)
            check(t, r, 503, None if m == 'HEAD' else down, 'database down: %s /%s' % (m, example))
    r = s.request('POST', P_REFRESH, json_body={'refresh': refresh})
    check(t, r, 503, {'detail': 'Service temporarily unavailable, try again later.', 'code': 'service_unavailable'},
          'database down: token/refresh')
    # The token_blacklist app's views read the token's row (issue 11).
    for path, body in (('/api/user/token/blacklist/', {'refresh': refresh}), (P_VERIFY, {'token': access})):
        r = s.request('POST', path, json_body=body)
        check(t, r, 503, {'detail': 'Service temporarily unavailable, try again later.',
                          'code': 'service_unavailable'}, 'database down: %s' % path)
    s.db.start_again()
    t.eq([s.request('GET', P_PROFILE, headers=auth).status for _ in range(4)], [200] * 4,
         'profile after MariaDB restarted')
