/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void	(*buf_free_hook)(const void *, size_t);

void
buf_wipe_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	if (buf_free_hook != NULL)
		buf_free_hook(p, n);
	free(p);
}

/*
 * Make room for n more bytes plus the terminating NUL.  Never realloc():
 * it may leave the old block's bytes (a password, a token) in the heap;
 * the contents move to a new block and the old one is wiped (the copy
 * realloc() would mostly make anyway, and a wipe of the old block).
 */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t	 need, cap;
	char	*p;

	if (b->oom)
		return -1;
	if (n > SIZE_MAX - b->len - 1)
		goto oom;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	if ((p = malloc(cap)) == NULL)
		goto oom;
	if (b->p != NULL) {
		memcpy(p, b->p, b->len + 1);
		buf_wipe_free(b->p, b->cap);
	}
	b->p = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_grow(b, (size_t)n) == -1) {
		b->oom = 1;
		return -1;
	}
	if (vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->oom = 1;
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const struct buf *b)
{
	return b->p != NULL ? b->p : "";
}

int
buf_ok(const struct buf *b)
{
	return !b->oom;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
buf_free(struct buf *b)
{
	buf_wipe_free(b->p, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

void
buf_wipe(struct buf *b)
{
	buf_free(b);
}
