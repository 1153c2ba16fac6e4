/*
 * serve.c - the FastCGI accept loop and the prefork supervisor (see
 * serve.h).  A request's failure never ends a loop; only the listening
 * socket's does.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "log.h"
#include "serve.h"

void
serve_fcgi(serve_fn fn, void *arg)
{
	FCGX_Request	 rq;
	struct http_io	 io = { &http_io_fcgi, &rq };

	if (FCGX_InitRequest(&rq, 0, 0) != 0) {
		log_err("FCGX_InitRequest failed");
		return;
	}
	while (FCGX_Accept_r(&rq) >= 0) {
		fn(arg, &io);
		FCGX_Finish_r(&rq);
	}
	FCGX_Free(&rq, 1);
}

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

int
serve_prefork(long workers, serve_fn fn, void *arg)
{
	pid_t		*kids;
	pid_t		 pid;
	long		 i, n = workers;
	int		 status;
	time_t		 window = 0;
	int		 recent = 0;
	struct sigaction sa;

	if ((kids = calloc((size_t)n, sizeof(*kids))) == NULL)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		for (i = 0; i < n && !stopping; i++) {
			if (kids[i] != 0)
				continue;
			/* A worker that cannot stay up must not turn into a fork loop. */
			if (time(NULL) != window) {
				window = time(NULL);
				recent = 0;
			}
			if (++recent > 2 * n) {
				sleep(1);
				continue;
			}
			if ((pid = fork()) == -1) {
				log_err("fork: %s", strerror(errno));
				sleep(1);
				continue;
			}
			if (pid == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				free(kids);
				serve_fcgi(fn, arg);
				_exit(0);
			}
			kids[i] = pid;
		}
		if (stopping)
			break;
		if ((pid = waitpid(-1, &status, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				if (!stopping)
					log_warn("worker %ld (pid %ld) %s %d; starting another", i,
					    (long)pid, WIFSIGNALED(status) ? "killed by signal" :
					    "exited with", WIFSIGNALED(status) ? WTERMSIG(status) :
					    WEXITSTATUS(status));
			}
	}
	for (i = 0; i < n; i++)
		if (kids[i] != 0)
			kill(kids[i], SIGTERM);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		continue;
	free(kids);
	return 0;
}
