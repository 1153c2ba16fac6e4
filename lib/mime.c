/*
 * mime.c - media types as Django 3.2 and DRF 3.14 parse and match them
 * (see mime.h).
 *
 * Header bytes are read as WSGI hands them to Django: one byte, one
 * Latin-1 character (PEP 3333).  parse_header() works on the UTF-8
 * encoding of that str (what _MediaType passes it); every delimiter it
 * looks for is ASCII.  The one parse_header() below serves that, the part
 * headers of a multipart body (raw bytes) and, in MIME_CGI mode,
 * cgi.parse_header, which Django's HttpRequest reads the charset with.
 *
 * Where Python raises (a non-ASCII type or parameter name, an RFC 2231
 * value that is not charset'lang'text, an unknown charset) the original
 * answered 500.  Here such a header is unusable: mime_parse() sets
 * truncated, nothing matches it, mime_negotiate() returns -1 and the
 * Content-Type selects no parser (415).  RFC 2231 values are decoded with
 * every codec charset.c knows (CPython's whole table).
 *
 * Inside the module nothing has a size limit (struct mime_hdr); only
 * mime_parse() copies into struct mime's fixed fields.
 */
#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "mime.h"
#include "pycompat.h"

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The strip() of the mode on s[0..*n): bytes.strip() (MIME_DJANGO) or
 * str.strip() of UTF-8 text (MIME_CGI).  Returns the start, *n the new
 * length.
 */
static const char *
hstrip(const char *s, size_t *n, enum mime_hmode mode)
{
	size_t	 off;

	if (mode == MIME_CGI)
		py_strip(s, *n, &off, n);
	else
		py_bytes_strip(s, *n, &off, n);
	return s + off;
}

/* Append s[0..n) to b with ASCII letters lower-cased (bytes.lower()). */
static void
put_lower(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		(void)buf_putc(b, s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
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

/*
 * The RFC 2231 value txt[0..n) ("charset'lang'text") as Django decodes it:
 * encoding, lang, value = value.split(b"'"), then unquote(value.decode(),
 * encoding=encoding.decode()), appended to out.  The codec is looked up
 * only when the text has a '%' (unquote returns it as it is otherwise).
 */
static enum mime_hrc
rfc2231(struct buf *out, const char *txt, size_t n)
{
	const struct pycodec	*c;
	const char		*q1, *q2, *v;
	size_t			 vn;

	if ((q1 = memchr(txt, '\'', n)) == NULL ||
	    (q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - txt))) == NULL ||
	    memchr(q2 + 1, '\'', n - (size_t)(q2 + 1 - txt)) != NULL)
		return MIME_H_VALUE;
	v = q2 + 1;
	vn = n - (size_t)(v - txt);
	if (!py_utf8_valid(v, vn) || !py_utf8_valid(txt, (size_t)(q1 - txt)))
		return MIME_H_VALUE;
	if (memchr(v, '%', vn) == NULL)
		return buf_add(out, v, vn) == -1 ? MIME_H_NOMEM : MIME_H_OK;
	if ((c = charset_lookup(txt, (size_t)(q1 - txt))) == NULL)
		return MIME_H_LOOKUP;
	return charset_unquote(v, vn, c, out) == -1 ? MIME_H_NOMEM : MIME_H_OK;
}

/* Index of parameter name[0..n) in h, or -1. */
static ssize_t
hdr_find(const struct mime_hdr *h, const char *name, size_t n)
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
 * without '='; else name (stripped, lower-cased, ASCII only in
 * MIME_DJANGO) and value (stripped, unquoted, RFC 2231 decoded for
 * "name*=" in MIME_DJANGO) into the dict.
 */
static enum mime_hrc
hdr_param(struct mime_hdr *h, const char *p, size_t n, enum mime_hmode mode,
    struct buf *tmp)
{
	const char		*eq, *name, *val;
	size_t			 namelen, vallen, i, nq = 0, off, vstart;
	ssize_t			 k;
	enum mime_hrc		 rc;
	int			 has_enc = 0;
	struct mime_hparam	*np;

	p = hstrip(p, &n, mode);
	if ((eq = memchr(p, '=', n)) == NULL)
		return MIME_H_OK;
	namelen = (size_t)(eq - p);
	name = hstrip(p, &namelen, mode);
	if (mode == MIME_DJANGO && !py_isascii(name, namelen))
		return MIME_H_VALUE;
	if (mode == MIME_DJANGO && namelen > 0 && name[namelen - 1] == '*') {
		namelen--;
		for (i = 0; i < n; i++)
			nq += p[i] == '\'';
		has_enc = nq == 2;
	}
	vallen = n - (size_t)(eq - p) - 1;
	val = hstrip(eq + 1, &vallen, mode);

	buf_reset(tmp);
	if (vallen >= 2 && val[0] == '"' && val[vallen - 1] == '"')
		unescape(tmp, val + 1, vallen - 2);
	else
		(void)buf_add(tmp, val, vallen);
	if (!buf_ok(tmp))
		return MIME_H_NOMEM;

	/* The name, lower-cased, then the value, both into store. */
	off = h->store.len;
	put_lower(&h->store, name, namelen);
	vstart = h->store.len;
	if (has_enc) {
		if ((rc = rfc2231(&h->store, buf_str(tmp), tmp->len)) != MIME_H_OK)
			return rc;
	} else
		(void)buf_add(&h->store, buf_str(tmp), tmp->len);
	if (!buf_ok(&h->store))
		return MIME_H_NOMEM;

	/* pdict[name] = value: a known name keeps its place. */
	if ((k = hdr_find(h, buf_str(&h->store) + off, namelen)) < 0) {
		if (h->np == h->cap) {
			if (h->cap > SIZE_MAX / 2 / sizeof(*np))
				return MIME_H_NOMEM;
			if ((np = reallocarray(h->p, h->cap ? h->cap * 2 : 8,
			    sizeof(*np))) == NULL)
				return MIME_H_NOMEM;
			h->p = np;
			h->cap = h->cap ? h->cap * 2 : 8;
		}
		k = (ssize_t)h->np++;
		h->p[k].name = off;
		h->p[k].namelen = namelen;
	}
	h->p[k].val = vstart;
	h->p[k].vallen = h->store.len - vstart;
	h->p[k].isstr = has_enc;
	return MIME_H_OK;
}

/*
 * _parse_header_params: where the segment starting at s[start] ends.  A
 * ';' ends it when an even number of '"' precede it in the segment, or
 * when it is the segment's first character.  cgi's _parseparam does not
 * count a '"' that follows a backslash.
 */
static size_t
seg_end(const char *s, size_t n, size_t start, enum mime_hmode mode)
{
	size_t	 i, quotes = 0;

	for (i = start; i < n; i++) {
		if (s[i] == ';' && (i == start || quotes % 2 == 0))
			return i;
		if (s[i] == '"' && !(mode == MIME_CGI && i > start &&
		    s[i - 1] == '\\'))
			quotes++;
	}
	return n;
}

/* Release what mime_hdr_parse() allocated. */
void
mime_hdr_free(struct mime_hdr *h)
{
	buf_free(&h->store);
	free(h->p);
	memset(h, 0, sizeof(*h));
}

/* The key, then every "name=value" segment. */
enum mime_hrc
mime_hdr_parse(struct mime_hdr *h, const char *s, size_t n,
    enum mime_hmode mode)
{
	struct buf	 tmp = BUF_INIT;
	const char	*key, *slash;
	size_t		 end, keylen, i;
	enum mime_hrc	 rc = MIME_H_OK;

	memset(h, 0, sizeof(*h));
	end = seg_end(s, n, 0, mode);
	keylen = end;
	key = hstrip(s, &keylen, mode);
	if (mode == MIME_DJANGO) {
		/* plist.pop(0).lower().decode('ascii') */
		if (!py_isascii(key, keylen)) {
			rc = MIME_H_VALUE;
			goto out;
		}
		put_lower(&h->store, key, keylen);
	} else
		(void)buf_add(&h->store, key, keylen);
	if (!buf_ok(&h->store)) {
		rc = MIME_H_NOMEM;
		goto out;
	}
	h->typelen = keylen;
	slash = keylen > 0 ? memchr(buf_str(&h->store), '/', keylen) : NULL;
	h->mainlen = slash != NULL ? (size_t)(slash - buf_str(&h->store)) : keylen;
	while (end < n) {
		i = end + 1;
		end = seg_end(s, n, i, mode);
		if ((rc = hdr_param(h, s + i, end - i, mode, &tmp)) != MIME_H_OK)
			goto out;
	}
out:
	buf_free(&tmp);
	return rc;
}

/* pdict.get(name). */
const char *
mime_hdr_param(const struct mime_hdr *h, const char *name, size_t *len,
    int *isstr)
{
	ssize_t	 k;

	if ((k = hdr_find(h, name, strlen(name))) < 0)
		return NULL;
	*len = h->p[k].vallen;
	if (isstr != NULL)
		*isstr = h->p[k].isstr;
	return buf_str(&h->store) + h->p[k].val;
}

/*
 * parse_header() of a request header's bytes s[0..n): Latin-1 read as the
 * str WSGI gives, encoded to UTF-8 as _MediaType passes it.
 */
static enum mime_hrc
hdr_parse_latin1(struct mime_hdr *h, const char *s, size_t n)
{
	struct buf	 u = BUF_INIT;
	enum mime_hrc	 rc;

	if (py_latin1_to_utf8(s, n, &u) == -1) {
		memset(h, 0, sizeof(*h));
		rc = MIME_H_NOMEM;
	} else
		rc = mime_hdr_parse(h, buf_str(&u), u.len, MIME_DJANGO);
	buf_free(&u);
	return rc;
}

/* The key's main type (before the first '/'). */
static const char *
hdr_main(const struct mime_hdr *h, size_t *len)
{
	*len = h->mainlen;
	return buf_str(&h->store);
}

/* The key's subtype (after the first '/'; "" without one). */
static const char *
hdr_sub(const struct mime_hdr *h, size_t *len)
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
hdr_precedence(const struct mime_hdr *h)
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
hdr_match(const struct mime_hdr *l, const struct mime_hdr *r)
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
 * JSONRenderer.get_indent on a parsed accepted media type:
 * max(min(int(params['indent']), 8), 0), 0 for none or a ValueError.
 */
static int
hdr_indent(const struct mime_hdr *h)
{
	const char	*s;
	size_t		 n;
	int64_t		 v;

	if ((s = mime_hdr_param(h, "indent", &n, NULL)) == NULL ||
	    py_int_parse(s, n, &v) == -1)
		return 0;
	return v < 0 ? 0 : v > 8 ? 8 : (int)v;
}

/*
 * The accepted media type when the renderer is more specific than the
 * request's: "renderer;k=v;..." with the request's parameters, parsed
 * again by get_indent.  Returns its indent (>= 0), or -1 when out of
 * memory or where Python raises.
 */
static int
joined_indent(const char *renderer, const struct mime_hdr *t)
{
	struct buf	 b = BUF_INIT;
	struct mime_hdr	 j;
	size_t		 i;
	int		 rc = -1;

	memset(&j, 0, sizeof(j));
	(void)buf_puts(&b, renderer);
	for (i = 0; i < t->np; i++) {
		(void)buf_putc(&b, ';');
		(void)buf_add(&b, buf_str(&t->store) + t->p[i].name, t->p[i].namelen);
		(void)buf_putc(&b, '=');
		(void)buf_add(&b, buf_str(&t->store) + t->p[i].val, t->p[i].vallen);
	}
	if (buf_ok(&b) &&
	    mime_hdr_parse(&j, buf_str(&b), b.len, MIME_DJANGO) == MIME_H_OK)
		rc = hdr_indent(&j);
	mime_hdr_free(&j);
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
	struct mime_hdr	 h;
	size_t		 i, nl, vl;
	const char	*nm, *vv;

	memset(m, 0, sizeof(*m));
	m->main = m->sub = m->typebuf;
	if (hdr_parse_latin1(&h, s, strlen(s)) != MIME_H_OK ||
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
	mime_hdr_free(&h);
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
	struct mime_hdr	 l, r;
	int		 ok = 0;

	memset(&r, 0, sizeof(r));
	if (mime_hdr_parse(&l, lhs, strlen(lhs), MIME_DJANGO) != MIME_H_OK ||
	    hdr_parse_latin1(&r, rhs, strlen(rhs)) != MIME_H_OK)
		goto out;
	ok = hdr_match(&l, &r);
out:
	mime_hdr_free(&l);
	mime_hdr_free(&r);
	return ok;
}

/* _MediaType(s).precedence; -1 where Python raises. */
int
mime_precedence(const char *s)
{
	struct mime_hdr	 h;
	int		 p = -1;

	if (hdr_parse_latin1(&h, s, strlen(s)) == MIME_H_OK)
		p = hdr_precedence(&h);
	mime_hdr_free(&h);
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
	struct buf	 u = BUF_INIT;
	struct mime_hdr	*th = NULL, *rh = NULL;
	int		*tp = NULL, *rp = NULL;
	size_t		 nt = 1, ntp = 0, nrp = 0, i, j, start, end, off, len;
	const char	*a;
	int		 prec, found = -1, ind = 0;

	if (accept == NULL)
		accept = "*/*";
	if (indent != NULL)
		*indent = 0;
	if (py_latin1_to_utf8(accept, strlen(accept), &u) == -1)
		goto out;
	a = buf_str(&u);
	for (i = 0; i < u.len; i++)
		nt += a[i] == ',';
	if ((th = calloc(nt, sizeof(*th))) == NULL ||
	    (tp = calloc(nt, sizeof(*tp))) == NULL ||
	    (rh = calloc(n + 1, sizeof(*rh))) == NULL ||
	    (rp = calloc(n + 1, sizeof(*rp))) == NULL)
		goto out;

	/* header.split(','), each token str.strip()ped, each a _MediaType. */
	for (start = 0; ntp < nt; start = end + 1) {
		for (end = start; end < u.len && a[end] != ','; end++)
			continue;
		py_strip(a + start, end - start, &off, &len);
		if (mime_hdr_parse(&th[ntp], a + start + off, len,
		    MIME_DJANGO) != MIME_H_OK) {
			ntp++;
			goto out;
		}
		tp[ntp] = hdr_precedence(&th[ntp]);
		ntp++;
	}
	for (; nrp < n; nrp++) {
		if (mime_hdr_parse(&rh[nrp], renderers[nrp],
		    strlen(renderers[nrp]), MIME_DJANGO) != MIME_H_OK) {
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
	for (i = 0; th != NULL && i < ntp; i++)
		mime_hdr_free(&th[i]);
	for (i = 0; rh != NULL && i < nrp; i++)
		mime_hdr_free(&rh[i]);
	free(th);
	free(tp);
	free(rh);
	free(rp);
	buf_free(&u);
	return found;
}

/*
 * select_parser over JSONParser, FormParser, MultiPartParser in order, on
 * a Content-Type parse_header() took.  MIME_PARSER_NONE also when out of
 * memory (*nomem set).
 */
static enum mime_parser
select_parser(const struct mime_hdr *ct, int *nomem)
{
	static const char *const parsers[] = {
		[MIME_PARSER_JSON] = "application/json",
		[MIME_PARSER_FORM] = "application/x-www-form-urlencoded",
		[MIME_PARSER_MULTIPART] = "multipart/form-data",
	};
	struct mime_hdr	 p;
	size_t		 i;
	int		 ok;

	for (i = 0; i < NELEMS(parsers); i++) {
		if (mime_hdr_parse(&p, parsers[i], strlen(parsers[i]),
		    MIME_DJANGO) != MIME_H_OK) {
			mime_hdr_free(&p);
			*nomem = 1;
			return MIME_PARSER_NONE;
		}
		ok = hdr_match(&p, ct);
		mime_hdr_free(&p);
		if (ok)
			return (enum mime_parser)i;
	}
	return MIME_PARSER_NONE;
}

/* is_form_media_type: the base type is a form or multipart type. */
static int
is_form(const struct mime_hdr *h)
{
	return (h->typelen == 33 && memcmp(buf_str(&h->store),
	    "application/x-www-form-urlencoded", 33) == 0) ||
	    (h->typelen == 19 && memcmp(buf_str(&h->store), "multipart/form-data", 19) == 0);
}

/*
 * Django's HttpRequest (the text, the charset through cgi.parse_header and
 * codecs.lookup) and DRF's _MediaType (parse_header, select_parser,
 * is_form_media_type), each once.
 */
int
mime_ctype_parse(struct ctype *ct, const char *content_type)
{
	const struct pycodec	*c;
	struct mime_hdr		 cgi;
	const char		*v;
	size_t			 vn;
	enum mime_hrc		 r;
	int			 nomem = 0, rc = -1;

	memset(ct, 0, sizeof(*ct));
	memset(&cgi, 0, sizeof(cgi));
	ct->raw = content_type != NULL ? content_type : "";
	ct->parser = MIME_PARSER_NONE;
	ct->codec = charset_utf8();
	if (py_latin1_to_utf8(ct->raw, strlen(ct->raw), &ct->text) == -1)
		goto out;
	if ((r = mime_hdr_parse(&ct->h, buf_str(&ct->text), ct->text.len,
	    MIME_DJANGO)) == MIME_H_NOMEM)
		goto out;
	if (r != MIME_H_OK) {
		ct->raises = 1;
		mime_hdr_free(&ct->h);
	} else {
		ct->parser = select_parser(&ct->h, &nomem);
		ct->form = is_form(&ct->h);
		if (nomem)
			goto out;
	}
	if (mime_hdr_parse(&cgi, buf_str(&ct->text), ct->text.len,
	    MIME_CGI) != MIME_H_OK)
		goto out;
	if ((v = mime_hdr_param(&cgi, "charset", &vn, NULL)) != NULL &&
	    (c = charset_lookup(v, vn)) != NULL)
		ct->codec = c;
	rc = 0;
out:
	mime_hdr_free(&cgi);
	return rc;
}

/* Release the text and the parse. */
void
mime_ctype_free(struct ctype *ct)
{
	buf_free(&ct->text);
	mime_hdr_free(&ct->h);
}
