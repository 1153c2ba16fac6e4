/*
 * form_json.c - JSON bodies as DRF's JSONParser reads them:
 * codecs.getreader(encoding), then json.load() with strict_constant
 * (see form.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "buf.h"
#include "charset.h"
#include "form.h"
#include "form_priv.h"
#include "pycompat.h"

/*
 * Nesting at which CPython's json scanner hit RecursionError in the original
 * (measured on every endpoint: 938 levels parse, 939 answer 500).
 */
#define JSON_MAXDEPTH	938
#define JSON_MAXDIGITS	4300		/* sys.get_int_max_str_digits() */

/*
 * Why a hand-written checker in front of json-c: json-c 0.16 in strict mode
 * is laxer than CPython's json module (measured on this machine).  It takes
 * NaN/Infinity/-Infinity (DRF's strict_constant rejects them), single-quoted
 * strings, raw control characters inside strings, turns a lone surrogate
 * escape into U+FFFD (Python keeps it and DRF then rejects it), clamps
 * integers beyond 64 bits (Python keeps every digit), and truncates object
 * keys at an escaped NUL.  So this checker enforces Python's grammar and
 * produces its messages; json-c then builds the values.
 */

enum jerr {
	JE_OK = 0,
	JE_SYNTAX,	/* JSONDecodeError: emsg at epos */
	JE_CONSTANT,	/* NaN/Infinity/-Infinity: emsg is the constant */
	JE_DIGITS,	/* int() over the digit limit: edigits */
	JE_DEEP,	/* RecursionError: emsg is "object" or "array" */
	JE_NOMEM,
};

/* A member of the top-level object. */
struct jmember {
	size_t		 koff, klen;	/* the decoded key, in jscan.keys */
	size_t		 vs, ve;	/* the value's bytes in the text */
	uint32_t	 surrogate;	/* first lone surrogate of a string value */
};

struct jscan {
	const char	*t;		/* UTF-8 text */
	size_t		 n;
	size_t		 i;		/* read position */
	enum jerr	 err;
	const char	*emsg;
	size_t		 epos;		/* byte offset of a JE_SYNTAX error */
	size_t		 edigits;
	uint32_t	 sur;		/* first lone surrogate of the last string */
	struct buf	 keys;
	struct jmember	*m;
	size_t		 nm, mcap;
};

/* Record a JSONDecodeError; returns -1. */
static int
js_fail(struct jscan *js, const char *emsg, size_t pos)
{
	js->err = JE_SYNTAX;
	js->emsg = emsg;
	js->epos = pos;
	return -1;
}

/* Skip json's whitespace: space, \t, \n, \r only. */
static void
js_ws(struct jscan *js)
{
	while (js->i < js->n && (js->t[js->i] == ' ' || js->t[js->i] == '\t' ||
	    js->t[js->i] == '\n' || js->t[js->i] == '\r'))
		js->i++;
}

/* Four hex digits at s into *c; 0 or -1. */
static int
js_hex4(const char *s, uint32_t *c)
{
	size_t	 i;
	int	 d;

	*c = 0;
	for (i = 0; i < 4; i++) {
		if ((d = py_hexdigit(s[i])) < 0)
			return -1;
		*c = (*c << 4) | (uint32_t)d;
	}
	return 0;
}

/*
 * scanstring_unicode(strict=True) for the string whose opening quote is at
 * js->i; js->i moves past the closing quote.  Decodes into out unless NULL
 * (a lone surrogate becomes U+FFFD; the first one is left in js->sur).
 * The checks on byte offsets match CPython's on code points because every
 * character they look at is ASCII.  Returns 0 or -1.
 */
static int
js_string(struct jscan *js, struct buf *out)
{
	const char	*t = js->t;
	size_t		 n = js->n, begin = js->i, end = js->i + 1, next;
	uint32_t	 c, c2;
	unsigned char	 d;

	js->sur = 0;
	for (;;) {
		for (next = end; next < n; next++) {
			d = (unsigned char)t[next];
			if (d == '"' || d == '\\')
				break;
			if (d <= 0x1f)
				return js_fail(js, "Invalid control character at",
				    next);
		}
		if (next >= n)
			return js_fail(js, "Unterminated string starting at",
			    begin);
		if (out != NULL)
			buf_add(out, t + end, next - end);
		if (t[next] == '"') {
			js->i = next + 1;
			return 0;
		}
		if (++next == n)
			return js_fail(js, "Unterminated string starting at",
			    begin);
		if (t[next] != 'u') {
			switch (t[next]) {
			case '"':
			case '\\':
			case '/':
				c = (unsigned char)t[next];
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			default:
				return js_fail(js, "Invalid \\escape", next - 1);
			}
			end = next + 1;
		} else {
			next++;
			if (next + 4 >= n || js_hex4(t + next, &c) == -1)
				return js_fail(js, "Invalid \\uXXXX escape",
				    next - 1);
			end = next + 4;
			if (c >= 0xd800 && c <= 0xdbff && end + 6 < n &&
			    t[end] == '\\' && t[end + 1] == 'u') {
				if (js_hex4(t + end + 2, &c2) == -1)
					return js_fail(js,
					    "Invalid \\uXXXX escape", end + 1);
				if (c2 >= 0xdc00 && c2 <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (c2 - 0xdc00);
					end += 6;
				}
			}
			if (c >= 0xd800 && c <= 0xdfff) {
				if (js->sur == 0)
					js->sur = c;
				c = 0xfffd;
			}
		}
		if (out != NULL)
			(void)py_utf8_put(out, c);
	}
}

/*
 * _match_number_unicode at js->i: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
 * Returns 0 and moves js->i past it (*isfloat when it has a fraction or an
 * exponent, *ndig its integer digits), or -1 when no number starts here.
 */
static int
js_number(struct jscan *js, int *isfloat, size_t *ndig)
{
	const char	*t = js->t;
	size_t		 n = js->n, i = js->i, j, d0;

	*isfloat = 0;
	if (t[i] == '-' && ++i >= n)
		return -1;
	d0 = i;
	if (t[i] >= '1' && t[i] <= '9') {
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
	} else if (t[i] == '0')
		i++;
	else
		return -1;
	*ndig = i - d0;
	if (i + 1 < n && t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9') {
		*isfloat = 1;
		for (i += 2; i < n && t[i] >= '0' && t[i] <= '9'; i++)
			;
	}
	if (i + 1 < n && (t[i] == 'e' || t[i] == 'E')) {
		j = i + 1;
		if (j + 1 < n && (t[j] == '-' || t[j] == '+'))
			j++;
		while (j < n && t[j] >= '0' && t[j] <= '9')
			j++;
		if (t[j - 1] >= '0' && t[j - 1] <= '9') {
			*isfloat = 1;
			i = j;
		}
	}
	js->i = i;
	return 0;
}

/* 1 when the text at js->i starts with the literal s. */
static int
js_lit(const struct jscan *js, const char *s)
{
	size_t	 len = strlen(s);

	return js->n - js->i >= len && memcmp(js->t + js->i, s, len) == 0;
}

/* Remember a member of the top-level object; 0 or -1. */
static int
js_member(struct jscan *js, size_t koff, size_t klen, size_t vs)
{
	struct jmember	*m;
	size_t		 cap;

	if (js->nm == js->mcap) {
		cap = js->mcap ? js->mcap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*m))
			return -1;
		if ((m = realloc(js->m, cap * sizeof(*m))) == NULL)
			return -1;
		js->m = m;
		js->mcap = cap;
	}
	m = &js->m[js->nm++];
	m->koff = koff;
	m->klen = klen;
	m->vs = vs;
	m->ve = js->i;
	m->surrogate = js->t[vs] == '"' ? js->sur : 0;
	return 0;
}

enum jstate {
	JS_VALUE,	/* a value starts at js->i */
	JS_AFTER,	/* a value just ended */
	JS_KEY,		/* a key (or the end of an empty object) follows */
};

/*
 * json.loads() of the text as CPython's C scanner does it, iteratively with
 * an explicit stack: the same errors at the same positions, in the same
 * order, RecursionError at JSON_MAXDEPTH.  Members of a top-level object
 * are recorded (decoded key, value range).  Returns 0 or -1 (js->err).
 */
static int
js_scan(struct jscan *js)
{
	char		 stack[JSON_MAXDEPTH];
	size_t		 depth = 0, koff = 0, klen = 0, vs = 0, ndig;
	enum jstate	 st = JS_VALUE;
	int		 pending = 0, isfloat;
	char		 c;

	if (js_lit(js, "\xef\xbb\xbf"))
		return js_fail(js,
		    "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
	js_ws(js);
	for (;;) {
		switch (st) {
		case JS_VALUE:
			if (depth == 1 && stack[0] == '{') {
				pending = 1;
				vs = js->i;
			}
			if (js->i >= js->n)
				return js_fail(js, "Expecting value", js->i);
			c = js->t[js->i];
			st = JS_AFTER;
			if (c == '"') {
				if (js_string(js, NULL) == -1)
					return -1;
				break;
			}
			if (c == '{' || c == '[') {
				if (depth == JSON_MAXDEPTH) {
					js->err = JE_DEEP;
					js->emsg = c == '{' ? "object" : "array";
					return -1;
				}
				stack[depth++] = c;
				js->i++;
				js_ws(js);
				if (js->i < js->n &&
				    js->t[js->i] == (c == '{' ? '}' : ']')) {
					js->i++;
					depth--;
				} else
					st = c == '{' ? JS_KEY : JS_VALUE;
				break;
			}
			if (js_lit(js, "null") || js_lit(js, "true")) {
				js->i += 4;
				break;
			}
			if (js_lit(js, "false")) {
				js->i += 5;
				break;
			}
			if (js_lit(js, "NaN") || js_lit(js, "Infinity") ||
			    js_lit(js, "-Infinity")) {
				js->err = JE_CONSTANT;
				js->emsg = c == 'N' ? "NaN" : c == 'I' ?
				    "Infinity" : "-Infinity";
				return -1;
			}
			if (js_number(js, &isfloat, &ndig) == -1)
				return js_fail(js, "Expecting value", js->i);
			if (!isfloat && ndig > JSON_MAXDIGITS) {
				js->err = JE_DIGITS;
				js->edigits = ndig;
				return -1;
			}
			break;
		case JS_AFTER:
			if (pending && depth == 1) {
				pending = 0;
				if (js_member(js, koff, klen, vs) == -1) {
					js->err = JE_NOMEM;
					return -1;
				}
			}
			js_ws(js);
			if (depth == 0) {
				if (js->i != js->n)
					return js_fail(js, "Extra data", js->i);
				return 0;
			}
			c = stack[depth - 1] == '{' ? '}' : ']';
			if (js->i < js->n && js->t[js->i] == c) {
				js->i++;
				depth--;
				break;
			}
			if (js->i >= js->n || js->t[js->i] != ',')
				return js_fail(js, "Expecting ',' delimiter",
				    js->i);
			js->i++;
			js_ws(js);
			st = c == '}' ? JS_KEY : JS_VALUE;
			break;
		case JS_KEY:
			if (js->i >= js->n || js->t[js->i] != '"')
				return js_fail(js, "Expecting property name "
				    "enclosed in double quotes", js->i);
			if (depth == 1) {
				koff = js->keys.len;
				if (js_string(js, &js->keys) == -1)
					return -1;
				klen = js->keys.len - koff;
			} else if (js_string(js, NULL) == -1)
				return -1;
			js_ws(js);
			if (js->i >= js->n || js->t[js->i] != ':')
				return js_fail(js, "Expecting ':' delimiter",
				    js->i);
			js->i++;
			js_ws(js);
			st = JS_VALUE;
			break;
		}
	}
}

/* The DRF detail for a failed js_scan(); returns the form_rc. */
static enum form_rc
js_error(const struct jscan *js, char *msg, size_t msgsz)
{
	size_t	 i, line = 1, col, chr = 0, lastnl = 0;
	int	 seen = 0;

	switch (js->err) {
	case JE_SYNTAX:
		/* JSONDecodeError counts code points, lines and columns. */
		for (i = 0; i < js->epos && i < js->n; i++) {
			if (((unsigned char)js->t[i] & 0xc0) == 0x80)
				continue;
			if (js->t[i] == '\n') {
				line++;
				lastnl = chr;
				seen = 1;
			}
			chr++;
		}
		col = seen ? chr - lastnl : chr + 1;
		form_msg(msg, msgsz, "JSON parse error - %s: line %zu column "
		    "%zu (char %zu)", js->emsg, line, col, chr);
		return FORM_PARSE;
	case JE_CONSTANT:
		form_msg(msg, msgsz, "JSON parse error - Out of range float "
		    "values are not JSON compliant: '%s'", js->emsg);
		return FORM_PARSE;
	case JE_DIGITS:
		form_msg(msg, msgsz, "JSON parse error - Exceeds the limit (%d "
		    "digits) for integer string conversion: value has %zu "
		    "digits; use sys.set_int_max_str_digits() to increase the "
		    "limit", JSON_MAXDIGITS, js->edigits);
		return FORM_PARSE;
	case JE_DEEP:
		form_msg(msg, msgsz, "JSON parse error - maximum recursion "
		    "depth exceeded while decoding a JSON %s from a unicode "
		    "string", js->emsg);
		return FORM_PARSE;
	case JE_OK:
	case JE_NOMEM:
		break;
	}
	form_msg(msg, msgsz, "out of memory");
	return FORM_NOMEM;
}

/*
 * json-c over t[vs, ve) (strict, UTF-8 validated, explicit length).  A
 * number or literal at the very end needs the terminating NUL json-c waits
 * for; it is fed from a constant, never read from the text.  Returns 0
 * and the object in *obj (the caller puts it; NULL is also json null), -1
 * with *jerr when json-c rejects the text, -2 when out of memory.
 */
static int
jc_parse(const char *t, size_t vs, size_t ve, struct json_object **obj,
    enum json_tokener_error *jerr)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	int			 rc = -1;

	*obj = NULL;
	*jerr = json_tokener_error_size;
	if (ve - vs > INT32_MAX)
		return -1;
	if ((tok = json_tokener_new_ex(JSON_MAXDEPTH + 2)) == NULL)
		return -2;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, t + vs, (int)(ve - vs));
	*jerr = json_tokener_get_error(tok);
	if (*jerr == json_tokener_success &&
	    json_tokener_get_parse_end(tok) != ve - vs) {
		*jerr = json_tokener_error_parse_unexpected;
		goto out;
	}
	if (*jerr == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, "", 1);
		*jerr = json_tokener_get_error(tok);
	}
	if (*jerr != json_tokener_success)
		goto out;
	*obj = o;
	o = NULL;
	rc = 0;
out:
	json_object_put(o);
	json_tokener_free(tok);
	return rc;
}

/*
 * json-c frees its strings without wiping them: wipe the text of o when it
 * is a string, and of its members' strings when it is an object (the
 * fields, passwords among them), before json_object_put().
 */
static void
jc_wipe(struct json_object *o)
{
	struct json_object_iterator	 it, end;

	if (o == NULL)
		return;
	if (json_object_is_type(o, json_type_string)) {
		explicit_bzero((void *)(uintptr_t)json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	end = json_object_iter_end(o);
	for (it = json_object_iter_begin(o); !json_object_iter_equal(&it, &end);
	    json_object_iter_next(&it))
		if (json_object_is_type(json_object_iter_peek_value(&it), json_type_string))
			jc_wipe(json_object_iter_peek_value(&it));
}

/* The Python value of a top-level member: kind and str() of numbers. */
static int
js_value(struct form *f, const struct jscan *js, const struct jmember *m,
    char *msg, size_t msgsz)
{
	struct json_object	*o = NULL;
	enum json_tokener_error	 jerr;
	struct buf		 lit = BUF_INIT, str = BUF_INIT;
	struct val		 v;
	const char		*t = js->t + m->vs;
	size_t			 n = m->ve - m->vs;
	char			 fl[32];
	int			 rc = -1, len;

	memset(&v, 0, sizeof(v));
	switch (t[0]) {
	case '"':
		if ((rc = jc_parse(js->t, m->vs, m->ve, &o, &jerr)) == -2) {
			rc = -1;
			goto out;
		}
		if (rc == -1 || !json_object_is_type(o, json_type_string)) {
			form_msg(msg, msgsz, "JSON parse error - %s",
			    json_tokener_error_desc(jerr));
			rc = 1;
			goto out;
		}
		v.kind = V_STR;
		v.s = json_object_get_string(o);
		v.len = (size_t)json_object_get_string_len(o);
		v.surrogate = m->surrogate;
		break;
	case '{':
	case '[':
		v.kind = t[0] == '{' ? V_DICT : V_LIST;
		break;
	case 't':
	case 'f':
		v.kind = V_BOOL;
		v.b = t[0] == 't';
		v.num = v.b;
		v.s = v.b ? "True" : "False";
		v.len = strlen(v.s);
		break;
	case 'n':
		v.kind = V_NULL;
		v.s = "None";
		v.len = 4;
		break;
	default:
		/* A number: str() from the literal, as Python's int/float. */
		if (buf_add(&lit, t, n) == -1)
			goto out;
		v.num = strtod(lit.p, NULL);
		if (memchr(t, '.', n) != NULL || memchr(t, 'e', n) != NULL ||
		    memchr(t, 'E', n) != NULL) {
			v.kind = V_FLOAT;
			if ((len = py_float_repr(v.num, fl, sizeof(fl))) < 0)
				goto out;
			v.s = fl;
			v.len = (size_t)len;
		} else {
			v.kind = V_INT;
			if (py_int_literal_str(t, n, &str) == -1)
				goto out;
			v.s = str.p;
			v.len = str.len;
		}
		break;
	}
	rc = form_add(f, js->keys.p != NULL ? js->keys.p + m->koff : "",
	    m->klen, &v);
out:
	jc_wipe(o);
	json_object_put(o);
	buf_free(&lit);
	buf_free(&str);
	return rc;
}

/*
 * JSONParser: codecs.getreader(cs)(body).read(), then json.load() with
 * DRF's strict_constant.  Decoding and syntax errors become "JSON parse
 * error - ..." (FORM_PARSE).
 */
enum form_rc
form_json(struct form *f, const struct pycodec *cs, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	struct jscan		 js;
	struct buf		 text = BUF_INIT;
	struct charset_err	 e;
	struct json_object	*doc = NULL;
	enum json_tokener_error	 jerr;
	enum form_rc		 rc = FORM_NOMEM;
	size_t			 i;
	int			 r;

	memset(&js, 0, sizeof(js));
	if ((r = charset_decode(cs, body, len, CHARSET_STREAM, &text,
	    &e)) == -1)
		goto out;
	if (r == 1) {
		charset_strerror(&e, "JSON parse error - ", msg, msgsz);
		rc = FORM_PARSE;
		goto out;
	}
	js.t = text.p != NULL ? text.p : "";
	js.n = text.len;
	if (js_scan(&js) == -1) {
		rc = js_error(&js, msg, msgsz);
		goto out;
	}
	if (!buf_ok(&js.keys))
		goto out;

	/* json-c builds the document; it must agree with the checker. */
	if ((r = jc_parse(js.t, 0, js.n, &doc, &jerr)) != 0) {
		if (r == -2)
			goto out;
		form_msg(msg, msgsz, "JSON parse error - %s",
		    json_tokener_error_desc(jerr));
		rc = FORM_PARSE;
		goto out;
	}
	switch (json_object_get_type(doc)) {
	case json_type_null:
		f->top = V_NULL;
		break;
	case json_type_boolean:
		f->top = V_BOOL;
		break;
	case json_type_int:
		f->top = V_INT;
		break;
	case json_type_double:
		f->top = V_FLOAT;
		break;
	case json_type_string:
		f->top = V_STR;
		break;
	case json_type_array:
		f->top = V_LIST;
		break;
	case json_type_object:
		f->top = V_DICT;
		break;
	}
	/*
	 * json-c parses "1.0" and "1e2" as doubles and "1" as an int, as
	 * Python does; but the kind follows the literal in any case.
	 */
	if (f->top == V_INT || f->top == V_FLOAT) {
		for (i = 0; i < js.n; i++)
			if (js.t[i] == '.' || js.t[i] == 'e' || js.t[i] == 'E')
				break;
		f->top = i < js.n ? V_FLOAT : V_INT;
	}
	/*
	 * Members come from the checker's ranges, their values from json-c
	 * one by one: json-c's own object keys stop at an escaped NUL, which
	 * could merge distinct Python keys.
	 */
	for (i = 0; f->top == V_DICT && i < js.nm; i++)
		if ((r = js_value(f, &js, &js.m[i], msg, msgsz)) != 0) {
			rc = r == 1 ? FORM_PARSE : FORM_NOMEM;
			goto out;
		}
	rc = FORM_OK;
out:
	if (rc == FORM_NOMEM && msg != NULL && msgsz > 0 && msg[0] == '\0')
		form_msg(msg, msgsz, "out of memory");
	jc_wipe(doc);
	json_object_put(doc);
	buf_free(&text);
	buf_free(&js.keys);
	free(js.m);
	return rc;
}

