#!/usr/bin/python3
"""A real browser as a cross-origin front end, for the end-to-end tests: Debian's
headless Chromium driven through chromium-driver by python3-selenium.

    browser.py --api http://127.0.0.1:PORT --origin-port 3000

Serves a small page on http://localhost:ORIGIN-PORT (127.0.0.1 only), opens it
in Chromium, and then reads one request per line on stdin, as JSON:

    {"method": "POST", "path": "/api/user/login/", "kind": "json"|"form"|"urlencoded"|null,
     "data": {...}, "headers": {...}}

and runs it with fetch() from the page, so the browser applies CORS exactly as
for a real front end (preflights included).  For each line it prints one JSON
line: {"status": N, "body": "...", "headers": {...}} when the page could read
the answer, or {"error": "..."} when fetch() failed (a CORS refusal is a
"TypeError: Failed to fetch").  The first line printed is {"ready": ORIGIN} or
{"error": ...}.  Exits at the end of stdin, stopping Chromium and the page's
server.
"""
import argparse
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jwtauth browser client</title></head>
<body>
<p id="state">loaded</p>
<script>
// One API call as a front end makes it; the answer as the page can read it.
async function call(api, req) {
  const init = {method: req.method, headers: Object.assign({}, req.headers || {})};
  if (req.kind === 'json') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(req.data);
  } else if (req.kind === 'form') {
    const fd = new FormData();
    for (const k of Object.keys(req.data)) fd.append(k, req.data[k]);
    init.body = fd;
  } else if (req.kind === 'urlencoded') {
    init.body = new URLSearchParams(req.data);
  }
  try {
    const r = await fetch(api + req.path, init);
    const headers = {};
    r.headers.forEach((v, k) => { headers[k] = v; });
    return {status: r.status, body: await r.text(), headers: headers};
  } catch (e) {
    return {error: String(e)};
  }
}
</script>
</body></html>
"""


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def say(obj):
    print(json.dumps(obj), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--api', required=True)
    ap.add_argument('--origin-port', type=int, required=True)
    a = ap.parse_args()

    server = http.server.ThreadingHTTPServer(('127.0.0.1', a.origin_port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp(prefix='jwtauth-chromium-')
    driver = None
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = '/usr/bin/chromium'
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                    '--no-first-run', '--user-data-dir=' + profile):
            opts.add_argument(arg)
        driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
        driver.set_script_timeout(30)
        origin = 'http://localhost:%d' % a.origin_port
        driver.get(origin + '/')
        say({'ready': origin})
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                res = driver.execute_async_script(
                    'const done = arguments[arguments.length - 1];'
                    'call(arguments[0], arguments[1]).then(done);', a.api, req)
            except Exception as e:      # the driver itself failed
                res = {'error': 'driver: %s' % e}
            say(res)
    except Exception as e:
        say({'error': '%s: %s' % (type(e).__name__, e)})
        return 1
    finally:
        if driver is not None:
            driver.quit()
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
