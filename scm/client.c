/*
 * client.c - the client request table (see client.h).
 *
 * A request is decoded whole first; one that does not decode exactly
 * closes that connection and nothing else.  A request on a service then
 * finds it (ERROR_SERVICE_DOES_NOT_EXIST if it does not exist); access.c
 * decides whether the caller holds the right the row names; only then
 * does the handler run.
 */
#include "client.h"
#include "access.h"
#include "conn.h"
#include "control.h"
#include "deps.h"
#include "effects.h"
#include "jobs.h"
#include "events.h"
#include "host_chan.h"
#include "hosting.h"
#include "service_db.h"
#include "table.h"
#include "usage.h"
#include "sddl.h"
#include "win32.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A decoded request: the fields its message carries. */
struct req {
    struct scm *scm;
    struct scm_waiter w;            /* the client and the request id */
    const struct scm_caller *who;
    struct scm_service *s;          /* requests on a service */
    char *name;
    uint32_t access, control, type, state;
    char **args;
    char *group;
    struct svc_msg_config cfg;
    int has_cfg;                    /* cfg was decoded (CREATE, CHANGE) */
    uint32_t info;                  /* QUERY_SECURITY, SET_SECURITY */
    char *sddl;                     /* SET_SECURITY */
};

/* ---- decoding (proto.h's unpack functions): 0 or -EPROTO ------------------------------- */

static int dec_nothing(struct svc_rbuf *r, struct req *q)
{
    (void)q;
    return svc_msg_empty_unpack(r);
}

static int dec_access(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_open_manager_unpack(r, &q->access);
}

static int dec_name(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_name_unpack(r, &q->name);
}

static int dec_name_access(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_open_service_unpack(r, &q->name, &q->access);
}

static int dec_name_args(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_start_service_unpack(r, &q->name, &q->args);
}

static int dec_name_control(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_control_service_unpack(r, &q->name, &q->control);
}

static int dec_name_state(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_enum_dependents_unpack(r, &q->name, &q->state);
}

static int dec_create(struct svc_rbuf *r, struct req *q)
{
    q->has_cfg = 1;
    return svc_msg_create_service_unpack(r, &q->access, &q->cfg);
}

static int dec_change(struct svc_rbuf *r, struct req *q)
{
    q->has_cfg = 1;
    if (svc_msg_change_config_unpack(r, &q->cfg) < 0)
        return -EPROTO;
    q->name = strdup(q->cfg.name);
    return q->name ? 0 : -ENOMEM;
}

static int dec_enum(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_enum_services_unpack(r, &q->type, &q->state, &q->group);
}

static int dec_query_security(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_query_security_unpack(r, &q->name, &q->info);
}

static int dec_set_security(struct svc_rbuf *r, struct req *q)
{
    return svc_msg_set_security_unpack(r, &q->name, &q->info, &q->sddl);
}

static void req_free(struct req *q)
{
    free(q->sddl);
    free(q->name);
    free(q->group);
    svc_strv_free(q->args);
    if (q->has_cfg)
        svc_msg_config_free(&q->cfg);
}

/* ---- encoding helpers ----------------------------------------------------------------- */

static void reply(struct req *q, DWORD err)
{
    scm_reply_error(q->scm, &q->w, err);
}

static void reply_str(struct req *q, const char *s)
{
    struct svc_wbuf w;
    svc_wbuf_init(&w);
    svc_msg_name_reply_pack(&w, s);
    scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
}

static int state_matches(const struct scm_service *s, uint32_t state)
{
    return scm_service_active(s) ? (state & SERVICE_ACTIVE) != 0 : (state & SERVICE_INACTIVE) != 0;
}

static struct svc_msg_service entry(const struct scm_service *s)
{
    return (struct svc_msg_service){ .name = s->name, .display = (char *)scm_service_display(s),
                                     .status = s->status };
}

/* Answers with the services list v (n entries). */
static void reply_services(struct req *q, const struct svc_msg_service *v, size_t n)
{
    struct svc_wbuf w;
    svc_wbuf_init(&w);
    svc_msg_services_reply_pack(&w, v, n);
    scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
}

/* ---- handlers: the caller's right is already checked ----------------------------------- */

static void req_open_manager(struct req *q)
{
    struct svc_wbuf w;

    /* Where an enumeration may read the services (status_table.h). */
    svc_wbuf_init(&w);
    svc_msg_open_manager_reply_pack(&w, scm_table_instance(q->scm));
    scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
}

/* A new handle to s: its name and where its status is published. */
static void reply_handle(struct req *q, const struct scm_service *s)
{
    struct svc_wbuf w;

    svc_wbuf_init(&w);
    svc_msg_open_service_reply_pack(&w, s->name, &(struct svc_msg_slot){
        s->slot, s->slot_gen, scm_table_instance(q->scm) });
    scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
}

static void req_create(struct req *q)
{
    char installer[128];
    struct passwd *pw = getpwuid(q->who->uid);
    struct scm_service *s;

    snprintf(installer, sizeof installer, "%s (uid %u)", pw ? pw->pw_name : "?", (unsigned)q->who->uid);
    DWORD err = scm_db_create(q->scm, &q->cfg, installer);
    s = err == NO_ERROR ? scm_service_find(q->scm, q->cfg.name) : NULL;
    /* CreateService returns a handle: the connection holds it. */
    if (err == NO_ERROR && (s == NULL || scm_conn_handle_open(q->w.client, q->cfg.name) < 0)) {
        if (s != NULL)
            scm_db_delete(q->scm, s);
        err = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err != NO_ERROR)
        reply(q, err);
    else
        reply_handle(q, s);
}

static void req_open_service(struct req *q)
{
    if (scm_conn_handle_open(q->w.client, q->s->name) < 0)
        reply(q, ERROR_NOT_ENOUGH_MEMORY);
    else
        reply_handle(q, q->s);
}

/* CloseServiceHandle: no right beyond holding the handle. */
static void req_close_service(struct req *q)
{
    reply(q, scm_conn_handle_close(q->scm, q->w.client, q->s->name) == 0 ? NO_ERROR
                                                                          : ERROR_INVALID_HANDLE);
}

static void req_start(struct req *q)
{
    DWORD err;

    /* Deleted, kept only while handles to it are open (StartService:
     * ERROR_SERVICE_MARKED_FOR_DELETE). */
    if (q->s->marked_for_delete) {
        reply(q, ERROR_SERVICE_MARKED_FOR_DELETE);
        return;
    }
    err = scm_job_start(q->scm, q->s, q->w, q->args);
    q->args = NULL;   /* the job owns them, or they were freed */
    if (err != NO_ERROR)
        reply(q, err);
}

static void req_control(struct req *q)
{
    DWORD err = scm_control_send(q->scm, q->s, q->control, q->w);
    if (err != NO_ERROR)
        reply(q, err);
}

static void req_query_status(struct req *q)
{
    scm_reply_status(q->scm, &q->w, NO_ERROR, &q->s->status);
}

static void req_query_config(struct req *q)
{
    struct svc_msg_config m;
    struct svc_wbuf w;

    scm_db_config_msg(q->s, &m);
    svc_wbuf_init(&w);
    svc_msg_config_reply_pack(&w, &m);
    scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
    svc_msg_config_free(&m);
}

static void req_change_config(struct req *q)
{
    reply(q, scm_db_change(q->scm, q->s, &q->cfg));
}

static void req_delete(struct req *q)
{
    reply(q, scm_db_delete(q->scm, q->s));
}

static int enum_wants(const struct req *q, const struct scm_service *s)
{
    if (!(s->cfg->type & q->type) || !state_matches(s, q->state))
        return 0;
    if (q->group == NULL)
        return 1;
    return q->group[0] == '\0' ? s->cfg->load_order_group == NULL : scm_service_in_group(s, q->group);
}

static void req_enum_services(struct req *q)
{
    struct svc_msg_service *v;
    size_t n = 0, cap = 0;

    if (q->state == 0 || (q->state & ~(uint32_t)SERVICE_STATE_ALL)) {
        reply(q, ERROR_INVALID_PARAMETER);
        return;
    }
    if (q->group != NULL && q->group[0] != '\0') {
        /* As Windows: naming a group nothing belongs to is an error. */
        struct scm_service **members;
        int k = scm_deps_group_members(q->scm, q->group, &members);
        free(members);
        if (k <= 0) {
            reply(q, k < 0 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_SERVICE_DOES_NOT_EXIST);
            return;
        }
    }
    for (const struct scm_service *s = q->scm->services; s; s = s->next)
        cap += (size_t)enum_wants(q, s);
    v = calloc(cap ? cap : 1, sizeof *v);
    if (v == NULL) {
        reply(q, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    for (const struct scm_service *s = q->scm->services; s; s = s->next)
        if (enum_wants(q, s))
            v[n++] = entry(s);
    reply_services(q, v, n);
    free(v);
}

static void req_enum_dependents(struct req *q)
{
    struct scm_service **list;
    int count = scm_deps_all(q->scm, q->s, &list);
    struct svc_msg_service *v;
    size_t n = 0;

    v = count < 0 ? NULL : calloc(count ? (size_t)count : 1, sizeof *v);
    if (v == NULL) {
        free(list);
        reply(q, ERROR_NOT_ENOUGH_MEMORY);
        return;
    }
    for (int i = 0; i < count; i++)
        if (state_matches(list[i], q->state))
            v[n++] = entry(list[i]);
    reply_services(q, v, n);
    free(v);
    free(list);
}

static void req_display_name(struct req *q)
{
    struct scm_service *s = scm_service_find(q->scm, q->name);
    if (s == NULL)
        reply(q, ERROR_SERVICE_DOES_NOT_EXIST);
    else
        reply_str(q, scm_service_display(s));
}

static void req_key_name(struct req *q)
{
    struct scm_service *s = scm_service_find_display(q->scm, q->name);
    if (s == NULL)
        reply(q, ERROR_SERVICE_DOES_NOT_EXIST);
    else
        reply_str(q, s->name);
}

static void req_enum_hosts(struct req *q)
{
    struct svc_msg_host *v;
    struct svc_wbuf w;
    size_t n = 0, cap = 0;

    for (struct scm_host *h = scm_host_first(q->scm); h; h = scm_host_next(h))
        cap++;
    v = calloc(cap ? cap : 1, sizeof *v);
    for (struct scm_host *h = scm_host_first(q->scm); v && h; h = scm_host_next(h), n++) {
        size_t k = 0;
        v[n].pid = (uint32_t)scm_host_pid(h);
        v[n].group = (char *)scm_host_group(h);
        v[n].services = calloc(scm_hosting_active(q->scm, h) + 1, sizeof *v[n].services);
        for (struct scm_service *s = q->scm->services; v[n].services && s; s = s->next)
            if (s->host == h && scm_service_active(s))
                v[n].services[k++] = s->name;
    }
    svc_wbuf_init(&w);
    if (v == NULL)
        w.err = -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (v[i].services == NULL)
            w.err = -ENOMEM;
    svc_msg_hosts_reply_pack(&w, v, n);
    if (w.err)
        reply(q, ERROR_NOT_ENOUGH_MEMORY);
    else
        scm_reply_buffer(q->scm, &q->w, &w);
    svc_wbuf_free(&w);
    for (size_t i = 0; i < n; i++)
        free(v[i].services);   /* the names are the services' own */
    free(v);
}

static void req_enum_usage(struct req *q)
{
    scm_usage_start(q->scm, q->w);
}

/* QueryServiceObjectSecurity / SetServiceObjectSecurity's information:
 * NO_ERROR for owner, group and DACL in any mix; a SACL is never held
 * (ERROR_PRIVILEGE_NOT_HELD, as for a caller without SeSecurityPrivilege);
 * nothing, or another bit, is ERROR_INVALID_PARAMETER. */
static DWORD security_info_ok(uint32_t info)
{
    if (info == 0 || (info & ~(uint32_t)(SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL | SVC_SI_SACL)))
        return ERROR_INVALID_PARAMETER;
    return (info & SVC_SI_SACL) ? ERROR_PRIVILEGE_NOT_HELD : NO_ERROR;
}

static enum scm_object security_object(const struct req *q)
{
    return q->name == NULL ? SCM_OBJ_MANAGER : SCM_OBJ_SERVICE;
}

static void req_query_security(struct req *q)
{
    enum scm_object kind = security_object(q);
    DWORD err = security_info_ok(q->info);
    struct svc_sd sd;
    char *text = NULL;

    if (err != NO_ERROR) {
        reply(q, err);
        return;
    }
    if (svc_sddl_parse(scm_access_sddl(q->scm, kind, q->s), &sd, NULL, 0) != 0 ||
        svc_sddl_format(&sd, q->info, &text) != 0)
        err = ERROR_NOT_ENOUGH_MEMORY;
    svc_sd_free(&sd);
    if (err != NO_ERROR)
        reply(q, err);
    else
        reply_str(q, text);
    free(text);
}

/* The parts of `change` that info names replace those of the current
 * descriptor; the whole result, canonical, in *out.  Win32 error. */
static DWORD security_merge(const char *current, const char *change, uint32_t info, char **out)
{
    struct svc_sd cur, chg;
    char why[160];
    DWORD err = NO_ERROR;

    *out = NULL;
    if (svc_sddl_parse(change, &chg, why, sizeof why) != 0) {
        svc_sd_free(&chg);
        return ERROR_INVALID_PARAMETER;
    }
    if (((info & SVC_SI_OWNER) && !chg.has_owner) || ((info & SVC_SI_GROUP) && !chg.has_group) ||
        ((info & SVC_SI_DACL) && !(chg.control & SVC_SE_DACL_PRESENT))) {
        svc_sd_free(&chg);
        return ERROR_INVALID_PARAMETER;   /* a part named that the descriptor lacks */
    }
    if (svc_sddl_parse(current, &cur, NULL, 0) != 0)
        memset(&cur, 0, sizeof cur);      /* unreadable: replaced by what is given */
    if (info & SVC_SI_OWNER) {
        cur.has_owner = 1;
        cur.owner = chg.owner;
    }
    if (info & SVC_SI_GROUP) {
        cur.has_group = 1;
        cur.group = chg.group;
    }
    if (info & SVC_SI_DACL) {
        svc_sd_free(&cur);
        cur.control = chg.control;
        cur.dacl_null = chg.dacl_null;
        cur.aces = chg.aces;
        cur.n_aces = chg.n_aces;
        chg.aces = NULL;
        chg.n_aces = 0;
    }
    if (svc_sddl_format(&cur, SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL, out) != 0)
        err = ERROR_NOT_ENOUGH_MEMORY;
    svc_sd_free(&cur);
    svc_sd_free(&chg);
    return err;
}

static void req_set_security(struct req *q)
{
    enum scm_object kind = security_object(q);
    DWORD err = security_info_ok(q->info);
    char *old = NULL, *merged = NULL;

    if (err == NO_ERROR && q->s != NULL && q->s->marked_for_delete)
        err = ERROR_SERVICE_MARKED_FOR_DELETE;
    if (err == NO_ERROR && (old = strdup(scm_access_sddl(q->scm, kind, q->s))) == NULL)
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (err == NO_ERROR)
        err = security_merge(old, q->sddl, q->info, &merged);
    if (err == NO_ERROR)
        err = scm_db_set_security(q->scm, q->s, merged);
    if (err == NO_ERROR)
        scm_event(q->scm, SCM_EVENT_PERMISSIONS_CHANGED, q->s ? q->s->name : NULL,
                  "Permissions on an object were changed. Subject: uid %u. Object: %s%s. "
                  "Original Security Descriptor: %s. New Security Descriptor: %s.",
                  (unsigned)q->who->uid, q->s ? "service " : "the Service Control Manager",
                  q->s ? scm_service_display(q->s) : "", old, merged);
    /* Whether every user may read its status from the table, or the
     * list of services from its names file, may have changed with it. */
    if (err == NO_ERROR && q->s != NULL && q->scm->fx->published)
        q->scm->fx->published(q->scm, q->s);
    if (err == NO_ERROR && q->s == NULL)
        scm_table_names_public(q->scm, scm_access_public(q->scm, SCM_OBJ_MANAGER, NULL,
                                                         SC_MANAGER_ENUMERATE_SERVICE));
    free(old);
    free(merged);
    reply(q, err);
}

/* ---- the table ------------------------------------------------------------------------------ */

/* The right a control code needs (SERVICE_STOP, SERVICE_PAUSE_CONTINUE,
 * ...); an invalid code needs none and is refused by the control layer. */
static uint32_t right_of_control(const struct req *q)
{
    return svc_control_access(q->control);
}

/* Open calls need the access they ask for. */
static uint32_t right_of_open(const struct req *q)
{
    return q->access;
}

/* Reading owner, group or DACL needs READ_CONTROL; a SACL is refused by
 * the handler. */
static uint32_t right_of_query_security(const struct req *q)
{
    return (q->info & (SVC_SI_OWNER | SVC_SI_GROUP | SVC_SI_DACL)) ? READ_CONTROL : 0;
}

/* Replacing the DACL needs WRITE_DAC; the owner or group, WRITE_OWNER. */
static uint32_t right_of_set_security(const struct req *q)
{
    return ((q->info & SVC_SI_DACL) ? WRITE_DAC : 0) |
           ((q->info & (SVC_SI_OWNER | SVC_SI_GROUP)) ? WRITE_OWNER : 0);
}

static const struct client_request {
    uint16_t type;
    int (*decode)(struct svc_rbuf *r, struct req *q);
    enum scm_object object;          /* SCM_OBJ_SERVICE: q->name is looked up first */
    uint32_t right;                  /* the right it needs ... */
    uint32_t (*right_of)(const struct req *q);   /* ... or read from the request */
    void (*handler)(struct req *q);
} client_requests[] = {
    { SVC_MSG_OPEN_MANAGER, dec_access, SCM_OBJ_MANAGER, 0, right_of_open, req_open_manager },
    { SVC_MSG_CREATE_SERVICE, dec_create, SCM_OBJ_MANAGER, SC_MANAGER_CREATE_SERVICE, NULL, req_create },
    { SVC_MSG_OPEN_SERVICE, dec_name_access, SCM_OBJ_SERVICE, 0, right_of_open, req_open_service },
    { SVC_MSG_START_SERVICE, dec_name_args, SCM_OBJ_SERVICE, SERVICE_START, NULL, req_start },
    { SVC_MSG_CONTROL_SERVICE, dec_name_control, SCM_OBJ_SERVICE, 0, right_of_control, req_control },
    { SVC_MSG_QUERY_STATUS, dec_name, SCM_OBJ_SERVICE, SERVICE_QUERY_STATUS, NULL, req_query_status },
    { SVC_MSG_QUERY_CONFIG, dec_name, SCM_OBJ_SERVICE, SERVICE_QUERY_CONFIG, NULL, req_query_config },
    { SVC_MSG_CHANGE_CONFIG, dec_change, SCM_OBJ_SERVICE, SERVICE_CHANGE_CONFIG, NULL, req_change_config },
    { SVC_MSG_DELETE_SERVICE, dec_name, SCM_OBJ_SERVICE, DELETE, NULL, req_delete },
    { SVC_MSG_ENUM_SERVICES, dec_enum, SCM_OBJ_MANAGER, SC_MANAGER_ENUMERATE_SERVICE, NULL, req_enum_services },
    { SVC_MSG_ENUM_DEPENDENTS, dec_name_state, SCM_OBJ_SERVICE, SERVICE_ENUMERATE_DEPENDENTS, NULL, req_enum_dependents },
    { SVC_MSG_GET_DISPLAY_NAME, dec_name, SCM_OBJ_MANAGER, SC_MANAGER_CONNECT, NULL, req_display_name },
    { SVC_MSG_GET_KEY_NAME, dec_name, SCM_OBJ_MANAGER, SC_MANAGER_CONNECT, NULL, req_key_name },
    { SVC_MSG_ENUM_HOSTS, dec_nothing, SCM_OBJ_MANAGER, SC_MANAGER_ENUMERATE_SERVICE, NULL, req_enum_hosts },
    { SVC_MSG_ENUM_USAGE, dec_nothing, SCM_OBJ_MANAGER, SC_MANAGER_ENUMERATE_SERVICE, NULL, req_enum_usage },
    { SVC_MSG_CLOSE_SERVICE, dec_name, SCM_OBJ_SERVICE, 0, NULL, req_close_service },
    { SVC_MSG_QUERY_SECURITY, dec_query_security, SCM_OBJ_SERVICE, 0, right_of_query_security,
      req_query_security },
    { SVC_MSG_SET_SECURITY, dec_set_security, SCM_OBJ_SERVICE, 0, right_of_set_security,
      req_set_security },
};

/* The Win32 call behind a request, for the lines about refusals. */
static const char *request_name(uint16_t type)
{
    switch (type) {
    case SVC_MSG_OPEN_MANAGER: return "OpenSCManager";
    case SVC_MSG_CREATE_SERVICE: return "CreateService";
    case SVC_MSG_OPEN_SERVICE: return "OpenService";
    case SVC_MSG_START_SERVICE: return "StartService";
    case SVC_MSG_CONTROL_SERVICE: return "ControlService";
    case SVC_MSG_QUERY_STATUS: return "QueryServiceStatus";
    case SVC_MSG_QUERY_CONFIG: return "QueryServiceConfig";
    case SVC_MSG_CHANGE_CONFIG: return "ChangeServiceConfig";
    case SVC_MSG_DELETE_SERVICE: return "DeleteService";
    case SVC_MSG_ENUM_SERVICES: return "EnumServicesStatusEx";
    case SVC_MSG_ENUM_DEPENDENTS: return "EnumDependentServices";
    case SVC_MSG_GET_DISPLAY_NAME: return "GetServiceDisplayName";
    case SVC_MSG_GET_KEY_NAME: return "GetServiceKeyName";
    case SVC_MSG_ENUM_HOSTS: return "SvchostEnumHosts";
    case SVC_MSG_ENUM_USAGE: return "SvchostEnumUsage";
    case SVC_MSG_QUERY_SECURITY: return "QueryServiceObjectSecurity";
    case SVC_MSG_SET_SECURITY: return "SetServiceObjectSecurity";
    default: return "a request";
    }
}

int scm_client_request(struct scm *scm, struct scm_client *c, const struct scm_caller *who,
                       const struct svc_frame_header *h, const uint8_t *payload)
{
    const struct client_request *row = NULL;
    enum scm_object object;
    uint32_t wanted;
    struct req q;
    struct svc_rbuf r;
    DWORD err;

    for (size_t i = 0; i < sizeof client_requests / sizeof client_requests[0] && !row; i++)
        if (client_requests[i].type == h->type)
            row = &client_requests[i];
    if (row == NULL)
        return -EPROTO;
    memset(&q, 0, sizeof q);
    q.scm = scm;
    q.w = (struct scm_waiter){ c, h->id };
    q.who = who;
    svc_rbuf_init(&r, payload, h->length);
    if (row->decode(&r, &q) < 0) {
        req_free(&q);
        return -EPROTO;
    }
    object = row->object;
    /* The security requests name a service, or nothing: the SCM itself. */
    if (h->type == SVC_MSG_QUERY_SECURITY || h->type == SVC_MSG_SET_SECURITY)
        object = security_object(&q);
    wanted = row->right_of ? row->right_of(&q) : row->right;
    if (object == SCM_OBJ_SERVICE && (q.s = scm_service_find(scm, q.name)) == NULL) {
        err = ERROR_SERVICE_DOES_NOT_EXIST;
    } else {
        err = scm_access_check(scm, who, object, q.s, wanted);
        if (err != NO_ERROR)
            scm_access_log_refusal(scm, who, object, q.s, wanted, request_name(h->type));
    }
    if (err != NO_ERROR)
        reply(&q, err);
    else
        row->handler(&q);
    req_free(&q);
    return 0;
}
