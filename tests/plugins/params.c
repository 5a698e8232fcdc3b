/* params: exercises the host globals.  On start it writes to [Parameters]
 * Out one "KEY=VALUE" line per key of the comma-separated [Parameters]
 * Keys ("KEY=<missing>" when absent; each read first with a 4-byte buffer
 * to take the ERROR_MORE_DATA path), then "argv[i]=..." per argument.
 * Registers a stop callback that appends "stopped".  Accepts STOP. */
#include "testsvc.h"

static void write_values(struct testsvc *t, DWORD argc, LPSTR *argv)
{
    char keys[512], small[4];
    DWORD cb = sizeof keys;

    if (g->GetParameter(t->name, "Keys", keys, &cb) != ERROR_SUCCESS)
        keys[0] = '\0';
    for (char *save = NULL, *k = strtok_r(keys, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        DWORD need = sizeof small;
        DWORD err = g->GetParameter(t->name, k, small, &need);
        if (err == ERROR_FILE_NOT_FOUND) {
            testsvc_note(t->name, "%s=<missing>", k);
            continue;
        }
        if (err == ERROR_MORE_DATA) {
            char *value = malloc(need);
            if (value && g->GetParameter(t->name, k, value, &need) == ERROR_SUCCESS)
                testsvc_note(t->name, "%s=%s", k, value);
            free(value);
        } else if (err == ERROR_SUCCESS) {
            testsvc_note(t->name, "%s=%s", k, small);
        }
    }
    for (DWORD i = 0; i < argc; i++)
        testsvc_note(t->name, "argv[%u]=%s", (unsigned)i, argv[i]);
}

static VOID WINAPI on_stopped(LPCSTR name, PVOID ctx)
{
    testsvc_note(name, "stopped");
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
    struct testsvc *t = ctx;

    if (control == SERVICE_CONTROL_STOP) {
        testsvc_report(t, SERVICE_STOP_PENDING, 0, 1, 2000);
        testsvc_request_stop(t);
        return NO_ERROR;
    }
    if (control == 129) {
        write_values(t, 0, NULL);
        return NO_ERROR;
    }
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    struct testsvc *t = testsvc_new(argv[0]);

    if (t == NULL || g == NULL)
        return;
    t->handle = RegisterServiceCtrlHandlerExA(argv[0], handler, t);
    if (t->handle == NULL) {
        testsvc_free(t);
        return;
    }
    g->RegisterStopCallback(t->name, on_stopped, NULL);
    write_values(t, argc, argv);
    testsvc_report(t, SERVICE_RUNNING, SERVICE_ACCEPT_STOP, 0, 0);
    testsvc_wait_stop(t);
    testsvc_report(t, SERVICE_STOPPED, 0, 0, 0);
    testsvc_free(t);
}
