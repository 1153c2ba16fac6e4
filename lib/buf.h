/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * A zeroed struct buf (or BUF_INIT) is an empty buffer.  On allocation failure
 * the buffer sets oom and ignores further appends; check buf_ok() once at the end.
 */
#ifndef JWTAUTH_BUF_H
#define JWTAUTH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*p;	/* NULL until the first append; p[len] == '\0' after */
	size_t	 len;
	size_t	 cap;
	int	 oom;	/* an append failed; contents are incomplete */
};

#define BUF_INIT { NULL, 0, 0, 0 }

int	 buf_add(struct buf *b, const void *p, size_t n);
int	 buf_puts(struct buf *b, const char *s);
int	 buf_putc(struct buf *b, int c);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Returns the contents as a C string ("" for an empty buffer); never NULL. */
const char *buf_str(const struct buf *b);
int	 buf_ok(const struct buf *b);
void	 buf_reset(struct buf *b);	/* len = 0, keeps the allocation */
/*
 * Every block a buffer gives back is wiped first (explicit_bzero): the
 * buffers hold request bodies, passwords and tokens.  The cost is one pass
 * over the allocation, small next to what filled it.
 */
void	 buf_free(struct buf *b);	/* wipes and frees; b may be reused */
void	 buf_wipe(struct buf *b);	/* the same as buf_free (the callers say why) */

/* explicit_bzero(p, n), then free(p); p may be NULL. */
void	 buf_wipe_free(void *p, size_t n);
/* For the tests: called by buf_wipe_free() after the wipe, before free(). */
extern void (*buf_free_hook)(const void *p, size_t n);

#endif
