"""Resilience: a worker killed under load, a dead spawn-fcgi backend, killed database
connections and a MariaDB restart.  These disturb the stack: run-e2e runs them last."""
import threading
import time

from frontend import descendants
from api import P_LOGIN, P_PROFILE, P_REFRESH, P_REGISTER, P_VERIFY, check, errors, new_email, reg_body, register
from test_routes import endpoints


# What each front end answers itself to a request whose worker died while answering it: a JSON
# 503 (the seed's body, Retry-After) where the web server lets a configuration say so; where it
# cannot, the documented answer (README "A worker dies").
WEB_DOWN = {'detail': 'Service temporarily unavailable, try again later.', 'code': 'service_unavailable'}


def in_flight_answer(mode):
    """(status, needs Retry-After) of the web server's own answer to a request whose worker
    was killed in flight, with the shipped configuration's JSON error documents."""
    if mode.startswith('lighttpd'):
        return 500, False       # lighttpd keeps its status and adds no header to its error file
    return 503, True            # Apache: ErrorDocument to errors/503.asis (mod_asis)


def worker_pids(s, name):
    """The jwtauth-NAME processes that answer requests (not the spawn-fcgi modes' supervising
    parent, which a kill must leave alone)."""
    procs = descendants(s.web.proc.p.pid)
    found = {pid: v for pid, v in procs.items() if 'jwtauth-%s' % name in v[1]}
    if s.mode.endswith('spawn') or s.mode.endswith('proxy-fcgi'):
        return [pid for pid, (ppid, cmd) in found.items() if ppid in found]
    return [pid for pid, (ppid, cmd) in found.items() if ppid not in found]


def answer_kind(s, r):
    """'normal', 'json503' (the binary's or the web server's JSON 503 with Retry-After),
    'in-flight' (the documented answer of the front end), or what else it was."""
    if isinstance(r, str):
        return 'exception ' + r
    if r.status == 200 and r.json and 'access' in r.json:
        return 'normal'
    ctype = r.header('Content-Type') or ''
    json_ok = ctype.startswith('application/json') and r.json in (errors(**WEB_DOWN), WEB_DOWN)
    if r.status == 503 and json_ok and r.header('Retry-After'):
        return 'json503'
    status, retry = in_flight_answer(s.mode)
    if r.status == status and json_ok and (r.header('Retry-After') is not None) == retry:
        return 'in-flight'
    return '%d %s %r' % (r.status, ctype, r.text[:80])


def t_worker_killed(s, t):
    """A worker killed with SIGKILL under load is replaced; the next requests succeed.  The
    requests it was answering get a clean JSON answer from the web server (a 503 where the
    web server allows it), never an HTML page."""
    import os
    import signal
    email, uid, access, _ = register(s)
    body = {'email': email, 'password': 'Secret-pass-1'}
    stop = []
    seen = []

    def ask():
        try:
            return s.request('POST', P_LOGIN, json_body=body, timeout=20)
        except Exception as e:      # a connection cut with the worker
            return type(e).__name__

    def load():
        while not stop:
            seen.append(ask())
    th = [threading.Thread(target=load) for _ in range(4)]
    for x in th:
        x.start()
    time.sleep(1.0)
    workers = worker_pids(s, 'login')
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
        t.ok(killed is not None, 'a login worker was running and was killed', workers)
    kinds = [answer_kind(s, r) for r in seen]
    t.ok(all(k in ('normal', 'json503', 'in-flight') for k in kinds),
         'under load: every answer is the normal one or the documented JSON answer (%d requests, %d not normal)'
         % (len(kinds), sum(1 for k in kinds if k != 'normal')), [k for k in kinds if k != 'normal'][:10])
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

    # A request certainly in flight: the database frozen holds it in its worker (for [db]
    # connect_timeout), and every login worker is killed then; CGI processes alike.
    answers = []
    s.db.freeze()
    try:
        th = [threading.Thread(target=lambda: answers.append(ask())) for _ in range(2)]
        for x in th:
            x.start()
        deadline = time.time() + 4
        held = []
        while time.time() < deadline and len(held) < 1:
            time.sleep(0.3)
            held = worker_pids(s, 'login')
        time.sleep(0.3)
        held = worker_pids(s, 'login')
        for pid in held:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    finally:
        s.db.thaw()
    for x in th:
        x.join()
    kinds = [answer_kind(s, r) for r in answers]
    status, retry = in_flight_answer(s.mode)
    t.ok('in-flight' in kinds or 'json503' in kinds and status == 503,
         'a request whose worker was killed: the web server answers %d with the seed\'s JSON body%s'
         % (status, ', Retry-After' if retry else ''), '%d killed; answers: %s' % (len(held), kinds))
    t.ok(all(k in ('normal', 'json503', 'in-flight') for k in kinds), 'and nothing else', kinds)
    if status != 503:
        t.skip('a request whose worker was killed gets a JSON 503 with Retry-After',
               '%s keeps the status of its own error (500) and cannot add a header to its error file '
               '(README: A worker dies)' % s.mode)
    deadline = time.time() + 15
    while time.time() < deadline and s.request('POST', P_LOGIN, json_body=body).status != 200:
        time.sleep(0.2)
    t.eq(s.request('POST', P_LOGIN, json_body=body).status, 200, 'then logins succeed again')
    # The error documents replace only the web server's own answers: the binaries' 4xx bodies
    # come through (their 503 too: t_database_reconnect).
    r = s.request('GET', P_PROFILE + '?format=xml')
    check(t, r, 404, errors(detail='Not found.'), "the binary's own 404 body comes through")
    r = s.request('GET', '/api/user/nope/')
    t.ok(r.status == 404 and '<h1>Not Found</h1>' in r.text, "and its Django-like HTML 404 page", r)
    r = s.request('GET', P_PROFILE)
    check(t, r, 401, errors(detail='Authentication credentials were not provided.'),
          "the binary's own 401 body comes through")


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


# The database tests' configuration: short timeouts keep them short (a frozen database
# costs a request [db] connect_timeout), and no registration throttle under the load.
DB_TIMEOUT = 2
DB_RETRY_AFTER = 1
DOWN = errors(detail='Service temporarily unavailable, try again later.', code='service_unavailable')


def db_sibling(s, name):
    import harness
    return harness.Sibling(s, name, 'secret_key = %s\n[db]\nconnect_timeout = %d\nretry_after = %d\n'
                           '[throttle]\nregister_client_limit = 0\nlogin_client_limit = 0\n'
                           'login_account_limit = 0\n' % (harness.SECRET, DB_TIMEOUT, DB_RETRY_AFTER)).start()


class Load:
    """Bounded load on a front end: threads, each sending one kind of request after
    another until stop(); every answer is kept as (kind, started, ended, status, json,
    Retry-After, Content-Type, email).  Two threads per endpoint at most: each endpoint has
    two workers, and a third request would queue behind a frozen one."""

    def __init__(self, web, email):
        self.web = web
        self.email = email
        self.seen = []
        self.stopped = []
        self.n = 0
        self.lock = threading.Lock()

    def one(self, kind):
        with self.lock:
            self.n += 1
            n = self.n
        if kind == 'register':
            email = new_email('load%d' % n)
            path, body = P_REGISTER, reg_body(email)
        else:
            email = None
            path, body = P_LOGIN, {'email': self.email, 'password': 'Secret-pass-1'}
        started = time.time()
        try:
            r = self.web.request('POST', path, json_body=body, timeout=30)
            row = (kind, started, time.time(), r.status, r.json, r.header('Retry-After'),
                   r.header('Content-Type'), email)
        except Exception as e:
            row = (kind, started, time.time(), type(e).__name__, None, None, None, email)
        with self.lock:
            self.seen.append(row)

    def start(self, kinds=('register', 'register', 'login', 'login')):
        def loop(kind):
            while not self.stopped:
                self.one(kind)
        self.kinds = kinds
        self.threads = [threading.Thread(target=loop, args=(k,)) for k in kinds]
        for x in self.threads:
            x.start()
        return self

    def warm(self, t, n=2, timeout=30):
        """Wait until every kind has n successes (workers started, connected, prepared)."""
        deadline = time.time() + timeout
        kinds = set(self.kinds)
        while time.time() < deadline:
            with self.lock:
                got = [sum(1 for r in self.seen if r[0] == k and normal(r)) for k in kinds]
            if min(got) >= n:
                return time.time()
            time.sleep(0.05)
        t.ok(False, 'the load got going within %d s' % timeout, self.seen[:10])
        return time.time()

    def stop(self):
        self.stopped.append(1)
        for x in self.threads:
            x.join()
        return sorted(self.seen, key=lambda row: row[1])


def clean_503(row):
    """A 503 with the seed's body (or simplejwt's) and a Retry-After."""
    kind, _, _, status, body, retry, ctype, _ = row
    return status == 503 and body == DOWN and retry == str(DB_RETRY_AFTER) and \
        (ctype or '').startswith('application/json')


def normal(row):
    return row[3] == (201 if row[0] == 'register' else 200)


def t_database_restart(s, t):
    """MariaDB killed (SIGKILL) and started again under load: 503s with Retry-After while it
    is down, success again within 1 s of it answering, nothing committed lost."""
    email, _, _, _ = register(s)
    sib = db_sibling(s, 'dbrestart')
    try:
        load = Load(sib, email).start()
        warm = load.warm(t)
        kill_sent = time.time()
        s.db.kill()             # returns when mariadbd has exited
        killed = time.time()
        time.sleep(1.0)
        launched = time.time()
        s.db.start_again()      # returns when mariadb-admin ping answers (polled every 50 ms)
        up = time.time()
        time.sleep(1.5)
        seen = load.stop()
    finally:
        if s.db.proc is None:
            s.db.start_again()
        sib.stop()
    # Up: what ended before the signal was sent (mariadbd takes a moment to exit, meanwhile
    # a request may or may not be answered).
    before = [r for r in seen if r[2] < kill_sent]
    # Down: from the kill to the launch of mariadbd.  Between the launch and "up" (ping polled
    # every 50 ms) it may already answer: either answer is right there.
    down = [r for r in seen if r[1] > killed + 0.1 and r[2] < launched]
    after = [r for r in seen if r[1] >= up]
    t.ok(before and all(normal(r) for r in before), 'database up: %d requests succeed' % len(before),
         [r[:4] for r in before if not normal(r)][:10])
    t.ok(down and all(clean_503(r) for r in down),
         'database down (%.1f s): all %d answers are 503, the seed\'s body, Retry-After: %d'
         % (launched - killed, len(down), DB_RETRY_AFTER), [r[:7] for r in down if not clean_503(r)][:10])
    # The first requests of a fresh front end (starting workers) are not timed.
    slow = max(r[2] - r[1] for r in seen if r[1] >= warm)
    t.ok(slow < DB_TIMEOUT + 1.5, 'no request took longer than [db] connect_timeout + 1.5 s (longest %.2f s)'
         % slow, [(r[0], round(r[1] - killed, 2), round(r[2] - killed, 2), r[3]) for r in seen
                  if r[1] >= warm and r[2] - r[1] >= DB_TIMEOUT + 1.5][:10])
    ok_after = [r for r in after if normal(r)]
    first = min(r[2] for r in ok_after) - up if ok_after else None
    # mariadb-admin ping answered at "up": every request that starts after it succeeds (and
    # so, on a machine that is not overloaded, within 1 s of it answering).
    t.ok(after and all(normal(r) for r in after), 'after mariadb-admin ping answered: all %d requests succeed, '
         'the first %s s after' % (len(after), 'never' if first is None else '%.2f' % first),
         [r[:5] for r in after if not normal(r)][:10])
    print('# database restart: %d requests; %d 503 while down (%.2f s, of which mariadbd took %.2f s from its '
          'start to answering ping), %d 503 after ping answered, first success %.3f s after, longest request '
          '%.2f s' % (len(seen), len(down), up - killed, up - launched, sum(1 for r in after if r[3] == 503),
                      first or -1, slow), flush=True)
    # Nothing committed is lost: every 201 is in the table; a 503 may or may not be.
    table = set(s.db.sql("SELECT email FROM accounts_user WHERE email LIKE 'load%'").split())
    created = [r[7] for r in seen if r[0] == 'register' and r[3] == 201]
    failed = [r[7] for r in seen if r[0] == 'register' and r[3] != 201]
    lost = [e for e in created if e not in table]
    t.ok(created and not lost, 'all %d registrations answered 201 are in accounts_user' % len(created), lost[:10])
    present = [e for e in failed if e in table]
    t.ok(True, 'registrations that got 503: %d, of which %d in the table (the INSERT ran, its answer was '
         'lost) and %d absent' % (len(failed), len(present), len(failed) - len(present)))


def t_database_frozen(s, t):
    """MariaDB frozen (SIGSTOP) under load: every request answers within the timeout + a
    margin with a 503 JSON; after SIGCONT requests succeed again."""
    email, _, _, _ = register(s)
    sib = db_sibling(s, 'dbfrozen')
    try:
        load = Load(sib, email).start()
        warm = load.warm(t)
        s.db.freeze()
        frozen = time.time()
        try:
            time.sleep(2 * DB_TIMEOUT + 0.5)
        finally:
            s.db.thaw()
        thawed = time.time()
        time.sleep(1.5)
        seen = load.stop()
    finally:
        sib.stop()
    during = [r for r in seen if r[1] > frozen + 0.05 and r[2] < thawed]
    t.ok(during and all(clean_503(r) for r in during),
         'frozen: all %d answers are 503, the seed\'s body, Retry-After' % len(during),
         [r[:7] for r in during if not clean_503(r)][:10])
    worst = max(r[2] - r[1] for r in seen if r[1] >= warm)
    t.ok(worst <= DB_TIMEOUT + 1.5, 'no request waited longer than [db] connect_timeout (%d s) + 1.5 s '
         '(longest %.2f s)' % (DB_TIMEOUT, worst), [(r[0], round(r[1] - frozen, 2), round(r[2] - frozen, 2), r[3])
                                     for r in seen if r[1] >= warm and r[2] - r[1] > 1][:20])
    late = [r for r in seen if r[1] >= thawed + 0.5]
    t.ok(late and all(normal(r) for r in late), 'after SIGCONT: all %d requests succeed' % len(late),
         [r[:5] for r in late if not normal(r)][:10])
    print('# database frozen %.1f s: %d answers while frozen, longest request %.2f s'
          % (thawed - frozen, len(during), worst), flush=True)
