/*
 * form_multipart.c - multipart/form-data bodies as DRF's MultiPartParser
 * reads them: django.http.multipartparser.MultiPartParser, including the
 * LazyStream/BoundaryIter bookkeeping that decides what a malformed body
 * yields (see form.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "form.h"
#include "form_priv.h"
#include "mime.h"
#include "pycompat.h"

#define MIN(a, b)	((a) < (b) ? (a) : (b))

#define MP_CHUNK	65536		/* FileUploadHandler.chunk_size */
#define MP_MAXHEADER	1024		/* parse_boundary_stream(max_header_size) */
#define MP_MAXBOUNDARY	201		/* cgi.valid_boundary: ^[ -~]{0,200}[!-~]$ */

static const char U_FFFD[] = "\xef\xbf\xbd";

/*
 * Django's MultiPartParser reads the body through a LazyStream over 64 KiB
 * chunks, one BoundaryIter per part and a LazyStream over that; pieces are
 * pushed back ("unget") and read again.  What a malformed body yields
 * depends on that bookkeeping, so it is simulated on offsets into the body.
 * A stream only ever pushes back the bytes it has just read, so its leftover
 * is always the bytes right before its producer's position: a stream is a
 * pair (pos, prod) with leftover d[pos, prod).
 */
struct mp {
	const char	*d;
	size_t		 n;
	size_t		 pos, prod;	/* the main LazyStream */
	const char	*sep;		/* b'--' + boundary */
	size_t		 seplen;
	size_t		 rollback;	/* BoundaryIter._rollback */
	int		 bdone;		/* the part's BoundaryIter is done */
	size_t		 spos, sprod;	/* the part's LazyStream */
};

enum mp_type {
	MP_RAW,		/* no Content-Disposition: skipped */
	MP_FIELD,
	MP_FILE,	/* Content-Disposition with a non-empty filename */
};

/* What parse_boundary_stream() read from a part's headers. */
struct mp_part {
	enum mp_type	 type;
	struct mime_hdr	 cd;		/* the last Content-Disposition line */
	int		 has_cte;
	struct buf	 cte;		/* Content-Transfer-Encoding, stripped */
};

/* A file waiting for the next part to be completed (handle_file_complete). */
struct mp_file {
	char		*name;
	size_t		 namelen;
	char		*fn;
	size_t		 fnlen;
};

/* LazyStream.__next__ of the main stream; 0 at StopIteration. */
static int
mp_next(struct mp *m, size_t *a, size_t *b)
{
	if (m->pos < m->prod)
		*a = m->pos;
	else if (m->prod < m->n) {
		*a = m->prod;
		m->prod += MIN(MP_CHUNK, m->n - m->prod);
	} else
		return 0;
	*b = m->prod;
	m->pos = m->prod;
	return 1;
}

/*
 * BoundaryIter.__next__: read more than rollback bytes (or to the end); a
 * separator in them ends the part (its CR, LF or CRLF before it dropped),
 * else all but the last rollback bytes are part data.  0 at StopIteration.
 */
static int
mp_bnext(struct mp *m, size_t *a, size_t *b)
{
	const char	*p;
	size_t		 start = m->pos, got = 0, x, y, idx, end;

	if (m->bdone)
		return 0;
	for (;;) {
		if (!mp_next(m, &x, &y)) {
			m->bdone = 1;
			break;
		}
		got += y - x;
		if (got > m->rollback)
			break;
	}
	if (got == 0)
		return 0;
	*a = start;
	if ((p = memmem(m->d + start, got, m->sep, m->seplen)) != NULL) {
		idx = (size_t)(p - (m->d + start));
		end = idx;
		if (end > 0 && m->d[start + end - 1] == '\n')
			end--;
		if (end > 0 && m->d[start + end - 1] == '\r')
			end--;
		m->pos = start + idx + m->seplen;
		m->bdone = 1;
		*b = start + end;
	} else if (got <= m->rollback) {
		m->bdone = 1;
		*b = start + got;
	} else {
		m->pos = start + got - m->rollback;
		*b = m->pos;
	}
	return 1;
}

/* LazyStream.__next__ of the part's stream; 0 at StopIteration. */
static int
mp_snext(struct mp *m, size_t *a, size_t *b)
{
	if (m->spos < m->sprod) {
		*a = m->spos;
		*b = m->sprod;
	} else if (mp_bnext(m, a, b)) {
		/* BoundaryIter hands out consecutive pieces: *a == sprod. */
		m->sprod = *b;
	} else
		return 0;
	m->spos = *b;
	return 1;
}

/* LazyStream.read(size) of the part's stream: d[*a, *b). */
static void
mp_sread(struct mp *m, size_t size, size_t *a, size_t *b)
{
	size_t	 x, y, take;

	*a = m->spos;
	while (size > 0 && mp_snext(m, &x, &y)) {
		take = MIN(size, y - x);
		m->spos = x + take;
		size -= take;
	}
	*b = m->spos;
}

/*
 * parse_boundary_stream(stream, 1024): the headers must end with CRLFCRLF
 * within the first 1024 bytes of the part; lines split on CRLF; a line
 * parse_header() rejects is skipped.  Returns 0, 2 (LookupError), -1.
 */
static int
mp_headers(struct mp *m, struct mp_part *pt)
{
	struct mime_hdr	 h;
	const char	*he, *line, *eol, *key, *colon;
	size_t		 ca, cb, hlen, a, off, len;
	enum mime_hrc	 r;
	int		 rc = -1;

	memset(&h, 0, sizeof(h));
	pt->type = MP_RAW;
	pt->has_cte = 0;
	mime_hdr_free(&pt->cd);
	mp_sread(m, MP_MAXHEADER, &ca, &cb);
	if ((he = memmem(m->d + ca, cb - ca, "\r\n\r\n", 4)) == NULL) {
		m->spos = ca;
		return 0;
	}
	hlen = (size_t)(he - (m->d + ca));
	m->spos = ca + hlen + 4;
	for (line = m->d + ca; line <= he; line = eol + 2) {
		eol = memmem(line, (size_t)(he - line), "\r\n", 2);
		if (eol == NULL)
			eol = he;
		mime_hdr_free(&h);
		r = mime_hdr_parse(&h, line, (size_t)(eol - line), MIME_DJANGO);
		if (r == MIME_H_NOMEM || r == MIME_H_LOOKUP) {
			rc = r == MIME_H_LOOKUP ? 2 : -1;
			goto out;
		}
		key = buf_str(&h.store);
		if (r == MIME_H_VALUE ||
		    (colon = memchr(key, ':', h.typelen)) == NULL)
			continue;
		a = (size_t)(colon - key);
		if (a == 19 && memcmp(key, "content-disposition", 19) == 0) {
			/* outdict[name] = value, params: this line's, kept. */
			mime_hdr_free(&pt->cd);
			pt->cd = h;
			memset(&h, 0, sizeof(h));
			pt->type = mime_hdr_param(&pt->cd, "filename", &len,
			    NULL) != NULL && len > 0 ? MP_FILE : MP_FIELD;
		} else if (a == 25 &&
		    memcmp(key, "content-transfer-encoding", 25) == 0) {
			/* str.strip() of an ASCII str */
			py_strip(key + a + 1, h.typelen - a - 1, &off, &len);
			buf_reset(&pt->cte);
			buf_add(&pt->cte, key + a + 1 + off, len);
			pt->has_cte = 1;
		}
	}
	rc = buf_ok(&pt->cte) ? 0 : -1;
out:
	mime_hdr_free(&h);
	return rc;
}

/*
 * Whether MultiPartParser.sanitize_file_name() keeps the (decoded) file
 * name s: html.unescape(), then the text after the last '/' or '\' must not
 * be '', '.' or '..'.  Only what can decide that is unescaped: numeric
 * references (some give nothing at all) and the named ones that give '.',
 * '/' or '\'; any other reference stays as written, which is just as
 * non-empty and harmless.
 */
static int
mp_filename_ok(const char *s, size_t n)
{
	struct buf	 u = BUF_INIT;
	size_t		 i = 0, j, k, seg;
	uint32_t	 num;
	int		 hex, d, ok = -1;

	while (i < n) {
		if (s[i] != '&') {
			buf_putc(&u, s[i++]);
			continue;
		}
		j = i + 1;
		if (j < n && s[j] == '#') {
			k = j + 1;
			hex = k + 1 < n && (s[k] == 'x' || s[k] == 'X') &&
			    py_hexdigit(s[k + 1]) >= 0;
			if (hex)
				k++;
			else if (k >= n || s[k] < '0' || s[k] > '9') {
				buf_putc(&u, s[i++]);
				continue;
			}
			for (num = 0; k < n; k++) {
				d = py_hexdigit(s[k]);
				if (d < 0 || (!hex && d > 9))
					break;
				if (num <= 0x10ffff)
					num = num * (hex ? 16 : 10) + (uint32_t)d;
			}
			if (k < n && s[k] == ';')
				k++;
			i = k;
			if (num == 0 || (num >= 0xd800 && num <= 0xdfff) ||
			    num > 0x10ffff)
				buf_puts(&u, U_FFFD);
			else if (num == 0x0d || (num >= 0x80 && num <= 0x9f))
				buf_putc(&u, 'x');	/* _invalid_charrefs */
			else if ((num >= 0x01 && num <= 0x08) || num == 0x0b ||
			    (num >= 0x0e && num <= 0x1f) || num == 0x7f ||
			    (num >= 0xfdd0 && num <= 0xfdef) ||
			    (num & 0xfffe) == 0xfffe)
				;			/* _invalid_codepoints */
			else
				(void)py_utf8_put(&u, num);
			continue;
		}
		for (k = j; k < n && k - j < 32 &&
		    strchr("\t\n\f <&#;", s[k]) == NULL && s[k] != '\0'; k++)
			;
		if (k < n && s[k] == ';' && k - j == 6 &&
		    memcmp(s + j, "period", 6) == 0)
			buf_putc(&u, '.');
		else if (k < n && s[k] == ';' && k - j == 3 &&
		    memcmp(s + j, "sol", 3) == 0)
			buf_putc(&u, '/');
		else if (k < n && s[k] == ';' && k - j == 4 &&
		    memcmp(s + j, "bsol", 4) == 0)
			buf_putc(&u, '\\');
		else {
			buf_putc(&u, s[i++]);
			continue;
		}
		i = k + 1;
	}
	if (!buf_ok(&u))
		goto out;
	for (seg = u.len; seg > 0 && u.p[seg - 1] != '/' &&
	    u.p[seg - 1] != '\\'; seg--)
		;
	ok = !(u.len - seg == 0 || (u.len - seg == 1 && u.p[seg] == '.') ||
	    (u.len - seg == 2 && u.p[seg] == '.' && u.p[seg + 1] == '.'));
out:
	buf_free(&u);
	return ok;
}

/*
 * force_str(value, cs, errors='replace') of the parameter name of h (which
 * must be there): a str (RFC 2231) is kept, bytes are decoded.  With
 * strip, .strip() first (bytes.strip() or str.strip()).
 */
static int
mp_pystr(const struct mime_hdr *h, const char *name,
    const struct pycodec *cs, int strip, struct buf *out)
{
	struct charset_err	 e;
	const char		*s;
	size_t			 n, off = 0, len;
	int			 isstr;

	buf_reset(out);
	s = mime_hdr_param(h, name, &n, &isstr);
	len = n;
	if (strip && isstr)
		py_strip(s, n, &off, &len);
	else if (strip)
		py_bytes_strip(s, n, &off, &len);
	if (isstr)
		return buf_add(out, s + off, len);
	return charset_decode(cs, s + off, len, CHARSET_REPLACE, out, &e) == 0 ?
	    0 : -1;
}

/* cgi.valid_boundary(s): 1 when the boundary is acceptable. */
static int
mp_valid_boundary(const char *s, size_t n)
{
	size_t	 i;

	/* re.match('^[ -~]{0,200}[!-~]$'): '$' also matches before a final \n */
	if (n > 1 && s[n - 1] == '\n')
		n--;
	if (n == 0 || n > MP_MAXBOUNDARY || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || (unsigned char)s[i] > '~')
			return 0;
	return 1;
}

/* Free the pending files. */
static void
mp_files_free(struct mp_file *fl, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(fl[i].name);
		free(fl[i].fn);
	}
	free(fl);
}

/* Copy s/n to a new NUL-terminated string; NULL when out of memory. */
static char *
memdup0(const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (p = malloc(n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * MultiPartParser(META, body, handlers, encoding=cs).parse() as DRF's
 * MultiPartParser calls it, then request.data: the fields, then the files
 * appended (MultiValueDict.update), so a file wins over a field of the
 * same name.
 */
enum form_rc
form_multipart(struct form *f, const struct ctype *ct, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	const struct pycodec	*cs = ct->codec;
	struct mp		 m;
	struct mp_part		 pt;
	struct mp_file		*files = NULL, *nf;
	struct buf		 sep = BUF_INIT, b64 = BUF_INIT;
	struct buf		 name = BUF_INIT, fn = BUF_INIT, val = BUF_INIT;
	struct charset_err	 e;
	const char		*data, *p, *bd;
	size_t			 nfiles = 0, filecap = 0;
	size_t			 nkeys = 0, nfile = 0, nread = 0, a, b, x, y, i;
	size_t			 dlen, bdlen = 0;
	enum form_rc		 rc = FORM_NOMEM;
	int			 r, pending = 0, isb64;

	memset(&m, 0, sizeof(m));
	memset(&pt, 0, sizeof(pt));
	f->html = 1;
	if (strncmp(ct->raw, "multipart/", 10) != 0) {
		form_msg(msg, msgsz, "Multipart form parse error - Invalid "
		    "Content-Type: %s", buf_str(&ct->text));
		rc = FORM_PARSE;
		goto out;
	}
	if (!py_isascii(ct->raw, strlen(ct->raw))) {
		form_msg(msg, msgsz, "Multipart form parse error - Invalid "
		    "non-ASCII Content-Type in multipart: %s", buf_str(&ct->text));
		rc = FORM_PARSE;
		goto out;
	}
	/*
	 * parse_header(content_type.encode('ascii')): for an ASCII header
	 * the parse _MediaType made, which did not raise (a parser was
	 * selected).
	 */
	bd = mime_hdr_param(&ct->h, "boundary", &bdlen, NULL);
	if (bd == NULL || !mp_valid_boundary(bd, bdlen)) {
		form_msg(msg, msgsz, "Multipart form parse error - Invalid "
		    "boundary in multipart: %.*s", bd != NULL ? (int)bdlen : 4,
		    bd != NULL ? bd : "None");
		rc = FORM_PARSE;
		goto out;
	}
	buf_puts(&sep, "--");
	buf_add(&sep, bd, bdlen);
	if (!buf_ok(&sep))
		goto out;
	m.d = body;
	m.n = len;
	m.sep = sep.p;
	m.seplen = sep.len;
	m.rollback = sep.len + 6;

	for (;;) {
		/* InterBoundaryIter: BoundaryIter() reads one byte first. */
		if (m.pos == m.prod && m.prod == m.n)
			break;
		if (m.pos == m.prod)
			m.prod += MIN(MP_CHUNK, m.n - m.prod);
		m.bdone = 0;
		m.spos = m.sprod = m.pos;
		if ((r = mp_headers(&m, &pt)) != 0) {
			/*
			 * The original answered 500 (LookupError): a
			 * malformed part is a 400.
			 */
			if (r == 2) {
				form_msg(msg, msgsz, "Multipart form parse "
				    "error - unknown charset in the headers of "
				    "a part");
				rc = FORM_PARSE;
			}
			goto out;
		}
		if (pending) {
			pending = 0;
			nfiles++;
		}
		if (pt.type != MP_FILE && ++nkeys > FORM_MAX_FIELDS + 2) {
			form_msg(msg, msgsz, "The number of GET/POST "
			    "parameters exceeded "
			    "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
			rc = FORM_TOO_MANY;
			goto out;
		}
		/* disposition['name'], or the part is skipped. */
		if (pt.type == MP_RAW ||
		    mime_hdr_param(&pt.cd, "name", &x, NULL) == NULL)
			continue;
		if (mp_pystr(&pt.cd, "name", cs, 1, &name) == -1)
			goto out;
		isb64 = pt.has_cte && pt.cte.len == 6 &&
		    memcmp(pt.cte.p, "base64", 6) == 0;

		if (pt.type == MP_FIELD) {
			mp_sread(&m, FORM_MAX_MEMORY - nread, &a, &b);
			nread += b - a;
			data = m.d + a;
			dlen = b - a;
			buf_reset(&b64);
			if (isb64 && py_a2b_base64(data, dlen, 0, PY_B64_STD,
			    &b64) == 0) {
				if (!buf_ok(&b64))
					goto out;
				data = buf_str(&b64);
				dlen = b64.len;
			}
			nread += py_utf8_len(buf_str(&name), name.len) + 2;
			if (nread > FORM_MAX_MEMORY) {
				form_msg(msg, msgsz, "Request body exceeded "
				    "settings.DATA_UPLOAD_FORM_MAX_MEMORY_SIZE.");
				rc = FORM_TOO_MANY;
				goto out;
			}
			buf_reset(&val);
			if (charset_decode(cs, data, dlen, CHARSET_REPLACE,
			    &val, &e) != 0)
				goto out;
			if (form_add_str(f, buf_str(&name), name.len,
			    buf_str(&val), val.len, V_STR) == -1)
				goto out;
			continue;
		}

		/* A file. */
		if (++nfile > FORM_MAX_FILES) {
			form_msg(msg, msgsz, "The number of files exceeded "
			    "settings.DATA_UPLOAD_MAX_NUMBER_FILES.");
			rc = FORM_TOO_MANY;
			goto out;
		}
		if (mp_pystr(&pt.cd, "filename", cs, 0, &fn) == -1 ||
		    (r = mp_filename_ok(buf_str(&fn), fn.len)) == -1)
			goto out;
		if (r == 0)
			continue;
		buf_reset(&b64);
		while (mp_snext(&m, &x, &y)) {
			if (!isb64)
				continue;
			/* Whitespace out, decoded by multiples of 4. */
			for (p = m.d + x; p < m.d + y; p++)
				if (!(*p == ' ' || (*p >= '\t' && *p <= '\r')))
					buf_putc(&b64, *p);
			if (!buf_ok(&b64))
				goto out;
			a = b64.len / 4 * 4;
			if (a == 0)
				continue;
			if (py_a2b_base64(b64.p, a, 0, PY_B64_STD,
			    NULL) == -1) {
				form_msg(msg, msgsz, "Multipart form parse "
				    "error - Could not decode base64 data.");
				rc = FORM_PARSE;
				goto out;
			}
			memmove(b64.p, b64.p + a, b64.len - a);
			b64.len -= a;
		}
		if (isb64 && b64.len > 0) {
			form_msg(msg, msgsz, "Multipart form parse error - "
			    "Could not decode base64 data.");
			rc = FORM_PARSE;
			goto out;
		}
		/*
		 * Completed (added to FILES) when the next part starts, and
		 * only under a name: "if old_field_name:".
		 */
		if (name.len == 0)
			continue;
		if (nfiles == filecap) {
			filecap = filecap ? filecap * 2 : 8;
			if ((nf = reallocarray(files, filecap,
			    sizeof(*files))) == NULL)
				goto out;
			files = nf;
		}
		files[nfiles].name = memdup0(buf_str(&name), name.len);
		files[nfiles].namelen = name.len;
		files[nfiles].fn = memdup0(buf_str(&fn), fn.len);
		files[nfiles].fnlen = fn.len;
		if (files[nfiles].name == NULL || files[nfiles].fn == NULL) {
			nfiles++;
			goto out;
		}
		pending = 1;
	}
	/* A file that no part followed was never completed: not in FILES. */
	for (i = 0; i < nfiles; i++)
		if (form_add_str(f, files[i].name, files[i].namelen,
		    files[i].fn, files[i].fnlen, V_FILE) == -1)
			goto out;
	rc = FORM_OK;
out:
	if (pending)
		nfiles++;
	mp_files_free(files, nfiles);
	buf_free(&sep);
	buf_free(&name);
	buf_free(&fn);
	buf_free(&val);
	buf_free(&b64);
	mime_hdr_free(&pt.cd);
	buf_free(&pt.cte);
	return rc;
}

