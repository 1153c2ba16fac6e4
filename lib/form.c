/*
 * form.c - request bodies as DRF's request.data sees them (see form.h):
 * Request._parse (which parser, if any), and the storage of struct form.
 *
 * Three parsers, each a port of what the original ran, in a file of its own:
 *  - form_json.c (rest_framework.parsers.JSONParser): a hand-written checker
 *    of CPython 3.11's json grammar and messages (Modules/_json.c), then
 *    json-c builds the values;
 *  - form_urlencoded.c (FormParser): django.http.QueryDict over
 *    urllib.parse.parse_qsl;
 *  - form_multipart.c (MultiPartParser): django.http.multipartparser,
 *    including the LazyStream/BoundaryIter bookkeeping that decides what a
 *    malformed body yields.
 * The Content-Type is parsed once (mime.c, struct ctype): the parser DRF
 * selects, and the codec Django's HttpRequest picks from the charset
 * parameter (charset.c decodes).
 *
 * Where the original raised an exception that is not an HTTP error (Python's
 * RecursionError on deep JSON, LookupError on an unknown RFC 2231 charset),
 * it answered 500.  A client mistake is never a 500 here: such a
 * Content-Type is unsupported (415), such a body malformed (400).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "form_priv.h"
#include "mime.h"

/* ------------------------------------------------------------------ storage */

struct fstr {
	struct fstr	*next;
	size_t		 n;	/* the text's length (without the NUL) */
	char		 s[];
};

struct fpriv {
	struct fstr	*strs;	/* every string the form hands out */
	size_t		 kvcap;
};

/* Copy p/n into storage owned by f, NUL-terminated.  NULL when out of memory. */
static const char *
form_save(struct form *f, const char *p, size_t n)
{
	struct fpriv	*fp = f->priv;
	struct fstr	*s;

	if (n > SIZE_MAX - sizeof(*s) - 1)
		return NULL;
	if ((s = malloc(sizeof(*s) + n + 1)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(s->s, p, n);
	s->s[n] = '\0';
	s->n = n;
	s->next = fp->strs;
	fp->strs = s;
	return s->s;
}

/* A new pair at the end of f->kv, name and text copied. */
int
form_add(struct form *f, const char *name, size_t namelen,
    const struct val *v)
{
	struct fpriv	*fp = f->priv;
	struct form_kv	*kv, *nkv;
	size_t		 cap;

	if (f->nkv == fp->kvcap) {
		cap = fp->kvcap ? fp->kvcap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*nkv))
			return -1;
		if ((nkv = realloc(f->kv, cap * sizeof(*nkv))) == NULL)
			return -1;
		f->kv = nkv;
		fp->kvcap = cap;
	}
	kv = &f->kv[f->nkv];
	kv->v = *v;
	if ((kv->name = form_save(f, name, namelen)) == NULL)
		return -1;
	kv->namelen = namelen;
	if ((kv->v.s = form_save(f, v->s != NULL ? v->s : "", v->len)) == NULL)
		return -1;
	f->nkv++;
	return 0;
}

/* A value without a number: its kind and text. */
int
form_add_str(struct form *f, const char *name, size_t namelen,
    const char *s, size_t n, enum val_kind kind)
{
	struct val	 v;

	memset(&v, 0, sizeof(v));
	v.kind = kind;
	v.s = s;
	v.len = n;
	return form_add(f, name, namelen, &v);
}

/* vsnprintf, then an incomplete last UTF-8 sequence dropped. */
void
form_msg(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list		 ap;
	int		 rc;
	size_t		 len, lead, need;
	unsigned char	 c;

	if (msg == NULL || msgsz == 0)
		return;
	va_start(ap, fmt);
	rc = vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		msg[0] = '\0';
		return;
	}
	if ((size_t)rc < msgsz)
		return;
	/* Truncated: drop an incomplete last sequence. */
	len = msgsz - 1;
	lead = len;
	while (lead > 0 && len - lead < 4 &&
	    ((unsigned char)msg[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)msg[lead - 1];
	need = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (lead - 1 + need > len)
		msg[lead - 1] = '\0';
}

/*
 * Request._parse(): no body, no parser; otherwise a Content-Type DRF's
 * parser selection chokes on (the original's 500: unsupported here), no
 * parser (415), or the parser's result.
 */
enum form_rc
form_parse_ct(struct form *f, const struct ctype *ct, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	enum form_rc	 rc = FORM_NOMEM;

	memset(f, 0, sizeof(*f));
	if (msg != NULL && msgsz > 0)
		msg[0] = '\0';
	if ((f->priv = calloc(1, sizeof(struct fpriv))) == NULL)
		goto out;
	f->top = V_DICT;
	/* Request._parse: no content, no parser (and never a 415). */
	if (len == 0) {
		f->html = ct->form;
		return FORM_OK;
	}
	switch (ct->parser) {
	case MIME_PARSER_JSON:
		rc = form_json(f, ct->codec, body, len, msg, msgsz);
		break;
	case MIME_PARSER_FORM:
		rc = form_urlencoded(f, ct->codec, body, len, msg, msgsz);
		break;
	case MIME_PARSER_MULTIPART:
		rc = form_multipart(f, ct, body, len, msg, msgsz);
		break;
	case MIME_PARSER_NONE:
	default:
		form_msg(msg, msgsz, "Unsupported media type \"%s\" in "
		    "request.", buf_str(&ct->text));
		rc = FORM_UNSUPPORTED;
		break;
	}
out:
	if (rc != FORM_OK) {
		if (rc == FORM_NOMEM && msg != NULL && msgsz > 0 &&
		    msg[0] == '\0')
			form_msg(msg, msgsz, "out of memory");
		form_free(f);
	}
	return rc;
}

/* form_parse_ct() with the Content-Type parsed here. */
enum form_rc
form_parse(struct form *f, const char *content_type, const char *body,
    size_t len, char *msg, size_t msgsz)
{
	struct ctype	 ct;
	enum form_rc	 rc;

	if (mime_ctype_parse(&ct, content_type) == -1) {
		mime_ctype_free(&ct);
		memset(f, 0, sizeof(*f));
		form_msg(msg, msgsz, "out of memory");
		return FORM_NOMEM;
	}
	rc = form_parse_ct(f, &ct, body, len, msg, msgsz);
	mime_ctype_free(&ct);
	return rc;
}

/* The last value of name: QueryDict.__getitem__ and dict lookups agree. */
struct val
form_get(const struct form *f, const char *name)
{
	struct val	 v;
	size_t		 i, len = strlen(name);

	memset(&v, 0, sizeof(v));
	v.kind = V_ABSENT;
	v.s = "";
	if (f->top != V_DICT)
		return v;
	for (i = f->nkv; i > 0; i--)
		if (f->kv[i - 1].namelen == len &&
		    memcmp(f->kv[i - 1].name, name, len) == 0)
			return f->kv[i - 1].v;
	return v;
}

/* Release everything f owns; f is zeroed (a zeroed form is fine too). */
void
form_free(struct form *f)
{
	struct fpriv	*fp;
	struct fstr	*s, *next;

	if (f == NULL)
		return;
	if ((fp = f->priv) != NULL) {
		for (s = fp->strs; s != NULL; s = next) {
			next = s->next;
			buf_wipe_free(s, sizeof(*s) + s->n + 1);	/* passwords */
		}
		free(fp);
	}
	free(f->kv);
	memset(f, 0, sizeof(*f));
}

/* type(x).__name__ for a value of kind k. */
const char *
val_kind_pyname(enum val_kind k)
{
	switch (k) {
	case V_NULL:
		return "NoneType";
	case V_BOOL:
		return "bool";
	case V_INT:
		return "int";
	case V_FLOAT:
		return "float";
	case V_STR:
		return "str";
	case V_LIST:
		return "list";
	case V_DICT:
		return "dict";
	case V_FILE:
		return "InMemoryUploadedFile";
	case V_ABSENT:
		break;
	}
	return "NoneType";
}

