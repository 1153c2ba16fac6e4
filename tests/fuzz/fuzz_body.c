/*
 * fuzz_body.c - a request body through the parsers, as app.c's parse_body()
 * drives them: the Content-Type parsed once (mime_ctype_parse) picks JSON,
 * urlencoded or multipart and the charset, form_parse_ct() parses.
 * Input: the Content-Type header up to the first newline, the body after it.
 * The body is also read as a query string (app.c's request.query_params).
 */
#include "config.h"

#include "log.h"
#include "form.h"
#include "mime.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_body", LOG_ERR);
	return 0;
}

/* Read every parsed value the way the fields do. */
static void
walk(const struct form *f)
{
	size_t		 i;
	struct val	 v;
	volatile size_t	 sink = 0;

	for (i = 0; i < f->nkv; i++) {
		sink += f->kv[i].namelen + f->kv[i].v.len;
		sink += strlen(val_kind_pyname(f->kv[i].v.kind));
		if (f->kv[i].v.len > 0)
			sink += (unsigned char)f->kv[i].v.s[f->kv[i].v.len - 1];
	}
	v = form_get(f, "email");
	sink += v.len;
	v = form_get(f, "password");
	sink += v.len;
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*ctp, *body;
	size_t		 ctlen, blen;
	char		*ctype, msg[1024];
	struct ctype	 ct;
	struct form	 f;

	if (!fuzz_split(&data, &size, '\n', &ctp, &ctlen))
		return 0;
	body = data;
	blen = size;
	if ((ctype = fuzz_strndup(ctp, ctlen)) == NULL)
		return 0;
	if (mime_ctype_parse(&ct, ctype) == 0) {
		memset(&f, 0, sizeof(f));
		if (form_parse_ct(&f, &ct, blen > 0 ? (const char *)body : "", blen,
		    msg, sizeof(msg)) == FORM_OK)
			walk(&f);
		form_free(&f);
	}
	mime_ctype_free(&ct);
	memset(&f, 0, sizeof(f));
	if (form_parse(&f, "application/x-www-form-urlencoded",
	    blen > 0 ? (const char *)body : "", blen, msg, sizeof(msg)) == FORM_OK)
		walk(&f);
	form_free(&f);
	free(ctype);
	return 0;
}
