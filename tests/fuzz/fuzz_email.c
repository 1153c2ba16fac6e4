/*
 * fuzz_email.c - e-mail addresses: Django's EmailValidator (email.c, with
 * idn.c's IDNA retry of a non-ASCII domain through libidn2), then, as the
 * register view does, normalize_email and the SMTP envelope check.
 * Input: the address; bytes that are not UTF-8 are replaced first (U+FFFD),
 * as the fields only ever hand email_valid() decoded text.
 */
#include "config.h"

#include "buf.h"
#include "email.h"
#include "log.h"
#include "pycompat.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_email", LOG_ERR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 text = BUF_INIT, norm = BUF_INIT;
	char		*s;
	volatile int	 sink = 0;

	/* An exact-size copy, so that a read past the end is caught. */
	if (py_utf8_decode_replace((const char *)data, size, &text) == -1 || !buf_ok(&text))
		goto out;
	if ((s = fuzz_strndup((const uint8_t *)text.p, text.len)) == NULL)
		goto out;
	sink += email_valid(s, text.len);
	if (email_normalize(s, text.len, &norm) == 0 && buf_ok(&norm))
		sink += email_smtp_safe(norm.p ? norm.p : "", norm.len);
	free(s);
out:
	(void)sink;
	buf_free(&norm);
	buf_free(&text);
	return 0;
}
