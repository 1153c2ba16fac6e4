/*
 * form_urlencoded.c - application/x-www-form-urlencoded bodies as DRF's
 * FormParser reads them: django.http.QueryDict over
 * urllib.parse.parse_qsl (see form.h).
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "charset.h"
#include "form.h"
#include "form_priv.h"
#include "pycompat.h"

/* One name or value of parse_qsl: '+' -> ' ', then unquote() with cs. */
static int
qs_field(const char *s, size_t n, const struct pycodec *cs, struct buf *tmp,
    struct buf *out)
{
	size_t	 i;

	buf_reset(tmp);
	buf_reset(out);
	for (i = 0; i < n; i++)
		buf_putc(tmp, s[i] == '+' ? ' ' : s[i]);
	if (!buf_ok(tmp))
		return -1;
	return charset_unquote(tmp->p != NULL ? tmp->p : "", tmp->len, cs, out);
}

/*
 * FormParser: QueryDict(body, encoding=cs).  The body is decoded with cs,
 * or as latin-1 when that fails; then parse_qsl(keep_blank_values=True,
 * max_num_fields=1000): pieces split on '&' (empty ones skipped), name and
 * value split on the first '=' (none: value ''), each unquoted with cs.
 */
enum form_rc
form_urlencoded(struct form *f, const struct pycodec *cs, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	struct buf		 text = BUF_INIT, tmp = BUF_INIT;
	struct buf		 name = BUF_INIT, value = BUF_INIT;
	struct charset_err	 e;
	const char		*t, *amp, *eq;
	size_t			 n, nf, i, j;
	enum form_rc		 rc = FORM_NOMEM;
	int			 r;

	f->html = 1;
	if ((r = charset_decode(cs, body, len, CHARSET_STRICT, &text,
	    &e)) == -1)
		goto out;
	if (r == 1) {
		buf_reset(&text);
		if (py_latin1_to_utf8(body, len, &text) == -1)
			goto out;
	}
	t = text.p != NULL ? text.p : "";
	n = text.len;
	if (n > 0) {
		for (nf = 1, i = 0; i < n; i++)
			nf += t[i] == '&';
		if (nf > FORM_MAX_FIELDS) {
			form_msg(msg, msgsz, "The number of GET/POST "
			    "parameters exceeded "
			    "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.");
			rc = FORM_TOO_MANY;
			goto out;
		}
	}
	for (i = 0; i < n; i = j + 1) {
		amp = memchr(t + i, '&', n - i);
		j = amp != NULL ? (size_t)(amp - t) : n;
		if (j == i)
			continue;
		eq = memchr(t + i, '=', j - i);
		if (qs_field(t + i, eq != NULL ? (size_t)(eq - t) - i : j - i,
		    cs, &tmp, &name) == -1)
			goto out;
		if (eq != NULL && qs_field(eq + 1, (size_t)(t + j - eq - 1),
		    cs, &tmp, &value) == -1)
			goto out;
		if (eq == NULL)
			buf_reset(&value);
		if (form_add_str(f, buf_str(&name), name.len, buf_str(&value),
		    value.len, V_STR) == -1)
			goto out;
	}
	rc = FORM_OK;
out:
	buf_free(&text);
	buf_free(&tmp);
	buf_free(&name);
	buf_free(&value);
	return rc;
}

