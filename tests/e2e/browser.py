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

A line with "op" drives the browser itself instead (the admin page's test), each
answered with {"ok": RESULT} or {"error": "..."}; CSS is a CSS selector and every
op on an element first waits (up to "timeout" seconds, 10 by default) for it:

    {"op": "get", "url": URL}                  load a page
    {"op": "wait", "css": CSS, "text": T}      until the element is shown (and its
                                               text contains T); its text
    {"op": "gone", "css": CSS}                 until no such element is shown
    {"op": "click", "css": CSS}
    {"op": "type", "css": CSS, "text": T, "clear": true}   keys ("\n" is Enter)
    {"op": "script", "js": JS, "args": [...]}  the value JS returns
    {"op": "screenshot", "path": FILE}         a PNG of the window
    {"op": "logs"}                             the console's messages since the last
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


def drive(driver, req):
    """One "op" line on the browser itself; its result."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(css, text=None, act=None):
        """Waits for the element; act(element) on it (the page may replace it meanwhile)."""
        def check(d):
            try:
                for e in d.find_elements(By.CSS_SELECTOR, css):
                    if e.is_displayed() and (text is None or text in e.text):
                        return [act(e) if act else e.text]
            except StaleElementReferenceException:
                pass
            return False
        return WebDriverWait(driver, req.get('timeout', 10)).until(
            check, 'no %s shown%s' % (css, '' if text is None else ' with %r' % text))[0]

    op = req['op']
    if op == 'get':
        driver.get(req['url'])
        return driver.current_url
    if op == 'wait':
        return shown(req['css'], req.get('text'))
    if op == 'gone':
        WebDriverWait(driver, req.get('timeout', 10)).until(
            lambda d: not any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, req['css'])),
            '%s still shown' % req['css'])
        return True
    if op == 'click':
        shown(req['css'], act=lambda e: e.click())
        return True
    if op == 'type':
        def typ(e):
            if req.get('clear', True):
                e.clear()
            e.send_keys(req['text'])
        shown(req['css'], act=typ)
        return True
    if op == 'script':
        return driver.execute_script(req['js'], *req.get('args', []))
    if op == 'screenshot':
        return driver.save_screenshot(req['path'])
    if op == 'logs':
        return [{'level': m['level'], 'message': m['message']} for m in driver.get_log('browser')]
    raise ValueError('unknown op %r' % op)


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
                    '--no-first-run', '--window-size=1280,900', '--user-data-dir=' + profile):
            opts.add_argument(arg)
        opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
        driver.set_script_timeout(30)
        origin = 'http://localhost:%d' % a.origin_port
        driver.get(origin + '/')
        say({'ready': origin})
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            if 'op' in req:
                try:
                    say({'ok': drive(driver, req)})
                except Exception as e:
                    say({'error': '%s: %s' % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else '')})
                continue
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
