/*
 * t_http.c - the pure parts of request handling: Django's request.path from
 * the raw URI, simplejwt's Authorization header split, and the buffer.
 * Expected paths come from django.utils.encoding.repercent_broken_unicode.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "http.h"
#include "tap.h"

static const struct {
	const char	*raw;
	const char	*path;
} paths[] = {
	{ "/api/user/register/", "/api/user/register/" },
	{ "/api/user/regist%65r/", "/api/user/register/" },
	{ "/api/user/reset-password/MQ/abc-def/", "/api/user/reset-password/MQ/abc-def/" },
	{ "/a%2Fb", "/a/b" },
	{ "/%C3%A9", "/\xc3\xa9" },
	{ "/%c3%a9", "/\xc3\xa9" },
	{ "/%FF%FE", "/%FF%FE" },		/* not UTF-8: quoted again */
	{ "/%E9t%E9", "/%E9t%E9" },
	{ "/%C3", "/%C3" },			/* truncated sequence */
	{ "/%ED%A0%80", "/%ED%A0%80" },		/* a surrogate is not UTF-8 */
	{ "/%zz%4", "/%zz%4" },			/* not escapes: kept */
	{ "/%00", "/%00" },			/* NUL cannot be represented: kept */
	{ "/\xc3\xa9", "/\xc3\xa9" },
	{ "/\xff", "/%FF" },
	{ "", "" },				/* fuzz_route: NULL + 0 (clang UBSan) */
};

static const struct {
	const char		*hdr;
	enum auth_header	 want;
	const char		*tok;
} hdrs[] = {
	{ NULL, AUTH_ANONYMOUS, NULL },
	{ "", AUTH_ANONYMOUS, NULL },
	{ "   ", AUTH_ANONYMOUS, NULL },
	{ "Token abc", AUTH_ANONYMOUS, NULL },
	{ "bearer abc", AUTH_ANONYMOUS, NULL },
	{ "Basic dXNlcjpwYXNz", AUTH_ANONYMOUS, NULL },
	{ "BearerX abc", AUTH_ANONYMOUS, NULL },
	{ "Bearer", AUTH_MALFORMED, NULL },
	{ "Bearer ", AUTH_MALFORMED, NULL },
	{ "Bearer a b", AUTH_MALFORMED, NULL },
	{ "Bearer a b c d", AUTH_MALFORMED, NULL },
	{ "Bearer abc", AUTH_BEARER, "abc" },
	{ "  Bearer \t abc \r\n", AUTH_BEARER, "abc" },
	{ "Bearer\x0b" "abc\x0c", AUTH_BEARER, "abc" },
	{ "Bearer a.b.c", AUTH_BEARER, "a.b.c" },
	{ "Bearer \xc2\xa0" "abc", AUTH_BEARER, "\xc2\xa0" "abc" },	/* bytes.split: NBSP is not a separator */
};

int
main(void)
{
	struct buf	 b = BUF_INIT;
	const char	*tok;
	size_t		 i, len;
	char		*p, got[64];

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		p = http_decode_path(paths[i].raw, strlen(paths[i].raw));
		is_str(p, paths[i].path, "path %s", paths[i].raw);
		free(p);
	}
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		tok = NULL;
		len = 0;
		is_int(auth_parse_header(hdrs[i].hdr, &tok, &len), hdrs[i].want, "header %zu kind", i);
		if (hdrs[i].tok != NULL) {
			(void)snprintf(got, sizeof(got), "%.*s", (int)len, tok ? tok : "");
			is_str(got, hdrs[i].tok, "header %zu token", i);
		}
	}
	ok(buf_puts(&b, "abc") == 0 && b.len == 3 && strcmp(buf_str(&b), "abc") == 0, "buf_puts");
	ok(buf_printf(&b, "-%d-%s", 42, "x") == 0 && strcmp(buf_str(&b), "abc-42-x") == 0, "buf_printf");
	for (i = 0; i < 10000; i++)
		buf_putc(&b, 'z');
	ok(b.len == 8 + 10000 && buf_ok(&b) && b.p[b.len] == '\0', "grows and stays terminated");
	ok(buf_add(&b, "\0x", 2) == 0 && b.len == 8 + 10002, "binary bytes");
	buf_reset(&b);
	ok(b.len == 0 && strcmp(buf_str(&b), "") == 0, "reset");
	buf_wipe(&b);
	ok(b.p == NULL && strcmp(buf_str(&b), "") == 0, "wiped and freed");
	return tap_done();
}
