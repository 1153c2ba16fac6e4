/*
 * ceiling.c - the cheapest possible FastCGI responder: libfcgi's accept
 * loop answering every request with one constant, profile-sized JSON body.
 * `./dev bench` serves it beside the endpoints, from the same web server
 * configuration and with as many processes, and divides by it: what an
 * endpoint achieves against what the web server, libfcgi and the client
 * allow at all.  Started as plain CGI it answers once (the cost of a
 * process start under mod_cgi).  Not installed; no jwtauth library.
 */
#include <stdio.h>

#include <fcgiapp.h>

#define BODY	"{\"id\": 1, \"email\": \"ceiling@example.com\", \"name\": \"Ceiling\", \"tc\": true}"
#define BODY_LEN	72	/* strlen(BODY), checked at compile time */
#define STR(x)	#x
#define XSTR(x)	STR(x)

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: " XSTR(BODY_LEN) "\r\n"
    "\r\n"
    BODY;
_Static_assert(sizeof(BODY) - 1 == BODY_LEN, "BODY_LEN is the length of BODY");

int
main(void)
{
	FCGX_Request	 rq;

	if (FCGX_IsCGI()) {
		fwrite(reply, 1, sizeof(reply) - 1, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, rq.out);
		FCGX_Finish_r(&rq);
	}
	return 0;
}
