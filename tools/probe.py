#!/usr/bin/env python3
"""Send one raw HTTP request and print the status line, headers and body (a developer's probe).

probe.py [--base URL] METHOD PATH [-H 'Name: value']... [-d BODY | --file F]
"""
import argparse
import http.client
import sys
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument('--base', default='http://127.0.0.1:8090')
ap.add_argument('method')
ap.add_argument('path')
ap.add_argument('-H', action='append', default=[])
ap.add_argument('-d', default=None)
a = ap.parse_args()
u = urllib.parse.urlsplit(a.base)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
c.putrequest(a.method, a.path, skip_host=False, skip_accept_encoding=True)
body = None if a.d is None else a.d.encode('utf-8', 'surrogateescape')
for h in a.H:
    k, v = h.split(':', 1)
    c.putheader(k, v.strip())
if body is not None:
    c.putheader('Content-Length', str(len(body)))
c.endheaders(body)
r = c.getresponse()
print(r.status, r.reason)
for k, v in r.getheaders():
    if k.lower() not in ('date', 'server', 'connection'):
        print('%s: %s' % (k, v))
print()
sys.stdout.flush()
sys.stdout.buffer.write(r.read() + b'\n')
