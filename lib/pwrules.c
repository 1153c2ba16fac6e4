/*
 * pwrules.c - Django's password validators that [password] turns on (see
 * pwrules.h), from django/contrib/auth/password_validation.py (3.2).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "pwrules.h"
#include "pycompat.h"
#include "pwrules_common.h"

/*
 * Is s (n bytes) an entry of common_words?  A binary search over the
 * sorted NUL-ended entries: [lo, hi) always spans whole entries, and a
 * probe backs up to the start of the entry it fell in.
 */
static int
common_has(const char *s, size_t n)
{
	size_t		 lo = 0, hi = sizeof(common_words) - 1, mid, elen;
	const char	*e;
	int		 cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		while (mid > lo && common_words[mid - 1] != '\0')
			mid--;
		e = common_words + mid;
		elen = strlen(e);
		cmp = memcmp(s, e, n < elen ? n : elen);
		if (cmp == 0)
			cmp = n < elen ? -1 : n > elen;
		if (cmp == 0)
			return 1;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + elen + 1;
	}
	return 0;
}

int
pwrules_common(const char *pw, size_t n)
{
	struct buf	 low = BUF_INIT;
	size_t		 off, len;
	int		 rc = -1;

	/* password.lower().strip(): full Unicode lower-casing (U+212A KELVIN SIGN is "k"). */
	if (py_lower(pw, n, &low) == -1 || !buf_ok(&low))
		goto out;
	py_strip(low.p != NULL ? low.p : "", low.len, &off, &len);
	rc = common_has(low.p != NULL ? low.p + off : "", len);
out:
	buf_wipe(&low);
	return rc;
}

int
pwrules_check(const struct cfg *c, const char *pw, size_t n, const char *field,
    struct verr *v)
{
	char	 msg[VERR_MSGLEN];
	int	 failed = 0, rc;

	/* MinimumLengthValidator: len() counts code points; ngettext's English forms. */
	if (c->pw_min_length > 0 && py_utf8_len(pw, n) < (size_t)c->pw_min_length) {
		(void)snprintf(msg, sizeof(msg), "This password is too short. It must contain at "
		    "least %ld character%s.", c->pw_min_length, c->pw_min_length == 1 ? "" : "s");
		verr_add(v, field, msg);
		failed++;
	}
	if (c->pw_common_check) {
		if ((rc = pwrules_common(pw, n)) == -1)
			return -1;
		if (rc == 1) {
			verr_add(v, field, PWRULES_MSG_COMMON);
			failed++;
		}
	}
	return failed;
}
