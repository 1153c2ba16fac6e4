/*
 * fuzz_header.c - Content-Type and Accept: mime.c's parse_header (Django's
 * and cgi's), the request's parsed Content-Type, _MediaType matching and
 * precedence, and negotiate.c's choice of a renderer for both kinds of view.
 * Input: the header value up to the first newline (read both as a
 * Content-Type and as an Accept header), then the query string whose
 * ?format= filters the renderers.
 */
#include "config.h"

#include "log.h"
#include "form.h"
#include "mime.h"
#include "negotiate.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_header", LOG_ERR);
	return 0;
}

static const char *const renderers[] = { "application/json", "text/html" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const params[] = { "charset", "boundary", "indent", "q" };
	static const enum mime_hmode modes[] = { MIME_DJANGO, MIME_CGI };
	const uint8_t	*hp;
	size_t		 hlen, i, j, vlen;
	char		*hdr, *query, msg[256];
	struct ctype	 ct;
	struct mime_hdr	 h;
	struct mime	 m;
	struct form	 q;
	int		 indent, isstr;
	volatile size_t	 sink = 0;

	(void)fuzz_split(&data, &size, '\n', &hp, &hlen);
	if ((hdr = fuzz_strndup(hp, hlen)) == NULL)
		return 0;
	if ((query = fuzz_strndup(data, size)) == NULL) {
		free(hdr);
		return 0;
	}

	/* As a request's Content-Type. */
	if (mime_ctype_parse(&ct, hdr) == 0)
		sink += (size_t)ct.parser + (size_t)ct.form + ct.text.len;
	mime_ctype_free(&ct);
	/* parse_header on the bytes as sent, both ways. */
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		memset(&h, 0, sizeof(h));
		if (mime_hdr_parse(&h, (const char *)hp, hlen, modes[i]) == MIME_H_OK)
			for (j = 0; j < sizeof(params) / sizeof(params[0]); j++)
				if (mime_hdr_param(&h, params[j], &vlen, &isstr) != NULL)
					sink += vlen + (size_t)isstr;
		mime_hdr_free(&h);
	}
	/* _MediaType. */
	mime_parse(hdr, &m);
	for (j = 0; j < sizeof(params) / sizeof(params[0]); j++)
		if (mime_param(&m, params[j]) != NULL)
			sink++;
	sink += (size_t)mime_precedence(hdr);
	sink += (size_t)mime_matches("application/json", hdr);
	sink += (size_t)mime_matches(hdr, "application/json");
	/* As an Accept header. */
	sink += (size_t)mime_negotiate(hdr, renderers, 2, &indent) + (size_t)indent;
	memset(&q, 0, sizeof(q));
	(void)form_parse(&q, "application/x-www-form-urlencoded", query, strlen(query),
	    msg, sizeof(msg));
	sink += (size_t)negotiate(EP_SEED, &q, hdr, &indent) + (size_t)indent;
	sink += (size_t)negotiate(EP_SIMPLEJWT, &q, hdr, &indent) + (size_t)indent;
	form_free(&q);
	(void)sink;
	free(query);
	free(hdr);
	return 0;
}
