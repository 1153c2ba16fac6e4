#!/usr/bin/python3
"""
gen_cors.py - expected values for tests/unit/t_cors.c, from the Python the
original service ran on.

Run with Debian 12's /usr/bin/python3 (CPython 3.11.2, Django 3.2.25,
django-cors-headers 3.14.0) from the top of the tree:

	/usr/bin/python3 tests/unit/gen_cors.py tests/unit/t_cors.c

It rewrites the part of t_cors.c between the "BEGIN GENERATED" and "END
GENERATED" lines; a rerun with the same Python changes nothing.

Each expected value is whether the real CorsMiddleware.process_response,
with CORS_ALLOWED_ORIGINS set to one of the lists below (or to the origin
itself: allowed exactly when urlsplit accepts it) and nothing else
configured, puts Access-Control-Allow-Origin on a response to a request
carrying that Origin header.  The header's bytes reach Django as Latin-1
(PEP 3333); the configured origins are str, written here as UTF-8.

The script also checks what lib/cors.c assumes: urlsplit's NFKC check
(_checknetloc) never rejects a Latin-1 netloc.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genc import cstr  # noqa: E402
import unicodedata

import django
from django.conf import settings

settings.configure(INSTALLED_APPS=["corsheaders"], ALLOWED_HOSTS=["*"])
django.setup()

from corsheaders.conf import conf  # noqa: E402
from corsheaders.middleware import ACCESS_CONTROL_ALLOW_ORIGIN, CorsMiddleware  # noqa: E402
from django.http import BadHeaderError, HttpRequest, HttpResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

ALLOWED = [
    ["http://localhost:3000", "http://127.0.0.1:3000"],
    ["http://localhost:3000", "http://127.0.0.1:3000", "null"],
    ["HTTP://Example.COM", "http://[::1]:3000", "https://[v1.x]", "http://l\u00e9:3000",
     "http://u@[fe80::1%25en0]"],
    [],
]

ORIGINS = [
    # The brief's list.
    b"http://localhost:3000", b"http://127.0.0.1:3000", b"HTTP://localhost:3000",
    b"http://localhost:3000/", b"http://localhost:3000/x?y", b"http://LOCALHOST:3000",
    b"http://localhost:3001", b"https://localhost:3000", b"null", b" http://localhost:3000",
    b"http://local\thost:3000", b"http://[::1", b"http://evil.example.org",
    b"http://localhost:3000@evil", b"//localhost:3000", b"localhost:3000",
    # Stripping and removal.
    b"\x01http://localhost:3000", b"\x1f \thttp://localhost:3000", b"http://localhost:3000 ",
    b"http://localhost:3000\x01", b"h\rt\ntp://localhost:3000", b"http:\n//localhost:3000",
    b"http://localhost:3000\n", b"\x7fhttp://localhost:3000", b"\xa0http://localhost:3000",
    b"http://localhost:3000#x", b"http://localhost:3000?", b"http://localhost:3000\\x",
    b"http:/localhost:3000", b"http:///localhost:3000", b"http:localhost:3000",
    b"1http://localhost:3000", b"ht_tp://localhost:3000", b"Http://localhost:3000",
    b"h+t.t-p://localhost:3000",
    # "null" and things that split to no scheme and no netloc.
    b"NULL", b" null", b"null ", b"nul", b"foo", b"x:", b":", b"/", b"?", b"#",
    # Brackets.
    b"http://]::1[", b"http://[::1]", b"http://[::1]:3000", b"http://[::1]x",
    b"http://[::1]:3000x", b"http://x[::1]", b"http://[::1]]", b"http://[[::1]",
    b"http://[1.2.3.4]", b"http://[v1.x]", b"https://[v1.x]", b"http://[V1.x]",
    b"http://[v.x]", b"http://[vg.x]", b"http://[v1.]", b"http://[v1]", b"http://[v1.x]:5",
    b"http://[::1%eth0]", b"http://[::1%]", b"http://[::1%a%b]", b"http://[fe80::1%25en0]",
    b"http://u@[fe80::1%25en0]", b"http://u@[::1]:3000", b"http://[x]@host", b"http://[x]@v1.a",
    b"http://[x]@1.2.3.4", b"http://[x]@::1", b"http://[x]@[::1]", b"http://[x]@a[::1]",
    b"http://[::ffff:1.2.3.4]", b"http://[::ffff:1.2.3.256]", b"http://[::ffff:01.2.3.4]",
    b"http://[1.2.3.4::]", b"http://[::1.2.3.4]", b"http://[1:2:3:4:5:6:1.2.3.4]",
    b"http://[1:2:3:4:5:6:7:1.2.3.4]", b"http://[1:2:3:4:5::1.2.3.4]",
    b"http://[1:2:3:4:5:6:7:8]", b"http://[1:2:3:4:5:6:7:8:9]", b"http://[1:2:3:4:5:6:7::]",
    b"http://[::2:3:4:5:6:7:8]", b"http://[1::3:4:5:6:7:8]", b"http://[1:2:3:4:5:6:7:8::]",
    b"http://[1::2::3]", b"http://[:1::]", b"http://[::1:]", b"http://[1:::2]",
    b"http://[12345::]", b"http://[::g]", b"http://[::]", b"http://[:]", b"http://[]",
    b"http://[1:2]", b"http://[::1.2.3]", b"http://[0:0:0:0:0:0:0:0]", b"http://[::\xe9]",
    b"http://[\xe9]", b"http://[::1]/[", b"http://[::1]?]", b"http://a/[", b"http://a]/",
    b"http://[::1]:3000/x", b"[::1]", b"x://[", b"http://[::1]\t:3000",
    b"http://[1:2:3:4:5:6:7:8:1.2.3.4]", b"http://[::1:2:3:4:5:6:7]", b"http://[1:2:3:4:5:6:7::8]",
    b"http://[::1.2.3.4:5]", b"http://[1::1.2.3.4]", b"http://[::ffff:1.2.3.4%x]",
    b"http://[1:2:3:4:5:6:7:8%x]", b"http://[%x]", b"http://[::%x]", b"http://[:::]",
    b"http://[1:2:3:4:5:6:7:]", b"http://[:2:3:4:5:6:7:8]", b"http://[abcd::ABCD]",
    b"http://[v1.x%]", b"http://[v12ab.:]", b"http://[v1.x]:", b"http://[::1]@x",
    b"http://a@b@[::1]", b"http://[0.0.0.0]", b"http://[1.2.3]", b"http://[1:2:3:4:5:6:7:8]:x",
    b"http://[::1.2.3.04]", b"http://[::1.2.3.4.5]", b"http://[::0000]", b"http://[::00000]",
    b"http://[1:2:3:4:5:6::1.2.3.4]", b"http://[1:2:3:4:5:6:7:8:9:10]",
    # Non-ASCII: compared with the configured origins as str.
    b"http://l\xe9:3000", b"http://l\xc3\xa9:3000", b"http://localhost:3000\xe9",
    b"\xe9http://localhost:3000", b"http\xe9://localhost:3000",
]




def allowed_by_middleware(origin, allowed):
    """1 when process_response adds Access-Control-Allow-Origin; 2 when it
    finds the origin allowed but cannot write it (BadHeaderError: CR or LF
    in the value, a 500 there; lib/http.c blanks them)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = "/api/user/login/"
    request.META["HTTP_ORIGIN"] = origin
    mw = CorsMiddleware(lambda r: HttpResponse())
    with override_settings(CORS_ALLOWED_ORIGINS=allowed):
        try:
            response = mw.process_response(request, HttpResponse())
        except BadHeaderError:
            assert "\r" in origin or "\n" in origin
            return 2
    if ACCESS_CONTROL_ALLOW_ORIGIN in response:
        assert response[ACCESS_CONTROL_ALLOW_ORIGIN] == origin
        return 1
    return 0


def check_nfkc():
    """No Latin-1 character NFKC-normalises to something with /?#@:."""
    for c in range(0x80, 0x100):
        n = unicodedata.normalize("NFKC", chr(c))
        assert not any(x in n for x in "/?#@:"), hex(c)
    s = "".join(map(chr, range(0x80, 0x100)))
    assert not any(x in unicodedata.normalize("NFKC", s) for x in "/?#@:")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_cors.py tests/unit/t_cors.c")
    check_nfkc()
    lists = []
    for i, lst in enumerate(ALLOWED):
        lists.append("static const char *const allowed%d[] = { %s };\n" % (
            i, ", ".join([cstr(a) for a in lst] + ["NULL"])))
    rows = []
    for b in ORIGINS:
        origin = b.decode("latin-1")
        want = [allowed_by_middleware(origin, lst) for lst in ALLOWED]
        # Configured as itself: allowed exactly when urlsplit accepts it.
        want.append(allowed_by_middleware(origin, [origin]))
        note = ""
        if 2 in want:
            note = "\t/* allowed; Python fails to echo CR/LF (500) */"
        rows.append("\t{ %s, { %s }, %s, %d },%s\n" % (
            cstr(b), ", ".join(str(min(w, 1)) for w in want[:-1]), cstr(origin),
            min(want[-1], 1), note))
    # An empty Origin header gets nothing, whatever is configured.
    assert all(allowed_by_middleware("", lst) == 0 for lst in ALLOWED)
    body = ("/* Expected values from CPython %s, Django %s, django-cors-headers 3.14. */\n\n" % (
        sys.version.split()[0], django.get_version()) + "".join(lists) +
        "\nstatic const char *const *const allowed[] = { %s };\n" % ", ".join(
            "allowed%d" % i for i in range(len(ALLOWED))) +
        "\nstatic const struct cors_test cors_tests[] = {\n" + "".join(rows) + "};\n" +
        "\n/* What process_response sends on OPTIONS with the default settings. */\n" +
        "#define WANT_ALLOW_HEADERS\t%s\n" % cstr(", ".join(conf.CORS_ALLOW_HEADERS)) +
        "#define WANT_ALLOW_METHODS\t%s\n" % cstr(", ".join(conf.CORS_ALLOW_METHODS)) +
        "#define WANT_MAX_AGE\t\t%s\n" % cstr(str(conf.CORS_PREFLIGHT_MAX_AGE)))
    with open(sys.argv[1]) as f:
        text = f.read()
    i = text.index("\n", text.index("BEGIN GENERATED")) + 1
    j = text.rindex("\n", 0, text.index("END GENERATED")) + 1
    with open(sys.argv[1], "w") as f:
        f.write(text[:i] + body + text[j:])


if __name__ == "__main__":
    main()
