/* machine.c - one SCM per machine, reconnected after it went away. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "machine.h"

int machine_init(struct machine *m, const char *name)
{
    int local;

    memset(m, 0, sizeof *m);
    while (*name == '\\')
        name++;
    local = *name == '\0' || strcmp(name, ".") == 0;
    if (local)
        name = "localhost";
    m->name = strdup(name);
    if (m->name == NULL)
        return -ENOMEM;
    /* "." is this machine over the local socket; any other name goes to
     * OpenSCManagerA as \\NAME, which decides (its own names are local
     * unless $SVCHOST_SSH asks for ssh, docs/remote.md). */
    if (!local && asprintf(&m->unc, "\\\\%s", name) < 0) {
        free(m->name);
        return -ENOMEM;
    }
    pthread_mutex_init(&m->lock, NULL);
    m->error = RPC_S_SERVER_UNAVAILABLE;
    return 0;
}

void machine_destroy(struct machine *m)
{
    if (m->scm)
        CloseServiceHandle(m->scm);
    pthread_mutex_destroy(&m->lock);
    free(m->name);
    free(m->unc);
}

DWORD machine_scm(struct machine *m, SC_HANDLE *out)
{
    /* What any user may ask of the SCM on Windows; each service is opened
     * with the rights its operation needs, so scmd decides per call. */
    if (m->scm == NULL) {
        m->scm = OpenSCManagerA(m->unc, NULL, SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
        m->error = m->scm ? NO_ERROR : GetLastError();
    }
    *out = m->scm;
    return m->error;
}

DWORD machine_failed(struct machine *m, DWORD err)
{
    if (err == RPC_S_SERVER_UNAVAILABLE || err == ERROR_BROKEN_PIPE || err == ERROR_INVALID_DATA) {
        if (m->scm)
            CloseServiceHandle(m->scm);
        m->scm = NULL;
        m->error = RPC_S_SERVER_UNAVAILABLE;
        /* One error for "the SCM is gone", whether the call found out
         * (109) or the next connect does (1722), as Windows' RPC says. */
        return RPC_S_SERVER_UNAVAILABLE;
    }
    return err;
}
