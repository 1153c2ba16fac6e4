/*
 * mime.c - media types as Django 3.2 and DRF 3.14 parse and match them
 * (see mime.h).
 *
 * Header bytes are read as WSGI hands them to Django: one byte, one
 * Latin-1 character (PEP 3333).  parse_header() works on the UTF-8
 * encoding of that str, but every delimiter it looks for is ASCII, so the
 * code below scans the raw bytes and converts to UTF-8 only what it keeps
 * (parameter values).  Values are therefore always UTF-8 here.
 *
 * Where Python raises (a non-ASCII type or parameter name, an RFC 2231
 * value that is not charset'lang'text, an unknown charset) the original
 * answered 500.  Here such a header is unusable: mime_parse() sets
 * truncated, nothing matches it, mime_negotiate() returns -1 and
 * mime_select_parser() MIME_PARSER_NONE.  RFC 2231 values are decoded
 * for the utf-8, latin-1 and ascii codecs (every name Python has for
 * them); another charset Python knows (cp1252, utf-16, ...) is taken as
 * unknown, the one knowing difference.
 *
 * Inside the module nothing has a size limit (struct hdr); only
 * mime_parse() copies into struct mime's fixed fields.
 */
#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "pyrt.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* CPython 3.11's default sys.get_int_max_str_digits(). */
#define INT_MAX_STR_DIGITS	4300

/* How the bytes of a string are to be read. */
enum henc {
	HE_LATIN1,	/* a request header: each byte one character */
	HE_UTF8		/* a string of the program's own (renderer types) */
};

/* What a parse gives. */
enum hrc {
	H_OK = 0,
	H_RAISE = -1,	/* Python raises (UnicodeDecodeError, ValueError, LookupError) */
	H_NOMEM = -2	/* allocation failed */
};

/* One entry of parse_header's pdict: offsets into hdr.store. */
struct hparam {
	size_t	 name, namelen;
	size_t	 val, vallen;
};

/*
 * parse_header(line) without size limits.  The key comes first in store;
 * p is the dict in insertion order, each name holding its last value.
 */
struct hdr {
	struct buf	 store;		/* key, names and values, UTF-8 */
	size_t		 typelen;	/* key at store.p[0..typelen) */
	size_t		 mainlen;	/* up to the first '/', or typelen */
	struct hparam	*p;
	size_t		 np, cap;
};

/* Charsets an RFC 2231 value may name, and how to decode with them. */
enum cset {
	CS_NONE,	/* unknown to us: treated as LookupError */
	CS_UTF8,
	CS_LATIN1,
	CS_ASCII
};

/*
 * Python's names of the three codecs, as encodings.search_function()
 * finds them: every alias in encodings.aliases (alias 1) and the module
 * names (alias 0).  gen_mime.py writes the list.
 */
static const struct {
	const char	*name;
	enum cset	 cs;
	int		 alias;
} csets[] = {
	/* BEGIN GENERATED charsets by tests/unit/gen_mime.py; do not edit. */
	{ "646", CS_ASCII, 1 },
	{ "8859", CS_LATIN1, 1 },
	{ "ansi_x3.4_1968", CS_ASCII, 1 },
	{ "ansi_x3.4_1986", CS_ASCII, 1 },
	{ "ansi_x3_4_1968", CS_ASCII, 1 },
	{ "ascii", CS_ASCII, 0 },
	{ "cp367", CS_ASCII, 1 },
	{ "cp65001", CS_UTF8, 1 },
	{ "cp819", CS_LATIN1, 1 },
	{ "csascii", CS_ASCII, 1 },
	{ "csisolatin1", CS_LATIN1, 1 },
	{ "ibm367", CS_ASCII, 1 },
	{ "ibm819", CS_LATIN1, 1 },
	{ "iso646_us", CS_ASCII, 1 },
	{ "iso8859", CS_LATIN1, 1 },
	{ "iso8859_1", CS_LATIN1, 1 },
	{ "iso_646.irv_1991", CS_ASCII, 1 },
	{ "iso_8859_1", CS_LATIN1, 1 },
	{ "iso_8859_1_1987", CS_LATIN1, 1 },
	{ "iso_ir_100", CS_LATIN1, 1 },
	{ "iso_ir_6", CS_ASCII, 1 },
	{ "l1", CS_LATIN1, 1 },
	{ "latin", CS_LATIN1, 1 },
	{ "latin1", CS_LATIN1, 1 },
	{ "latin_1", CS_LATIN1, 0 },
	{ "u8", CS_UTF8, 1 },
	{ "us", CS_ASCII, 1 },
	{ "us_ascii", CS_ASCII, 1 },
	{ "utf", CS_UTF8, 1 },
	{ "utf8", CS_UTF8, 1 },
	{ "utf8_ucs2", CS_UTF8, 1 },
	{ "utf8_ucs4", CS_UTF8, 1 },
	{ "utf_8", CS_UTF8, 0 },
	/* END GENERATED charsets */
};

/*
 * The zero of every run of Unicode decimal digits (str.isdecimal, as
 * int() reads them), sorted; each run is ten code points long.
 */
static const uint32_t dec_zeros[] = {
	/* BEGIN GENERATED digits by tests/unit/gen_mime.py; do not edit. */
	0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6,
	0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0,
	0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
	0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900,
	0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066,
	0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0,
	0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0,
	0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
	0x1e950, 0x1fbf0,
	/* END GENERATED digits */
};

/* bytes.strip()'s whitespace: ASCII space, \t, \n, \v, \f, \r. */
static int
bspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* str.isspace() of one Latin-1 character (a byte of a header). */
static int
lat1_space(unsigned char c)
{
	return bspace(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0;
}

/* str.isspace() of a code point. */
static int
py_space(uint32_t cp)
{
	if (cp < 0x100)
		return lat1_space((unsigned char)cp);
	return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

/* The decimal value of code point cp as int() reads it, or -1. */
static int
py_decimal(uint32_t cp)
{
	size_t	 lo = 0, hi = NELEMS(dec_zeros), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (dec_zeros[mid] <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || cp - dec_zeros[lo - 1] > 9)
		return -1;
	return (int)(cp - dec_zeros[lo - 1]);
}

/* bytes.strip() of s[0..*n): returns the start, *n the new length. */
static const char *
bstrip(const char *s, size_t *n)
{
	size_t	 len = *n;

	while (len > 0 && bspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && bspace((unsigned char)s[len - 1]))
		len--;
	*n = len;
	return s;
}

/*
 * Length of the UTF-8 sequence at s[i] (i < n) as CPython's decoder sees
 * it: *ok is 1 and the sequence's length for a valid code point, else 0
 * and the length of the maximal invalid subpart (one U+FFFD).
 */
static size_t
u8_seq(const unsigned char *s, size_t n, size_t i, int *ok, uint32_t *cp)
{
	unsigned char	 c = s[i], lo, hi;
	size_t		 need, k;
	uint32_t	 v;

	*ok = 0;
	if (c < 0x80) {
		*ok = 1;
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 1;
	need = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	v = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
	/* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
	lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	for (k = 1; k < need; k++) {
		if (i + k >= n)
			return k;
		if (k == 1 ? (s[i + k] < lo || s[i + k] > hi) :
		    (s[i + k] & 0xc0) != 0x80)
			return k;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	*ok = 1;
	*cp = v;
	return need;
}

/* Append one Latin-1 character as UTF-8. */
static int
put_lat1(struct buf *b, unsigned char c)
{
	unsigned char	 u[2];

	if (c < 0x80)
		return buf_add(b, &c, 1);
	u[0] = (unsigned char)(0xc0 | (c >> 6));
	u[1] = (unsigned char)(0x80 | (c & 0x3f));
	return buf_add(b, u, 2);
}

/* Append s[0..n), read in encoding enc, as UTF-8. */
static int
put_text(struct buf *b, const char *s, size_t n, enum henc enc)
{
	size_t	 i, run;

	if (enc == HE_UTF8)
		return buf_add(b, s, n);
	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && (unsigned char)s[i + run] < 0x80; run++)
			continue;
		if (run == 0) {
			if (put_lat1(b, (unsigned char)s[i]) == -1)
				return -1;
			run = 1;
		} else if (buf_add(b, s + i, run) == -1)
			return -1;
	}
	return 0;
}

/* bytes.decode(cs, 'replace') of s[0..n), appended as UTF-8. */
static int
put_decoded(struct buf *b, const char *s, size_t n, enum cset cs)
{
	static const char	 rep[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, len;
	uint32_t		 cp;
	int			 ok;

	for (i = 0; i < n; i += len) {
		len = 1;
		if (u[i] < 0x80)
			ok = 1;
		else if (cs == CS_LATIN1) {
			if (put_lat1(b, u[i]) == -1)
				return -1;
			continue;
		} else if (cs == CS_ASCII)
			ok = 0;
		else
			len = u8_seq(u, n, i, &ok, &cp);
		if (buf_add(b, ok ? s + i : rep, ok ? len : 3) == -1)
			return -1;
	}
	return 0;
}

/*
 * The codec Python's bytes.decode(name) finds, for the three we know.
 * The name is normalised as _Py_normalize_encoding() does (ASCII letters
 * lower-cased, digits and '.' kept, every run of other bytes, non-ASCII
 * included, one '_' between them), then looked up as a module or an alias
 * and, with '.' read as '_', as an alias.  A NUL raises ValueError.
 */
static enum cset
cset_lookup(const char *s, size_t n)
{
	char		 norm[32], alt[32];
	size_t		 i, j;

	/* Longer than any name we know, or raising: no match. */
	if (py_normalize_encoding(s, n, norm, sizeof(norm)) == -1)
		return CS_NONE;
	j = strlen(norm);
	for (i = 0; i <= j; i++)
		alt[i] = norm[i] == '.' ? '_' : norm[i];
	for (i = 0; i < NELEMS(csets); i++)
		if (strcmp(csets[i].name, norm) == 0)
			return csets[i].cs;
	for (i = 0; i < NELEMS(csets); i++)
		if (csets[i].alias && strcmp(csets[i].name, alt) == 0)
			return csets[i].cs;
	return CS_NONE;
}

/*
 * urllib.parse.unquote(s, encoding=charset) of the RFC 2231 text s[0..n)
 * (read in enc), appended as UTF-8: each run of ASCII characters is
 * percent-decoded to bytes and decoded with the charset ('replace'),
 * other characters are kept.  H_RAISE for a charset Python would not find.
 */
static enum hrc
put_unquoted(struct buf *b, const char *s, size_t n, enum henc enc,
    const char *cs, size_t csn, struct buf *tmp)
{
	enum cset	 c;
	size_t		 i, run;
	int		 h1, h2;

	if (memchr(s, '%', n) == NULL)
		return put_text(b, s, n, enc) == -1 ? H_NOMEM : H_OK;
	if ((c = cset_lookup(cs, csn)) == CS_NONE)
		return H_RAISE;
	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && (unsigned char)s[i + run] >= 0x80; run++)
			continue;
		if (run > 0) {
			if (put_text(b, s + i, run, enc) == -1)
				return H_NOMEM;
			continue;
		}
		/* unquote_to_bytes() of one ASCII run. */
		buf_reset(tmp);
		for (; i + run < n && (unsigned char)s[i + run] < 0x80; run++) {
			if (s[i + run] == '%' && i + run + 2 < n &&
			    (h1 = py_hexdigit((unsigned char)s[i + run + 1])) >= 0 &&
			    (h2 = py_hexdigit((unsigned char)s[i + run + 2])) >= 0) {
				(void)buf_putc(tmp, h1 * 16 + h2);
				run += 2;
			} else
				(void)buf_putc(tmp, s[i + run]);
		}
		if (!buf_ok(tmp) || put_decoded(b, buf_str(tmp), tmp->len, c) == -1)
			return H_NOMEM;
	}
	return H_OK;
}

/*
 * A quoted value's inside, as parse_header unescapes it: first every
 * "\\\\" becomes "\\", then, in what that left, every "\\\"" becomes '"'.
 */
static void
unescape(struct buf *out, const char *s, size_t n)
{
	size_t	 i;
	int	 bs = 0;	/* second pass: a backslash is pending */
	char	 c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '\\' && i + 1 < n && s[i + 1] == '\\')
			i++;
		if (bs) {
			bs = 0;
			if (c == '"') {
				(void)buf_putc(out, '"');
				continue;
			}
			(void)buf_putc(out, '\\');
		}
		if (c == '\\')
			bs = 1;
		else
			(void)buf_putc(out, c);
	}
	if (bs)
		(void)buf_putc(out, '\\');
}

/* Index of parameter name[0..n) in h, or -1. */
static ssize_t
hdr_find(const struct hdr *h, const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < h->np; i++)
		if (h->p[i].namelen == n &&
		    memcmp(buf_str(&h->store) + h->p[i].name, name, n) == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * One segment p[0..n) after the key, as parse_header's loop body: ignored
 * without '='; else name (stripped, lower-cased, ASCII only) and value
 * (stripped, unquoted, RFC 2231 decoded for "name*=") into the dict.
 */
static enum hrc
hdr_param(struct hdr *h, const char *p, size_t n, enum henc enc,
    struct buf *tmp, struct buf *tmp2)
{
	const char	*eq, *name, *val, *q1, *q2, *txt;
	size_t		 namelen, vallen, i, nq = 0, off, vstart;
	ssize_t		 k;
	enum hrc	 rc;
	int		 has_enc = 0;
	struct hparam	*np;

	p = bstrip(p, &n);
	if ((eq = memchr(p, '=', n)) == NULL)
		return H_OK;
	namelen = (size_t)(eq - p);
	name = bstrip(p, &namelen);
	for (i = 0; i < namelen; i++)
		if ((unsigned char)name[i] >= 0x80)
			return H_RAISE;
	if (namelen > 0 && name[namelen - 1] == '*') {
		namelen--;
		for (i = 0; i < n; i++)
			nq += p[i] == '\'';
		has_enc = nq == 2;
	}
	vallen = n - (size_t)(eq - p) - 1;
	val = bstrip(eq + 1, &vallen);

	buf_reset(tmp);
	if (vallen >= 2 && val[0] == '"' && val[vallen - 1] == '"')
		unescape(tmp, val + 1, vallen - 2);
	else
		(void)buf_add(tmp, val, vallen);
	if (!buf_ok(tmp))
		return H_NOMEM;

	/* The name, lower-cased, then the value, both into store. */
	off = h->store.len;
	for (i = 0; i < namelen; i++)
		(void)buf_putc(&h->store, name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	vstart = h->store.len;
	txt = buf_str(tmp);
	if (has_enc) {
		/* encoding, lang, value = value.split(b"'") */
		if ((q1 = memchr(txt, '\'', tmp->len)) == NULL ||
		    (q2 = memchr(q1 + 1, '\'', tmp->len - (size_t)(q1 + 1 - txt))) == NULL ||
		    memchr(q2 + 1, '\'', tmp->len - (size_t)(q2 + 1 - txt)) != NULL)
			return H_RAISE;
		rc = put_unquoted(&h->store, q2 + 1, tmp->len - (size_t)(q2 + 1 - txt),
		    enc, txt, (size_t)(q1 - txt), tmp2);
		if (rc != H_OK)
			return rc;
	} else
		(void)put_text(&h->store, txt, tmp->len, enc);
	if (!buf_ok(&h->store))
		return H_NOMEM;

	/* pdict[name] = value: a known name keeps its place. */
	if ((k = hdr_find(h, buf_str(&h->store) + off, namelen)) >= 0) {
		h->p[k].val = vstart;
		h->p[k].vallen = h->store.len - vstart;
		return H_OK;
	}
	if (h->np == h->cap) {
		if (h->cap > SIZE_MAX / 2 / sizeof(*np))
			return H_NOMEM;
		if ((np = reallocarray(h->p, h->cap ? h->cap * 2 : 8,
		    sizeof(*np))) == NULL)
			return H_NOMEM;
		h->p = np;
		h->cap = h->cap ? h->cap * 2 : 8;
	}
	h->p[h->np].name = off;
	h->p[h->np].namelen = namelen;
	h->p[h->np].val = vstart;
	h->p[h->np].vallen = h->store.len - vstart;
	h->np++;
	return H_OK;
}

/*
 * _parse_header_params: where the segment starting at s[start] ends.  A
 * ';' ends it when an even number of '"' precede it in the segment, or
 * when it is the segment's first character.
 */
static size_t
seg_end(const char *s, size_t n, size_t start)
{
	size_t	 i, quotes = 0;

	for (i = start; i < n; i++) {
		if (s[i] == ';' && (i == start || quotes % 2 == 0))
			return i;
		if (s[i] == '"')
			quotes++;
	}
	return n;
}

/* Release what hdr_parse() allocated; h may be zeroed or half-built. */
static void
hdr_free(struct hdr *h)
{
	buf_free(&h->store);
	free(h->p);
	h->p = NULL;
	h->np = h->cap = 0;
}

/*
 * parse_header(s[0..n)) into h (always to be released with hdr_free):
 * the key stripped and lower-cased, then every "name=value" segment.
 */
static enum hrc
hdr_parse(struct hdr *h, const char *s, size_t n, enum henc enc)
{
	struct buf	 tmp = BUF_INIT, tmp2 = BUF_INIT;
	const char	*key, *slash;
	size_t		 end, keylen, i;
	enum hrc	 rc = H_OK;

	memset(h, 0, sizeof(*h));
	end = seg_end(s, n, 0);
	keylen = end;
	key = bstrip(s, &keylen);
	for (i = 0; i < keylen; i++) {
		if ((unsigned char)key[i] >= 0x80) {
			rc = H_RAISE;
			goto out;
		}
		(void)buf_putc(&h->store, key[i] >= 'A' && key[i] <= 'Z' ?
		    key[i] + 32 : key[i]);
	}
	if (!buf_ok(&h->store)) {
		rc = H_NOMEM;
		goto out;
	}
	h->typelen = keylen;
	slash = keylen > 0 ? memchr(buf_str(&h->store), '/', keylen) : NULL;
	h->mainlen = slash != NULL ? (size_t)(slash - buf_str(&h->store)) : keylen;
	while (end < n) {
		i = end + 1;
		end = seg_end(s, n, i);
		if ((rc = hdr_param(h, s + i, end - i, enc, &tmp, &tmp2)) != H_OK)
			goto out;
	}
out:
	buf_free(&tmp);
	buf_free(&tmp2);
	return rc;
}

/* The key's main type (before the first '/'). */
static const char *
hdr_main(const struct hdr *h, size_t *len)
{
	*len = h->mainlen;
	return buf_str(&h->store);
}

/* The key's subtype (after the first '/'; "" without one). */
static const char *
hdr_sub(const struct hdr *h, size_t *len)
{
	if (h->mainlen >= h->typelen) {
		*len = 0;
		return "";
	}
	*len = h->typelen - h->mainlen - 1;
	return buf_str(&h->store) + h->mainlen + 1;
}

/* s[0..n) is the wildcard "*". */
static int
is_star(const char *s, size_t n)
{
	return n == 1 && *s == '*';
}

/* _MediaType.precedence. */
static int
hdr_precedence(const struct hdr *h)
{
	const char	*s;
	size_t		 n;

	s = hdr_main(h, &n);
	if (is_star(s, n))
		return 0;
	s = hdr_sub(h, &n);
	if (is_star(s, n))
		return 1;
	if (h->np == 0 || (h->np == 1 && h->p[0].namelen == 1 &&
	    buf_str(&h->store)[h->p[0].name] == 'q'))
		return 2;
	return 3;
}

/* _MediaType(lhs).match(_MediaType(rhs)). */
static int
hdr_match(const struct hdr *l, const struct hdr *r)
{
	const char	*ls, *rs;
	size_t		 ln, rn, i;
	ssize_t		 k;

	for (i = 0; i < l->np; i++) {
		ls = buf_str(&l->store) + l->p[i].name;
		if (l->p[i].namelen == 1 && *ls == 'q')
			continue;
		if ((k = hdr_find(r, ls, l->p[i].namelen)) < 0 ||
		    r->p[k].vallen != l->p[i].vallen ||
		    memcmp(buf_str(&r->store) + r->p[k].val, buf_str(&l->store) + l->p[i].val,
		    l->p[i].vallen) != 0)
			return 0;
	}
	ls = hdr_sub(l, &ln);
	rs = hdr_sub(r, &rn);
	if (!is_star(ls, ln) && !is_star(rs, rn) &&
	    (ln != rn || memcmp(ls, rs, ln) != 0))
		return 0;
	ls = hdr_main(l, &ln);
	rs = hdr_main(r, &rn);
	if (!is_star(ls, ln) && !is_star(rs, rn) &&
	    (ln != rn || memcmp(ls, rs, ln) != 0))
		return 0;
	return 1;
}

/*
 * int(s) on the UTF-8 text s[0..n), clamped to 0..8 into *v as
 * max(min(int(s), 8), 0).  int() maps Unicode spaces to ' ' and decimal
 * digits to ASCII digits (any other non-ASCII character is an error),
 * then reads ASCII: whitespace (\t..\r, space), a sign, digits with single
 * underscores between them, whitespace.  Returns 0, or -1 for ValueError.
 */
static int
py_int_clamped(const char *s, size_t n, int *v)
{
	const unsigned char	*u = (const unsigned char *)s;
	enum { LEAD, SIGN, DIGIT, UNDER, TRAIL } st = LEAD;
	size_t			 i = 0, len, ndigits = 0;
	uint32_t		 cp;
	int			 ok, d, neg = 0, val = 0, c;

	while (i < n) {
		len = u8_seq(u, n, i, &ok, &cp);
		if (!ok)
			return -1;
		i += len;
		/* _PyUnicode_TransformDecimalAndSpaceToASCII */
		if (cp < 127)
			c = (int)cp;
		else if (py_space(cp))
			c = ' ';
		else if ((d = py_decimal(cp)) >= 0)
			c = '0' + d;
		else
			return -1;
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (st == LEAD || st == TRAIL)
				continue;
			if (st != DIGIT)
				return -1;
			st = TRAIL;
		} else if (c >= '0' && c <= '9') {
			if (st == TRAIL)
				return -1;
			st = DIGIT;
			ndigits++;
			val = val * 10 + (c - '0');
			if (val > 9)
				val = 9;
		} else if (c == '_') {
			if (st != DIGIT)
				return -1;
			st = UNDER;
		} else if ((c == '+' || c == '-') && st == LEAD) {
			neg = c == '-';
			st = SIGN;
		} else
			return -1;
	}
	if (st != DIGIT && st != TRAIL)
		return -1;
	if (ndigits > INT_MAX_STR_DIGITS)
		return -1;
	*v = neg ? 0 : val > 8 ? 8 : val;
	return 0;
}

/* JSONRenderer.get_indent on a parsed accepted media type: 0 for none. */
static int
hdr_indent(const struct hdr *h)
{
	ssize_t	 k;
	int	 v;

	if ((k = hdr_find(h, "indent", 6)) < 0 ||
	    py_int_clamped(buf_str(&h->store) + h->p[k].val, h->p[k].vallen, &v) == -1)
		return 0;
	return v;
}

/*
 * The accepted media type when the renderer is more specific than the
 * request's: "renderer;k=v;..." with the request's parameters, parsed
 * again by get_indent.  Returns its indent (>= 0) or an hrc.
 */
static int
joined_indent(const char *renderer, const struct hdr *t)
{
	struct buf	 b = BUF_INIT;
	struct hdr	 j;
	size_t		 i;
	int		 rc;

	memset(&j, 0, sizeof(j));
	(void)buf_puts(&b, renderer);
	for (i = 0; i < t->np; i++) {
		(void)buf_putc(&b, ';');
		(void)buf_add(&b, buf_str(&t->store) + t->p[i].name, t->p[i].namelen);
		(void)buf_putc(&b, '=');
		(void)buf_add(&b, buf_str(&t->store) + t->p[i].val, t->p[i].vallen);
	}
	if (!buf_ok(&b)) {
		rc = H_NOMEM;
		goto out;
	}
	if ((rc = hdr_parse(&j, buf_str(&b), b.len, HE_UTF8)) != H_OK)
		goto out;
	rc = hdr_indent(&j);
out:
	hdr_free(&j);
	buf_free(&b);
	return rc;
}

/*
 * parse_header(s) into m's fixed fields.  Where Python raises, or a type,
 * name or value does not fit (or a value holds a NUL), truncated is set;
 * a parameter that does not fit is left out rather than cut.
 */
void
mime_parse(const char *s, struct mime *m)
{
	struct hdr	 h;
	size_t		 i, nl, vl;
	const char	*nm, *vv;

	memset(m, 0, sizeof(*m));
	m->main = m->sub = m->typebuf;
	if (hdr_parse(&h, s, strlen(s), HE_LATIN1) != H_OK ||
	    h.typelen >= sizeof(m->typebuf)) {
		m->truncated = 1;
		goto out;
	}
	memcpy(m->typebuf, buf_str(&h.store), h.typelen);
	m->typebuf[h.typelen] = '\0';
	m->mainlen = h.mainlen;
	if (h.mainlen < h.typelen) {
		m->sub = m->typebuf + h.mainlen + 1;
		m->sublen = h.typelen - h.mainlen - 1;
	} else
		m->sub = m->typebuf + h.typelen;
	for (i = 0; i < h.np; i++) {
		nm = buf_str(&h.store) + h.p[i].name;
		nl = h.p[i].namelen;
		vv = buf_str(&h.store) + h.p[i].val;
		vl = h.p[i].vallen;
		/* A parameter that does not fit (or holds a NUL) is left out. */
		if (m->nparams == MIME_MAXPARAMS ||
		    nl >= sizeof(m->params[0].name) ||
		    vl >= sizeof(m->params[0].value) || memchr(vv, '\0', vl) != NULL) {
			m->truncated = 1;
			continue;
		}
		memcpy(m->params[m->nparams].name, nm, nl);
		m->params[m->nparams].name[nl] = '\0';
		memcpy(m->params[m->nparams].value, vv, vl);
		m->params[m->nparams].value[vl] = '\0';
		m->nparams++;
	}
out:
	hdr_free(&h);
}

/* pdict.get(name) among the parameters m kept. */
const char *
mime_param(const struct mime *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return m->params[i].value;
	return NULL;
}

/* media_type_matches: lhs is the program's own type, rhs a header. */
int
mime_matches(const char *lhs, const char *rhs)
{
	struct hdr	 l, r;
	int		 ok = 0;

	memset(&r, 0, sizeof(r));
	if (hdr_parse(&l, lhs, strlen(lhs), HE_UTF8) != H_OK ||
	    hdr_parse(&r, rhs, strlen(rhs), HE_LATIN1) != H_OK)
		goto out;
	ok = hdr_match(&l, &r);
out:
	hdr_free(&l);
	hdr_free(&r);
	return ok;
}

/* _MediaType(s).precedence; -1 where Python raises. */
int
mime_precedence(const char *s)
{
	struct hdr	 h;
	int		 p = -1;

	if (hdr_parse(&h, s, strlen(s), HE_LATIN1) == H_OK)
		p = hdr_precedence(&h);
	hdr_free(&h);
	return p;
}

/*
 * get_accept_list, order_by_precedence and the loops of select_renderer.
 * Inside one precedence the media types are tried in header order (a
 * Python set has none; the renderer chosen is the same either way).
 */
int
mime_negotiate(const char *accept, const char *const *renderers, size_t n,
    int *indent)
{
	struct hdr	*th = NULL, *rh = NULL;
	int		*tp = NULL, *rp = NULL;
	size_t		 nt = 1, ntp = 0, nrp = 0, i, j, start, end, len;
	const char	*tok;
	int		 prec, found = -1, ind = 0;

	if (accept == NULL)
		accept = "*/*";
	if (indent != NULL)
		*indent = 0;
	for (i = 0; accept[i] != '\0'; i++)
		nt += accept[i] == ',';
	if ((th = calloc(nt, sizeof(*th))) == NULL ||
	    (tp = calloc(nt, sizeof(*tp))) == NULL ||
	    (rh = calloc(n + 1, sizeof(*rh))) == NULL ||
	    (rp = calloc(n + 1, sizeof(*rp))) == NULL)
		goto out;

	/* header.split(','), each token str.strip()ped, each a _MediaType. */
	for (start = 0; ntp < nt; start = end + 1) {
		for (end = start; accept[end] != '\0' && accept[end] != ','; end++)
			continue;
		tok = accept + start;
		len = end - start;
		while (len > 0 && lat1_space((unsigned char)*tok)) {
			tok++;
			len--;
		}
		while (len > 0 && lat1_space((unsigned char)tok[len - 1]))
			len--;
		if (hdr_parse(&th[ntp], tok, len, HE_LATIN1) != H_OK) {
			ntp++;
			goto out;
		}
		tp[ntp] = hdr_precedence(&th[ntp]);
		ntp++;
	}
	for (; nrp < n; nrp++) {
		if (hdr_parse(&rh[nrp], renderers[nrp], strlen(renderers[nrp]),
		    HE_UTF8) != H_OK) {
			nrp++;
			goto out;
		}
		rp[nrp] = hdr_precedence(&rh[nrp]);
	}

	for (prec = 3; prec >= 0 && found < 0; prec--)
		for (j = 0; j < n && found < 0; j++)
			for (i = 0; i < nt && found < 0; i++) {
				if (tp[i] != prec || !hdr_match(&rh[j], &th[i]))
					continue;
				if (rp[j] > tp[i]) {
					if ((ind = joined_indent(renderers[j], &th[i])) < 0)
						goto out;
				} else
					ind = hdr_indent(&th[i]);
				found = (int)j;
			}
	if (found >= 0 && indent != NULL)
		*indent = ind;
out:
	for (i = 0; i < ntp; i++)
		hdr_free(&th[i]);
	for (i = 0; i < nrp; i++)
		hdr_free(&rh[i]);
	free(th);
	free(tp);
	free(rh);
	free(rp);
	return found;
}

/* select_parser over JSONParser, FormParser, MultiPartParser in order. */
enum mime_parser
mime_select_parser(const char *content_type)
{
	static const char *const parsers[] = {
		[MIME_PARSER_JSON] = "application/json",
		[MIME_PARSER_FORM] = "application/x-www-form-urlencoded",
		[MIME_PARSER_MULTIPART] = "multipart/form-data",
	};
	struct hdr		 ct, p;
	enum mime_parser	 sel = MIME_PARSER_NONE;
	size_t			 i;
	int			 ok;

	if (content_type == NULL)
		content_type = "";
	if (hdr_parse(&ct, content_type, strlen(content_type), HE_LATIN1) != H_OK)
		goto out;
	for (i = 0; i < NELEMS(parsers); i++) {
		if (hdr_parse(&p, parsers[i], strlen(parsers[i]), HE_UTF8) != H_OK) {
			hdr_free(&p);
			goto out;
		}
		ok = hdr_match(&p, &ct);
		hdr_free(&p);
		if (ok) {
			sel = (enum mime_parser)i;
			break;
		}
	}
out:
	hdr_free(&ct);
	return sel;
}

/* is_form_media_type: 0 too where Python raises. */
int
mime_is_form(const char *content_type)
{
	struct hdr	 h;
	int		 form = 0;

	if (content_type == NULL)
		content_type = "";
	if (hdr_parse(&h, content_type, strlen(content_type), HE_LATIN1) == H_OK)
		form = (h.typelen == 33 && memcmp(buf_str(&h.store),
		    "application/x-www-form-urlencoded", 33) == 0) ||
		    (h.typelen == 19 && memcmp(buf_str(&h.store), "multipart/form-data", 19) == 0);
	hdr_free(&h);
	return form;
}
