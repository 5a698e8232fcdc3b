/*
 * ownservice - an own-process service: an ordinary program linked with
 * libsvc that calls StartServiceCtrlDispatcher, as a Windows service .exe
 * does.  Install it with
 *
 *     sc create Own binPath= "/usr/local/bin/ownservice" type= own
 *
 * It runs until stopped and counts the user controls (128..255) it gets;
 * the count is its dwServiceSpecificExitCode when it stops.  With
 * SVCHOST_CONSOLE=1 it runs without an SCM, for debugging.
 *
 * ownservice [--help | --version]
 *
 * Exit codes: 0 stopped (or help, version); 1 no SCM to connect to;
 * 2 usage.
 */
#include <svchost/winsvc.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    SERVICE_STATUS_HANDLE handle;
    SERVICE_STATUS status;
    pthread_mutex_t lock;
    pthread_cond_t stop;
    int stopping;
    DWORD user_controls;
} svc = { .lock = PTHREAD_MUTEX_INITIALIZER, .stop = PTHREAD_COND_INITIALIZER };

static void report(DWORD state)
{
    svc.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    svc.status.dwCurrentState = state;
    svc.status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
    SetServiceStatus(svc.handle, &svc.status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    (void)type;
    (void)data;
    (void)ctx;
    if (control == SERVICE_CONTROL_STOP) {
        pthread_mutex_lock(&svc.lock);
        svc.stopping = 1;
        report(SERVICE_STOP_PENDING);
        pthread_cond_signal(&svc.stop);
        pthread_mutex_unlock(&svc.lock);
        return NO_ERROR;
    }
    if (control == SERVICE_CONTROL_INTERROGATE)
        return NO_ERROR;
    if (control >= 128 && control <= 255) {
        pthread_mutex_lock(&svc.lock);
        svc.user_controls++;
        pthread_mutex_unlock(&svc.lock);
        return NO_ERROR;
    }
    return ERROR_CALL_NOT_IMPLEMENTED;
}

static VOID WINAPI own_main(DWORD argc, LPSTR *argv)
{
    (void)argc;
    /* argv[0] is the name the service is installed as, whatever the
     * table below says: one program can be installed under several. */
    fprintf(stderr, "ownservice: running as %s\n", argv[0]);
    svc.handle = RegisterServiceCtrlHandlerExA(argv[0], handler, NULL);
    if (svc.handle == NULL)
        return;
    pthread_mutex_lock(&svc.lock);
    report(SERVICE_RUNNING);
    while (!svc.stopping)
        pthread_cond_wait(&svc.stop, &svc.lock);
    pthread_mutex_unlock(&svc.lock);
    svc.status.dwServiceSpecificExitCode = svc.user_controls;
    report(SERVICE_STOPPED);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ownservice [--help | --version]\n"
               "An own-process service: install it with\n"
               "  sc create NAME binPath= /path/to/ownservice type= own\n"
               "SVCHOST_CONSOLE=1 runs it without an SCM.  Exit: 0 stopped, 1 failure, 2 usage.\n");
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("ownservice (svchost) %s\n", SVCHOST_VERSION);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "ownservice: unexpected argument '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    /* For an own-process service the SCM does not match the table's name,
     * as on Windows: the one entry runs whichever service it was
     * started for. */
    SERVICE_TABLE_ENTRYA table[] = {
        { (LPSTR) "OwnService", own_main },
        { NULL, NULL },
    };
    if (!StartServiceCtrlDispatcherA(table)) {
        DWORD err = GetLastError();
        fprintf(stderr, "ownservice: StartServiceCtrlDispatcher FAILED %u\n", (unsigned)err);
        return 1;
    }
    return 0;
}
