/*
 * impersonate_own.c - the impersonating test service of
 * tests/plugins/impersonate.c as an own-process service: a program that
 * calls StartServiceCtrlDispatcher, so that SvchostImpersonateClient is
 * tested where no host reads the service's file for it.  The socket's
 * path is the first start argument (sc start NAME PATH).
 *
 * Exit codes: 0 the service stopped; 1 no SCM to connect to.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* accept4 */
#endif
#include "../plugins/impersonate.c"

int main(void)
{
    /* Any name: an own-process program runs whichever service it was
     * started for (argv[0] of ServiceMain). */
    SERVICE_TABLE_ENTRYA table[] = {
        { (LPSTR) "ImpersonateOwn", ServiceMain },
        { NULL, NULL },
    };

    return StartServiceCtrlDispatcherA(table) ? 0 : 1;
}
