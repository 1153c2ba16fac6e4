#!/usr/bin/env python3
"""Benchmark a running jwtauth (./dev bench starts one): requests per second and
latency per endpoint with ApacheBench (ab), and the resident memory of the
processes serving it.  Standard library only; prints a table and writes it to
--out as JSON too.

    bench.py --base http://127.0.0.1:8000 --root-pid PID [--requests N] [--concurrency C]
             [--out FILE]

--root-pid is the process whose descendants serve the API (the front-end tool);
their VmRSS/Pss is summed over the processes whose command line names jwtauth.
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frontend import descendants  # noqa: E402


def request(base, method, path, body=None, headers=None):
    u = urllib.parse.urlsplit(base)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def ab(base, path, n, conc, method='GET', body=None, headers=()):
    """Run ab; returns (requests/s, mean ms, p99 ms, non-2xx, failed)."""
    argv = ['ab', '-q', '-n', str(n), '-c', str(conc), '-k']
    tmp = None
    if method == 'POST':
        tmp = tempfile.NamedTemporaryFile(delete=False)
        tmp.write(body)
        tmp.close()
        argv += ['-p', tmp.name, '-T', 'application/json']
    elif method == 'OPTIONS':
        argv += ['-m', 'OPTIONS']
    for h in headers:
        argv += ['-H', h]
    argv.append(base.rstrip('/') + path)
    out = subprocess.run(argv, capture_output=True, text=True).stdout
    if tmp:
        os.unlink(tmp.name)

    def grab(pattern, default=0.0):
        m = re.search(pattern, out, re.M)
        return float(m.group(1)) if m else default
    return (grab(r'^Requests per second:\s+([\d.]+)'), grab(r'^Time per request:\s+([\d.]+) \[ms\] \(mean\)'),
            grab(r'^\s+99%\s+(\d+)'), int(grab(r'^Non-2xx responses:\s+(\d+)')),
            int(grab(r'^Failed requests:\s+(\d+)')))


def memory(root):
    """(processes, sum of VmRSS KiB, sum of Pss KiB) of the jwtauth binaries."""
    n = rss = pss = 0
    for pid, (ppid, cmd) in descendants(root).items():
        if 'jwtauth-' not in cmd or 'frontend.py' in cmd:
            continue
        try:
            with open('/proc/%d/status' % pid) as fh:
                rss += int(re.search(r'^VmRSS:\s+(\d+)', fh.read(), re.M).group(1))
            with open('/proc/%d/smaps_rollup' % pid) as fh:
                pss += int(re.search(r'^Pss:\s+(\d+)', fh.read(), re.M).group(1))
            n += 1
        except (OSError, AttributeError):
            continue
    return n, rss, pss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--base', default='http://127.0.0.1:8000')
    ap.add_argument('--root-pid', type=int, required=True)
    ap.add_argument('--requests', type=int, default=5000)
    ap.add_argument('--concurrency', type=int, default=8)
    ap.add_argument('--out', default=None)
    a = ap.parse_args()

    email = 'bench.%d@example.com' % time.time_ns()
    st, data = request(a.base, 'POST', '/api/user/register/', json.dumps(
        {'email': email, 'name': 'Bench', 'password': 'bench-pass-1', 'password2': 'bench-pass-1',
         'tc': True}).encode(), {'Content-Type': 'application/json'})
    if st != 201:
        sys.exit('registration failed: %d %s' % (st, data[:200]))
    tokens = json.loads(data)
    auth = 'Authorization: Bearer ' + tokens['access']
    n, c = a.requests, a.concurrency
    rows = [
        ('GET profile (JWT + database)', ab(a.base, '/api/user/profile/', n, c, headers=[auth])),
        ('POST token/verify (JWT only)', ab(a.base, '/api/user/token/verify/', n, c, 'POST',
                                            json.dumps({'token': tokens['access']}).encode())),
        ('POST token/refresh', ab(a.base, '/api/user/token/refresh/', n, c, 'POST',
                                  json.dumps({'refresh': tokens['refresh']}).encode())),
        ('OPTIONS preflight (CORS)', ab(a.base, '/api/user/login/', n, c, 'OPTIONS', headers=[
            'Origin: http://localhost:3000', 'Access-Control-Request-Method: POST'])),
        ('POST login (password hash)', ab(a.base, '/api/user/login/', max(n // 10, 50), c, 'POST',
                                          json.dumps({'email': email, 'password': 'bench-pass-1'}).encode())),
        ('POST login, unknown email', ab(a.base, '/api/user/login/', max(n // 10, 50), c, 'POST',
                                         json.dumps({'email': 'x' + email, 'password': 'bench-pass-1'}).encode())),
    ]
    procs, rss, pss = memory(a.root_pid)
    print('%-32s %10s %9s %8s %8s' % ('endpoint', 'req/s', 'mean ms', 'p99 ms', 'errors'))
    for name, (rps, mean, p99, non2xx, failed) in rows:
        # login with an unknown email answers 404 by design
        errors = failed + (non2xx if 'unknown' not in name else 0)
        print('%-32s %10.0f %9.2f %8.0f %8d' % (name, rps, mean, p99, errors))
    print('memory: %d jwtauth processes, RSS %.1f MiB in all (%.1f MiB each), PSS %.1f MiB in all'
          % (procs, rss / 1024, rss / 1024 / max(procs, 1), pss / 1024))
    if a.out:
        with open(a.out, 'w') as fh:
            json.dump({'requests': n, 'concurrency': c, 'rows': rows,
                       'memory': {'processes': procs, 'rss_kib': rss, 'pss_kib': pss}}, fh, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
