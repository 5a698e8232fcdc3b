/*
 * own.c - a benchmark plugin as an own-process service: the executable
 * that links the plugin's ServiceMain (idle.c or busy.c, built with
 * BENCHSVC_SERVICE_TYPE = SERVICE_WIN32_OWN_PROCESS) and hands it to
 * StartServiceCtrlDispatcher, as a Windows service .exe does.  scmd
 * starts one such process per service (svchost-bench's own mode).
 *
 * Exit codes: 0 the service stopped; 1 no SCM to connect to (the
 * dispatcher's error on stderr).
 */
#include <svchost/winsvc.h>

#include <stdio.h>

VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv);

int main(void)
{
    /* For an own-process service the SCM runs the one entry whatever
     * its name, as on Windows. */
    SERVICE_TABLE_ENTRYA table[] = {
        { (LPSTR) "BenchService", ServiceMain },
        { NULL, NULL },
    };

    if (!StartServiceCtrlDispatcherA(table)) {
        fprintf(stderr, "StartServiceCtrlDispatcher failed: %u\n", (unsigned)GetLastError());
        return 1;
    }
    return 0;
}
