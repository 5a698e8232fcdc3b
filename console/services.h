/*
 * services.h - services, their configuration, failure actions and
 * dependencies as JSON (docs/console.md), read and changed through the
 * Win32 client API only: what sc does, for the console's API.
 *
 * Every function is called with m->lock held and returns NO_ERROR or the
 * Win32 error of the call that failed, with f filled in (f->text says
 * what was wrong with the request for ERROR_INVALID_PARAMETER).  Each
 * service is opened with the rights its operation needs, so the SCM
 * decides, as it does for sc.
 */
#ifndef SVCCONSOLE_SERVICES_H
#define SVCCONSOLE_SERVICES_H

#include <jansson.h>

#include "machine.h"

struct fail {
    DWORD code;
    char text[256];         /* empty: the code's system message */
};

/* Sets f and returns code; fmt NULL leaves the text to the code. */
DWORD fail_set(struct fail *f, DWORD code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every service of m (EnumServicesStatusEx), each an object with its
 * status; with config, also its configuration and description (a service
 * that cannot be queried carries "config_error"). */
DWORD services_list(struct machine *m, int config, json_t **out, struct fail *f);

/* One service: status, configuration, description, failure actions,
 * dependencies both ways. */
DWORD service_get(struct machine *m, const char *name, json_t **out, struct fail *f);
DWORD service_config(struct machine *m, const char *name, json_t **out, struct fail *f);
DWORD service_failure(struct machine *m, const char *name, json_t **out, struct fail *f);
DWORD service_dependencies(struct machine *m, const char *name, json_t **out, struct fail *f);
/* The service's status only. */
DWORD service_status(struct machine *m, const char *name, json_t **out, struct fail *f);

/* Changes from a JSON object (docs/console.md lists the fields); an
 * unknown field or a wrong type is ERROR_INVALID_PARAMETER before any
 * change is made.  *out is the new configuration or failure actions. */
DWORD service_config_change(struct machine *m, const char *name, json_t *body, json_t **out,
                            struct fail *f);
DWORD service_failure_change(struct machine *m, const char *name, json_t *body, json_t **out,
                             struct fail *f);

/* StartService with the strings of body's "args" (body may be NULL). */
DWORD service_start(struct machine *m, const char *name, json_t *body, struct fail *f);
/* ControlService with SERVICE_CONTROL_STOP, PAUSE or CONTINUE. */
DWORD service_control(struct machine *m, const char *name, DWORD control, struct fail *f);

/* The state's name ("RUNNING"), or "UNKNOWN". */
const char *state_name(DWORD state);

#endif
