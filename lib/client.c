/*
 * client.c - the SCM client API of winsvc.h ("Control side") and its
 * svcctl.h extensions, over the client socket of scmd.
 *
 * Each call checks what Windows checks on the client side of its RPC
 * (handle, required pointers, info levels, the access granted on the
 * handle), sends one request (proto.h), and lays the reply out in the
 * caller's buffer with Win32's conventions: a structure or array first,
 * the strings it points to after it in the same buffer, and
 * ERROR_INSUFFICIENT_BUFFER / ERROR_MORE_DATA with the size needed when
 * the buffer is too small.  Errors become SetLastError() here and only
 * here (client.h explains the internal convention).
 */
#include "client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <svchost/svcctl.h>

#include "config.h"
#include "sddl.h"
#include "remote.h"
#include "status_table.h"
#include "win32.h"

DWORD svc_client_error(int r)
{
    if (r > 0)
        return (DWORD)r;
    switch (-r) {
    case EPIPE:
    case ECONNRESET:
        return ERROR_BROKEN_PIPE;
    case EPROTO:
    case EMSGSIZE:
        return ERROR_INVALID_DATA;
    default:
        return svc_errno_to_win32(r);
    }
}

static BOOL fail(int r)
{
    SetLastError(svc_client_error(r));
    return FALSE;
}

static SC_HANDLE fail_handle(int r)
{
    SetLastError(svc_client_error(r));
    return NULL;
}

/* The end of an entry point that holds a reference on h: drops it and
 * turns the call's result into TRUE, or FALSE with the last error. */
static BOOL put_result(SC_HANDLE h, int rc)
{
    svc_handle_put(h);
    return rc == 0 ? TRUE : fail(rc);
}

/* The struct fields of svc_msg_config are char * for the decoder's sake;
 * the encoder only reads them. */
static char *unconst(const char *s)
{
    return (char *)(uintptr_t)s;
}

/* ERROR_ACCESS_DENIED unless the handle was granted every right in need,
 * as the SCM checks a handle's granted access before acting on it. */
static int need_access(SC_HANDLE h, DWORD need)
{
    return (h->access & need) == need ? 0 : ERROR_ACCESS_DENIED;
}

/* The last checks of a call that fills the caller's buffer: a NULL
 * buffer must say it is empty, then the handle needs its right. */
static int check_buffer(SC_HANDLE h, const void *buf, DWORD cb, DWORD need)
{
    if (buf == NULL && cb != 0)
        return ERROR_INVALID_PARAMETER;
    return need_access(h, need);
}

/* An enumeration's two counts are required, and read 0 unless set. */
static int start_counts(LPDWORD needed, LPDWORD returned)
{
    if (needed == NULL || returned == NULL)
        return ERROR_INVALID_PARAMETER;
    *needed = 0;
    *returned = 0;
    return 0;
}

/* ---- Requests ---------------------------------------------------------- */

/* Sends the request built in w (and frees w).  A payload that could not
 * be built because a string or list is over the protocol's limits is the
 * caller's parameter error (-EINVAL, ERROR_INVALID_PARAMETER), not a
 * transport failure. */
static int request(struct svc_conn *c, uint16_t type, struct svc_wbuf *w, struct svc_reply *rep)
{
    int rc;

    if (w->err == -ENOMEM)
        rc = -ENOMEM;
    else if (w->err != 0)
        rc = -EINVAL;
    else
        rc = svc_conn_call(c, type, w, rep);
    svc_wbuf_free(w);
    return rc;
}

/* A request whose reply carries nothing but its error. */
static int request_plain(struct svc_conn *c, uint16_t type, struct svc_wbuf *w)
{
    struct svc_reply rep;
    int rc = request(c, type, w, &rep);

    if (rc == 0)
        rc = svc_reply_finish(c, &rep);
    return rc;
}

/* Whether a table read that returned rc may be taken: 0 is, 1 is once
 * the connection shows that scmd has not closed it. */
static int table_answer(struct svc_conn *c, int rc)
{
    return rc == 0 || (rc == 1 && svc_conn_local_alive(c));
}

static int query_status(SC_HANDLE h, SERVICE_STATUS_PROCESS *st)
{
    struct svc_wbuf w;
    struct svc_reply rep;
    int rc;

    /* From the local scmd's shared table, when it publishes the service
     * and still keeps the table: no round trip (status_table.h). */
    if (h->slot.slot != SVC_TABLE_NO_SLOT && svc_conn_local(h->conn) &&
        table_answer(h->conn, svc_table_client_read(h->slot.slot, h->slot.gen, h->slot.table, st)))
        return 0;
    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, h->name);
    rc = request(h->conn, SVC_MSG_QUERY_STATUS, &w, &rep);
    if (rc != 0)
        return rc;
    svc_msg_status_reply_unpack(&rep.r, st); /* an error stays in rep.r for finish */
    return svc_reply_finish(h->conn, &rep);
}

static int query_config(SC_HANDLE h, struct svc_msg_config *cfg)
{
    struct svc_wbuf w;
    struct svc_reply rep;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, h->name);
    rc = request(h->conn, SVC_MSG_QUERY_CONFIG, &w, &rep);
    if (rc != 0)
        return rc;
    svc_msg_config_reply_unpack(&rep.r, cfg); /* an error stays in rep.r for finish */
    rc = svc_reply_finish(h->conn, &rep);
    if (rc != 0)
        svc_msg_config_free(cfg);
    return rc;
}

/* ---- Laying replies out in the caller's buffer -------------------------- */

/* Strings are copied one after another from base + off. */
struct packer {
    char *base;
    size_t off;
};

static char *pack_str(struct packer *p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = p->base + p->off;

    memcpy(d, s, n);
    p->off += n;
    return d;
}

/* A double-NUL-terminated list: the entries of a, then those of plus
 * each prefixed with SC_GROUP_IDENTIFIER, then an empty string.  An empty
 * list is written "\0\0", so that readers expecting two NULs find them. */
static size_t multisz_size(char *const *a, char *const *plus)
{
    size_t n = 0;

    for (size_t i = 0; a != NULL && a[i] != NULL; i++)
        n += strlen(a[i]) + 1;
    for (size_t i = 0; plus != NULL && plus[i] != NULL; i++)
        n += 1 + strlen(plus[i]) + 1;
    return n == 0 ? 2 : n + 1;
}

static char *pack_multisz(struct packer *p, char *const *a, char *const *plus)
{
    size_t start = p->off;

    for (size_t i = 0; a != NULL && a[i] != NULL; i++)
        pack_str(p, a[i]);
    for (size_t i = 0; plus != NULL && plus[i] != NULL; i++) {
        p->base[p->off++] = SC_GROUP_IDENTIFIER;
        pack_str(p, plus[i]);
    }
    if (p->off == start)
        p->base[p->off++] = '\0';
    p->base[p->off++] = '\0';
    return p->base + start;
}

static size_t str_size(const char *s)
{
    return (s != NULL ? strlen(s) : 0) + 1;
}

/* ---- Dependencies -------------------------------------------------------- */

/*
 * Splits a CreateService/ChangeServiceConfig dependency list
 * ("Svc\0+Group\0\0") into services and groups.  The arrays point into
 * deps; free only the arrays.  NULL or an empty list gives two empty
 * lists.  0; -EINVAL for a group entry without a name (the caller's
 * ERROR_INVALID_PARAMETER); -ENOMEM.
 */
static int split_dependencies(const char *deps, char ***svc, char ***grp)
{
    size_t n = 0, ns = 0, ng = 0;

    *svc = *grp = NULL;
    for (const char *p = deps; p != NULL && *p != '\0'; p += strlen(p) + 1)
        n++;
    *svc = calloc(n + 1, sizeof **svc);
    *grp = calloc(n + 1, sizeof **grp);
    if (*svc == NULL || *grp == NULL) {
        free(*svc);
        free(*grp);
        *svc = *grp = NULL;
        return -ENOMEM;
    }
    for (const char *p = deps; p != NULL && *p != '\0'; p += strlen(p) + 1) {
        if (*p != SC_GROUP_IDENTIFIER) {
            (*svc)[ns++] = unconst(p);
        } else if (p[1] != '\0') {
            (*grp)[ng++] = unconst(p + 1);
        } else {
            free(*svc);
            free(*grp);
            *svc = *grp = NULL;
            return -EINVAL;
        }
    }
    return 0;
}

/* ---- Service lists (EnumServicesStatusEx, EnumDependentServices) --------- */

/* Reads the entries of an ENUM_SERVICES or ENUM_DEPENDENTS reply and
 * finishes rep. */
static int read_entries(struct svc_conn *c, struct svc_reply *rep, struct svc_msg_service **out,
                        size_t *count)
{
    int rc;

    svc_msg_services_reply_unpack(&rep->r, out, count); /* an error stays in rep->r */
    rc = svc_reply_finish(c, rep);
    if (rc != 0) {
        svc_msg_services_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return rc;
}

static size_t entry_size(const struct svc_msg_service *e, size_t struct_size)
{
    return struct_size + strlen(e->name) + 1 + strlen(e->display) + 1;
}

/* How many of e[first..n) fit, in order, in cb bytes. */
static size_t entries_fit(const struct svc_msg_service *e, size_t first, size_t n, size_t struct_size,
                          size_t cb)
{
    size_t used = 0, k = 0;

    for (size_t i = first; i < n; i++) {
        size_t sz = entry_size(&e[i], struct_size);

        if (sz > cb - used)
            break;
        used += sz;
        k++;
    }
    return k;
}

static size_t entries_bytes(const struct svc_msg_service *e, size_t first, size_t n, size_t struct_size)
{
    size_t total = 0;

    for (size_t i = first; i < n; i++)
        total += entry_size(&e[i], struct_size);
    return total;
}

static void copy_status(SERVICE_STATUS *to, const SERVICE_STATUS_PROCESS *from)
{
    to->dwServiceType = from->dwServiceType;
    to->dwCurrentState = from->dwCurrentState;
    to->dwControlsAccepted = from->dwControlsAccepted;
    to->dwWin32ExitCode = from->dwWin32ExitCode;
    to->dwServiceSpecificExitCode = from->dwServiceSpecificExitCode;
    to->dwCheckPoint = from->dwCheckPoint;
    to->dwWaitHint = from->dwWaitHint;
}

/* Writes k entries from e as an array of ENUM_SERVICE_STATUS_PROCESSA
 * (ex) or ENUM_SERVICE_STATUSA, strings after the array.  Structures go
 * through memcpy: the caller's buffer is only bytes. */
static void pack_entries(LPBYTE buf, const struct svc_msg_service *e, size_t k, int ex)
{
    size_t ssz = ex ? sizeof(ENUM_SERVICE_STATUS_PROCESSA) : sizeof(ENUM_SERVICE_STATUSA);
    struct packer p = {.base = (char *)buf, .off = k * ssz};

    for (size_t i = 0; i < k; i++) {
        if (ex) {
            ENUM_SERVICE_STATUS_PROCESSA x;

            x.lpServiceName = pack_str(&p, e[i].name);
            x.lpDisplayName = pack_str(&p, e[i].display);
            x.ServiceStatusProcess = e[i].status;
            memcpy(buf + i * ssz, &x, ssz);
        } else {
            ENUM_SERVICE_STATUSA x;

            x.lpServiceName = pack_str(&p, e[i].name);
            x.lpDisplayName = pack_str(&p, e[i].display);
            copy_status(&x.ServiceStatus, &e[i].status);
            memcpy(buf + i * ssz, &x, ssz);
        }
    }
}

static int valid_state_filter(DWORD state)
{
    return state == SERVICE_ACTIVE || state == SERVICE_INACTIVE || state == SERVICE_STATE_ALL;
}

/* ---- OpenSCManagerA ------------------------------------------------------ */

SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName, LPCSTR lpDatabaseName,
                                DWORD dwDesiredAccess)
{
    struct svc_conn *conn;
    struct svc_wbuf w;
    struct svc_reply rep;
    uint64_t table = 0;
    SC_HANDLE h;
    DWORD access;
    int rc;

    /* Windows: "ServicesFailed" names a database that does not exist;
     * any other name than "ServicesActive" is not a database name. */
    if (lpDatabaseName != NULL && strcasecmp(lpDatabaseName, "ServicesActive") != 0)
        return fail_handle(strcasecmp(lpDatabaseName, "ServicesFailed") == 0
                               ? ERROR_DATABASE_DOES_NOT_EXIST
                               : ERROR_INVALID_NAME);

    /* Another machine is reached through ssh (remote.h, docs/remote.md). */
    rc = svc_conn_open(svc_machine_is_local(lpMachineName) ? NULL : lpMachineName, &conn);
    if (rc == -ENOMEM)
        return fail_handle(rc);
    if (rc != 0)
        return fail_handle(RPC_S_SERVER_UNAVAILABLE);

    /* SC_MANAGER_CONNECT is implied by OpenSCManager. */
    access = svc_map_manager_access(dwDesiredAccess) | SC_MANAGER_CONNECT;
    svc_wbuf_init(&w);
    svc_msg_open_manager_pack(&w, access);
    rc = request(conn, SVC_MSG_OPEN_MANAGER, &w, &rep);
    if (rc == 0) {
        svc_msg_open_manager_reply_unpack(&rep.r, &table);
        rc = svc_reply_finish(conn, &rep);
    }
    rc = svc_conn_first_error(conn, rc);
    h = rc == 0 ? svc_handle_new(SVC_HANDLE_MANAGER, conn, access, NULL) : NULL;
    if (rc == 0 && h == NULL)
        rc = -ENOMEM;
    /* No slot of its own: the table's instance, for enumerations. */
    if (h != NULL)
        h->slot = (struct svc_msg_slot){ .slot = SVC_TABLE_NO_SLOT, .table = table };
    svc_conn_unref(conn); /* the handle holds its own reference */
    return rc == 0 ? h : fail_handle(rc);
}

/* ---- CreateServiceA ------------------------------------------------------ */

static int create_service(SC_HANDLE m, LPCSTR name, LPCSTR display, DWORD access, DWORD type,
                          DWORD start, DWORD error_control, LPCSTR path, LPCSTR group,
                          LPDWORD tag, LPCSTR deps, LPCSTR account, LPCSTR password,
                          const SVCHOST_CREATE_INFO *x, SC_HANDLE *out)
{
    struct svc_msg_config c = {0};
    struct svc_wbuf w;
    struct svc_reply rep;
    struct svc_msg_slot slot;
    char **svc_deps, **grp_deps, *key;
    int rc;

    /* Pointer checks come first, as RPC marshalling does them on Windows. */
    if (name == NULL || path == NULL)
        return ERROR_INVALID_PARAMETER;
    rc = need_access(m, SC_MANAGER_CREATE_SERVICE);
    if (rc != 0)
        return rc;
    if (name[0] == '\0')
        return ERROR_INVALID_NAME;
    if (path[0] == '\0')
        return ERROR_INVALID_PARAMETER;
    /* Tags order drivers within their group; asking for one without a
     * group is an error on Windows too. */
    if (tag != NULL && (group == NULL || group[0] == '\0'))
        return ERROR_INVALID_PARAMETER;
    /* No account here has a password (see docs/api.md). */
    if (password != NULL && password[0] != '\0')
        return ERROR_INVALID_PARAMETER;
    rc = split_dependencies(deps, &svc_deps, &grp_deps);
    if (rc != 0)
        return rc;

    access = svc_map_service_access(access);
    c.mask = SVC_CFG_ALL & ~(uint32_t)SVC_CFG_CONFIG2;  /* their defaults */
    c.name = unconst(name);
    c.display_name = unconst(display);
    c.type = type;
    c.start = start;
    c.error_control = error_control;
    c.image_path = unconst(path);
    c.load_order_group = group != NULL && group[0] != '\0' ? unconst(group) : NULL;
    c.depend_on_service = svc_deps;
    c.depend_on_group = grp_deps;
    c.object_name = account != NULL && account[0] != '\0' ? unconst(account) : NULL;
    if (x != NULL) {
        /* One message: scmd writes the service file with all of it. */
        for (size_t i = 0; x->lpParameters != NULL && x->lpParameters[i] != NULL; i++) {
            const char *eq = strchr(x->lpParameters[i], '=');
            if (eq == NULL || eq == x->lpParameters[i]) {
                free(svc_deps);
                free(grp_deps);
                return ERROR_INVALID_PARAMETER;
            }
        }
        c.service_dll = unconst(x->lpServiceDll);
        c.service_main = unconst(x->lpServiceMain);
        c.params = (char **)(uintptr_t)x->lpParameters;
        c.mask |= SVC_CFG_DELAYED_AUTOSTART;
        c.delayed_autostart = x->fDelayedAutostart != 0;
    }

    svc_wbuf_init(&w);
    svc_msg_create_service_pack(&w, access, &c);
    free(svc_deps);
    free(grp_deps);
    rc = request(m->conn, SVC_MSG_CREATE_SERVICE, &w, &rep);
    if (rc != 0)
        return rc;
    /* As OpenService's: the name as stored and the status's slot. */
    svc_msg_open_service_reply_unpack(&rep.r, &key, &slot);
    rc = svc_reply_finish(m->conn, &rep);
    if (rc == 0 && tag != NULL)
        *tag = 0;
    if (rc == 0 && (*out = svc_handle_new(SVC_HANDLE_SERVICE, m->conn, access, key)) == NULL)
        rc = -ENOMEM;
    if (rc == 0)
        (*out)->slot = slot;
    free(key);
    return rc;
}

SC_HANDLE WINAPI CreateServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                LPCSTR lpDisplayName, DWORD dwDesiredAccess,
                                DWORD dwServiceType, DWORD dwStartType,
                                DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                LPCSTR lpDependencies, LPCSTR lpServiceStartName,
                                LPCSTR lpPassword)
{
    SC_HANDLE h = NULL;
    int rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail_handle(rc);
    rc = create_service(hSCManager, lpServiceName, lpDisplayName, dwDesiredAccess,
                        dwServiceType, dwStartType, dwErrorControl, lpBinaryPathName,
                        lpLoadOrderGroup, lpdwTagId, lpDependencies, lpServiceStartName,
                        lpPassword, NULL, &h);
    svc_handle_put(hSCManager);
    return rc == 0 ? h : fail_handle(rc);
}

SC_HANDLE WINAPI SvchostCreateService(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                      LPCSTR lpDisplayName, DWORD dwDesiredAccess,
                                      DWORD dwServiceType, DWORD dwStartType,
                                      DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                      LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                      LPCSTR lpDependencies, LPCSTR lpServiceStartName,
                                      LPCSTR lpPassword, const SVCHOST_CREATE_INFO *lpInfo)
{
    SC_HANDLE h = NULL;
    int rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail_handle(rc);
    rc = create_service(hSCManager, lpServiceName, lpDisplayName, dwDesiredAccess,
                        dwServiceType, dwStartType, dwErrorControl, lpBinaryPathName,
                        lpLoadOrderGroup, lpdwTagId, lpDependencies, lpServiceStartName,
                        lpPassword, lpInfo, &h);
    svc_handle_put(hSCManager);
    return rc == 0 ? h : fail_handle(rc);
}

/* ---- OpenServiceA --------------------------------------------------------- */

static int open_service(SC_HANDLE m, LPCSTR name, DWORD access, SC_HANDLE *out)
{
    struct svc_wbuf w;
    struct svc_reply rep;
    struct svc_msg_slot slot;
    char *key;
    int rc;

    if (name == NULL)
        return ERROR_INVALID_PARAMETER;
    if (name[0] == '\0')
        return ERROR_INVALID_NAME;
    access = svc_map_service_access(access);
    svc_wbuf_init(&w);
    svc_msg_open_service_pack(&w, name, access);
    rc = request(m->conn, SVC_MSG_OPEN_SERVICE, &w, &rep);
    if (rc != 0)
        return rc;
    /* Names are case-insensitive; later requests use the key name as
     * the database spells it. */
    svc_msg_open_service_reply_unpack(&rep.r, &key, &slot);
    rc = svc_reply_finish(m->conn, &rep);
    if (rc == 0) {
        *out = svc_handle_new(SVC_HANDLE_SERVICE, m->conn, access, key);
        if (*out == NULL)
            rc = -ENOMEM;
        else
            (*out)->slot = slot;
    }
    free(key);
    return rc;
}

SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName, DWORD dwDesiredAccess)
{
    SC_HANDLE h = NULL;
    int rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail_handle(rc);
    rc = open_service(hSCManager, lpServiceName, dwDesiredAccess, &h);
    svc_handle_put(hSCManager);
    return rc == 0 ? h : fail_handle(rc);
}

/* ---- StartServiceA -------------------------------------------------------- */

static int start_service(SC_HANDLE h, DWORD argc, LPCSTR *argv)
{
    struct svc_wbuf w;
    char **args;
    int rc;

    if (argc > 0 && argv == NULL)
        return ERROR_INVALID_PARAMETER;
    for (DWORD i = 0; i < argc; i++)
        if (argv[i] == NULL)
            return ERROR_INVALID_PARAMETER;
    rc = need_access(h, SERVICE_START);
    if (rc != 0)
        return rc;
    if (argc > SVC_PROTO_MAX_LIST)
        return ERROR_INVALID_PARAMETER;

    args = calloc((size_t)argc + 1, sizeof *args);
    if (args == NULL)
        return -ENOMEM;
    for (DWORD i = 0; i < argc; i++)
        args[i] = unconst(argv[i]);
    svc_wbuf_init(&w);
    svc_msg_start_service_pack(&w, h->name, args);
    free(args);
    return request_plain(h->conn, SVC_MSG_START_SERVICE, &w);
}

BOOL WINAPI StartServiceA(SC_HANDLE hService, DWORD dwNumServiceArgs,
                          LPCSTR *lpServiceArgVectors)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = start_service(hService, dwNumServiceArgs, lpServiceArgVectors);
    return put_result(hService, rc);
}

/* ---- ControlService ------------------------------------------------------- */

static int control_service(SC_HANDLE h, DWORD control, LPSERVICE_STATUS out)
{
    SERVICE_STATUS_PROCESS st;
    struct svc_wbuf w;
    struct svc_reply rep;
    DWORD need;
    int rc;

    if (out == NULL)
        return ERROR_INVALID_PARAMETER;
    need = svc_control_access(control);
    if (need == 0)
        return ERROR_INVALID_PARAMETER;
    rc = need_access(h, need);
    if (rc != 0)
        return rc;

    svc_wbuf_init(&w);
    svc_msg_control_service_pack(&w, h->name, control);
    rc = request(h->conn, SVC_MSG_CONTROL_SERVICE, &w, &rep);
    if (rc == 0) {
        svc_msg_status_reply_unpack(&rep.r, &st);
        rc = svc_reply_finish(h->conn, &rep);
        if (rc == 0)
            copy_status(out, &st);
        return rc;
    }
    /* Win32 fills lpServiceStatus for these three errors too, with the
     * status that made the control impossible; the reply carries no
     * status on failure, so ask for it (best effort: the control's error
     * is what the caller gets either way). */
    if (rc == ERROR_INVALID_SERVICE_CONTROL || rc == ERROR_SERVICE_CANNOT_ACCEPT_CTRL ||
        rc == ERROR_SERVICE_NOT_ACTIVE) {
        if (query_status(h, &st) == 0)
            copy_status(out, &st);
    }
    return rc;
}

BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl, LPSERVICE_STATUS lpServiceStatus)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = control_service(hService, dwControl, lpServiceStatus);
    return put_result(hService, rc);
}

/* ---- QueryServiceStatus(Ex) ---------------------------------------------- */

BOOL WINAPI QueryServiceStatus(SC_HANDLE hService, LPSERVICE_STATUS lpServiceStatus)
{
    SERVICE_STATUS_PROCESS st;
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    if (lpServiceStatus == NULL)
        rc = ERROR_INVALID_PARAMETER;
    if (rc == 0)
        rc = need_access(hService, SERVICE_QUERY_STATUS);
    if (rc == 0)
        rc = query_status(hService, &st);
    if (rc == 0)
        copy_status(lpServiceStatus, &st);
    return put_result(hService, rc);
}

BOOL WINAPI QueryServiceStatusEx(SC_HANDLE hService, SC_STATUS_TYPE InfoLevel, LPBYTE lpBuffer,
                                 DWORD cbBufSize, LPDWORD pcbBytesNeeded)
{
    SERVICE_STATUS_PROCESS st;
    int rc;

    /* Windows checks the level, then the buffer, then the handle. */
    if (InfoLevel != SC_STATUS_PROCESS_INFO)
        return fail(ERROR_INVALID_LEVEL);
    if (pcbBytesNeeded == NULL)
        return fail(ERROR_INVALID_PARAMETER);
    *pcbBytesNeeded = sizeof(SERVICE_STATUS_PROCESS);
    if (cbBufSize < sizeof(SERVICE_STATUS_PROCESS))
        return fail(ERROR_INSUFFICIENT_BUFFER);
    if (lpBuffer == NULL)
        return fail(ERROR_INVALID_PARAMETER);

    rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);
    if (rc != 0)
        return fail(rc);
    rc = need_access(hService, SERVICE_QUERY_STATUS);
    if (rc == 0)
        rc = query_status(hService, &st);
    if (rc == 0)
        memcpy(lpBuffer, &st, sizeof st);
    return put_result(hService, rc);
}

/* ---- QueryServiceConfigA ------------------------------------------------- */

static int query_service_config(SC_HANDLE h, LPQUERY_SERVICE_CONFIGA buf, DWORD cb,
                                LPDWORD needed)
{
    struct svc_msg_config c;
    QUERY_SERVICE_CONFIGA q;
    struct packer p;
    const char *display;
    size_t size;
    int rc;

    if (needed == NULL)
        return ERROR_INVALID_PARAMETER;
    rc = check_buffer(h, buf, cb, SERVICE_QUERY_CONFIG);
    if (rc == 0)
        rc = query_config(h, &c);
    if (rc != 0)
        return rc;

    display = c.display_name != NULL ? c.display_name : c.name;
    size = sizeof q + str_size(c.image_path) + str_size(c.load_order_group) +
           multisz_size(c.depend_on_service, c.depend_on_group) + str_size(c.object_name) +
           str_size(display);
    *needed = (DWORD)size;
    if (cb < size) {
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto out;
    }
    /* Absent strings read as empty ones: Windows never leaves these
     * pointers NULL. */
    p.base = (char *)buf;
    p.off = sizeof q;
    q.dwServiceType = c.type;
    q.dwStartType = c.start;
    q.dwErrorControl = c.error_control;
    q.lpBinaryPathName = pack_str(&p, c.image_path != NULL ? c.image_path : "");
    q.lpLoadOrderGroup = pack_str(&p, c.load_order_group != NULL ? c.load_order_group : "");
    q.dwTagId = 0;
    q.lpDependencies = pack_multisz(&p, c.depend_on_service, c.depend_on_group);
    q.lpServiceStartName = pack_str(&p, c.object_name != NULL ? c.object_name : "");
    q.lpDisplayName = pack_str(&p, display);
    memcpy(buf, &q, sizeof q);
out:
    svc_msg_config_free(&c);
    return rc;
}

BOOL WINAPI QueryServiceConfigA(SC_HANDLE hService, LPQUERY_SERVICE_CONFIGA lpServiceConfig,
                                DWORD cbBufSize, LPDWORD pcbBytesNeeded)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = query_service_config(hService, lpServiceConfig, cbBufSize, pcbBytesNeeded);
    return put_result(hService, rc);
}

/* ---- QueryServiceConfig2A ------------------------------------------------ */

/* The optional-string convention of SERVICE_DESCRIPTION: no value, or an
 * empty one, is a NULL pointer. */
static const char *opt(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

static size_t opt_size(const char *s)
{
    return opt(s) != NULL ? strlen(s) + 1 : 0;
}

static char *pack_opt(struct packer *p, const char *s)
{
    return opt(s) != NULL ? pack_str(p, s) : NULL;
}

/* The triggers scmd keeps, parsed; *n of them (NULL when none). */
static int parse_triggers(char *const *words, struct svc_trigger **out, size_t *n)
{
    size_t count = 0;

    *out = NULL;
    *n = 0;
    while (words && words[count])
        count++;
    if (count == 0)
        return 0;
    *out = calloc(count, sizeof **out);
    if (*out == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        int rc = svc_parse_trigger(words[i], &(*out)[i]);
        if (rc < 0) {
            while (i > 0)
                svc_trigger_free(&(*out)[--i]);
            free(*out);
            *out = NULL;
            return rc == -ENOMEM ? rc : -EPROTO;
        }
    }
    *n = count;
    return 0;
}

/* SERVICE_TRIGGER_INFO's size in a buffer: the structure, the
 * SERVICE_TRIGGER array, every trigger's data items, then the GUIDs, then
 * the data bytes; each part's size keeps the next part aligned. */
static size_t triggers_size(const struct svc_trigger *t, size_t n)
{
    size_t size = sizeof(SERVICE_TRIGGER_INFO) + n * sizeof(SERVICE_TRIGGER);

    for (size_t i = 0; i < n; i++) {
        size += t[i].n_items * sizeof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM);
        size += t[i].has_subtype ? sizeof(GUID) : 0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < t[i].n_items; k++)
            size += t[i].items[k].len;
    return size;
}

static void pack_triggers(const struct svc_trigger *t, size_t n, LPBYTE buf)
{
    SERVICE_TRIGGER_INFO info = { (DWORD)n, NULL, NULL };
    SERVICE_TRIGGER *trig = (SERVICE_TRIGGER *)(void *)(buf + sizeof info);
    LPBYTE items = buf + sizeof info + n * sizeof(SERVICE_TRIGGER), guids, bytes;

    _Static_assert(sizeof(SERVICE_TRIGGER_INFO) % _Alignof(SERVICE_TRIGGER) == 0 &&
                       sizeof(SERVICE_TRIGGER) % _Alignof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM) == 0 &&
                       sizeof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM) % _Alignof(GUID) == 0 &&
                       sizeof(GUID) % _Alignof(GUID) == 0,
                   "trigger parts stay aligned");
    guids = items;
    for (size_t i = 0; i < n; i++)
        guids += t[i].n_items * sizeof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM);
    bytes = guids;
    for (size_t i = 0; i < n; i++)
        bytes += t[i].has_subtype ? sizeof(GUID) : 0;
    info.pTriggers = n ? trig : NULL;
    for (size_t i = 0; i < n; i++) {
        SERVICE_TRIGGER st = { t[i].type, t[i].action, NULL, (DWORD)t[i].n_items, NULL };
        SERVICE_TRIGGER_SPECIFIC_DATA_ITEM *it = (SERVICE_TRIGGER_SPECIFIC_DATA_ITEM *)(void *)items;

        if (t[i].has_subtype) {
            GUID g = { t[i].d1, t[i].d2, t[i].d3, { 0 } };

            memcpy(g.Data4, t[i].d4, sizeof g.Data4);
            memcpy(guids, &g, sizeof g);
            st.pTriggerSubtype = (GUID *)(void *)guids;
            guids += sizeof g;
        }
        st.pDataItems = t[i].n_items ? it : NULL;
        for (size_t k = 0; k < t[i].n_items; k++) {
            SERVICE_TRIGGER_SPECIFIC_DATA_ITEM d = { t[i].items[k].type, (DWORD)t[i].items[k].len,
                                                     t[i].items[k].len ? bytes : NULL };

            if (t[i].items[k].len)
                memcpy(bytes, t[i].items[k].data, t[i].items[k].len);
            bytes += t[i].items[k].len;
            memcpy(&it[k], &d, sizeof d);
        }
        items += t[i].n_items * sizeof(SERVICE_TRIGGER_SPECIFIC_DATA_ITEM);
        memcpy(&trig[i], &st, sizeof st);
    }
    memcpy(buf, &info, sizeof info);
}

static int query_service_config2(SC_HANDLE h, DWORD level, LPBYTE buf, DWORD cb, LPDWORD needed)
{
    struct svc_msg_config c;
    struct packer p = {.base = (char *)buf};
    struct svc_trigger *trig = NULL;
    size_t size, n_trig = 0;
    int rc;

    if (level != SERVICE_CONFIG_DESCRIPTION && level != SERVICE_CONFIG_FAILURE_ACTIONS &&
        level != SERVICE_CONFIG_DELAYED_AUTO_START_INFO &&
        level != SERVICE_CONFIG_FAILURE_ACTIONS_FLAG && level != SERVICE_CONFIG_PRESHUTDOWN_INFO &&
        level != SERVICE_CONFIG_TRIGGER_INFO && level != SERVICE_CONFIG_PREFERRED_NODE &&
        level != SERVICE_CONFIG_LAUNCH_PROTECTED && level != SVCHOST_CONFIG_SERVICE_DLL &&
        level != SVCHOST_CONFIG_PARAMETERS && level != SVCHOST_CONFIG_PROFILES &&
        level != SERVICE_CONFIG_SERVICE_SID_INFO &&
        level != SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)
        return ERROR_INVALID_LEVEL;
    if (needed == NULL)
        return ERROR_INVALID_PARAMETER;
    rc = check_buffer(h, buf, cb, SERVICE_QUERY_CONFIG);
    if (rc == 0)
        rc = query_config(h, &c);
    if (rc != 0)
        return rc;

    switch (level) {
    case SERVICE_CONFIG_DESCRIPTION:
        size = sizeof(SERVICE_DESCRIPTIONA) + opt_size(c.description);
        break;
    case SERVICE_CONFIG_FAILURE_ACTIONS:
        /* The SC_ACTION array first, where the struct's alignment keeps it
         * aligned, then the strings. */
        size = sizeof(SERVICE_FAILURE_ACTIONSA) + c.n_failure_actions * sizeof(SC_ACTION) +
               opt_size(c.reboot_message) + opt_size(c.failure_command);
        break;
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
        size = sizeof(SERVICE_DELAYED_AUTO_START_INFO);
        break;
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
        size = sizeof(SERVICE_FAILURE_ACTIONS_FLAG);
        break;
    case SERVICE_CONFIG_PRESHUTDOWN_INFO:
        size = sizeof(SERVICE_PRESHUTDOWN_INFO);
        break;
    case SERVICE_CONFIG_TRIGGER_INFO:
        rc = parse_triggers(c.triggers, &trig, &n_trig);
        if (rc != 0)
            goto out;
        size = triggers_size(trig, n_trig);
        break;
    case SERVICE_CONFIG_PREFERRED_NODE:
        size = sizeof(SERVICE_PREFERRED_NODE_INFO);
        break;
    case SERVICE_CONFIG_LAUNCH_PROTECTED:
        size = sizeof(SERVICE_LAUNCH_PROTECTED_INFO);
        break;
    case SVCHOST_CONFIG_SERVICE_DLL:
        size = sizeof(SVCHOST_SERVICE_DLL_INFO) + opt_size(c.service_dll) +
               opt_size(c.service_main);
        break;
    case SVCHOST_CONFIG_PROFILES:
        size = sizeof(SVCHOST_PROFILES_INFO) + multisz_size(c.profiles, NULL);
        break;
    case SERVICE_CONFIG_SERVICE_SID_INFO:
        size = sizeof(SERVICE_SID_INFO);
        break;
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
        size = sizeof(SERVICE_REQUIRED_PRIVILEGES_INFOA) +
               multisz_size(c.required_privileges, NULL);
        break;
    default:
        size = sizeof(SVCHOST_PARAMETERS_INFO) + multisz_size(c.params, NULL);
        break;
    }
    *needed = (DWORD)size;
    if (cb < size) {
        rc = ERROR_INSUFFICIENT_BUFFER;
        goto out;
    }
    switch (level) {
    case SERVICE_CONFIG_DESCRIPTION: {
        SERVICE_DESCRIPTIONA d;

        p.off = sizeof d;
        d.lpDescription = pack_opt(&p, c.description);
        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_FAILURE_ACTIONS: {
        SERVICE_FAILURE_ACTIONSA d;
        SC_ACTION *a = (SC_ACTION *)(void *)(buf + sizeof d);

        _Static_assert(sizeof d % _Alignof(SC_ACTION) == 0, "SC_ACTION array alignment");
        p.off = sizeof d + c.n_failure_actions * sizeof(SC_ACTION);
        d.dwResetPeriod = c.failure_reset_s;
        d.lpRebootMsg = pack_opt(&p, c.reboot_message);
        d.lpCommand = pack_opt(&p, c.failure_command);
        d.cActions = c.n_failure_actions;
        d.lpsaActions = c.n_failure_actions > 0 ? a : NULL;
        for (uint32_t i = 0; i < c.n_failure_actions; i++) {
            a[i].Type = (SC_ACTION_TYPE)c.failure_actions[i].type;
            a[i].Delay = c.failure_actions[i].delay_ms;
        }
        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO: {
        SERVICE_DELAYED_AUTO_START_INFO d = { c.delayed_autostart != 0 };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG: {
        SERVICE_FAILURE_ACTIONS_FLAG d = { c.failure_non_crash != 0 };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_PRESHUTDOWN_INFO: {
        SERVICE_PRESHUTDOWN_INFO d = { c.preshutdown_timeout_ms };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_TRIGGER_INFO:
        pack_triggers(trig, n_trig, buf);
        break;
    case SERVICE_CONFIG_PREFERRED_NODE: {
        /* None set reads as fDelete TRUE, what setting it would remove. */
        SERVICE_PREFERRED_NODE_INFO d = {
            (USHORT)(c.preferred_node ? c.preferred_node - 1 : 0), c.preferred_node == 0 };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_LAUNCH_PROTECTED: {
        SERVICE_LAUNCH_PROTECTED_INFO d = { c.launch_protected };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SVCHOST_CONFIG_SERVICE_DLL: {
        SVCHOST_SERVICE_DLL_INFO d;

        p.off = sizeof d;
        d.lpServiceDll = pack_opt(&p, c.service_dll);
        d.lpServiceMain = pack_opt(&p, c.service_main);
        memcpy(buf, &d, sizeof d);
        break;
    }
    case SVCHOST_CONFIG_PROFILES: {
        SVCHOST_PROFILES_INFO d;

        p.off = sizeof d;
        d.lpProfiles = pack_multisz(&p, c.profiles, NULL);
        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_SERVICE_SID_INFO: {
        SERVICE_SID_INFO d = { c.sid_type };

        memcpy(buf, &d, sizeof d);
        break;
    }
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: {
        /* No list reads as an empty multi-string ("\0\0"), never NULL. */
        SERVICE_REQUIRED_PRIVILEGES_INFOA d;

        p.off = sizeof d;
        d.pmszRequiredPrivileges = pack_multisz(&p, c.required_privileges, NULL);
        memcpy(buf, &d, sizeof d);
        break;
    }
    default: {
        SVCHOST_PARAMETERS_INFO d;

        p.off = sizeof d;
        d.lpParameters = pack_multisz(&p, c.params, NULL);
        memcpy(buf, &d, sizeof d);
        break;
    }
    }
out:
    for (size_t i = 0; i < n_trig; i++)
        svc_trigger_free(&trig[i]);
    free(trig);
    svc_msg_config_free(&c);
    return rc;
}

BOOL WINAPI QueryServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel, LPBYTE lpBuffer,
                                 DWORD cbBufSize, LPDWORD pcbBytesNeeded)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = query_service_config2(hService, dwInfoLevel, lpBuffer, cbBufSize, pcbBytesNeeded);
    return put_result(hService, rc);
}

/* ---- ChangeServiceConfigA ------------------------------------------------ */

static int change_config(SC_HANDLE h, struct svc_msg_config *c)
{
    struct svc_wbuf w;

    c->name = h->name;
    svc_wbuf_init(&w);
    svc_msg_change_config_pack(&w, c);
    return request_plain(h->conn, SVC_MSG_CHANGE_CONFIG, &w);
}

static int change_service_config(SC_HANDLE h, DWORD type, DWORD start, DWORD error_control,
                                 LPCSTR path, LPCSTR group, LPDWORD tag, LPCSTR deps,
                                 LPCSTR account, LPCSTR password, LPCSTR display)
{
    struct svc_msg_config c = {0};
    char **svc_deps = NULL, **grp_deps = NULL;
    int rc;

    rc = need_access(h, SERVICE_CHANGE_CONFIG);
    if (rc != 0)
        return rc;
    if (password != NULL && password[0] != '\0')
        return ERROR_INVALID_PARAMETER;
    if (path != NULL && path[0] == '\0')
        return ERROR_INVALID_PARAMETER;
    if (deps != NULL) {
        rc = split_dependencies(deps, &svc_deps, &grp_deps);
        if (rc != 0)
            return rc;
        c.mask |= SVC_CFG_DEPENDENCIES;
        c.depend_on_service = svc_deps;
        c.depend_on_group = grp_deps;
    }
    if (type != SERVICE_NO_CHANGE) {
        c.mask |= SVC_CFG_TYPE;
        c.type = type;
    }
    if (start != SERVICE_NO_CHANGE) {
        c.mask |= SVC_CFG_START;
        c.start = start;
    }
    if (error_control != SERVICE_NO_CHANGE) {
        c.mask |= SVC_CFG_ERROR_CONTROL;
        c.error_control = error_control;
    }
    if (path != NULL) {
        c.mask |= SVC_CFG_IMAGE_PATH;
        c.image_path = unconst(path);
    }
    if (group != NULL) {
        c.mask |= SVC_CFG_LOAD_ORDER_GROUP; /* "" removes the service from its group */
        c.load_order_group = unconst(group);
    }
    if (account != NULL) {
        c.mask |= SVC_CFG_OBJECT_NAME;
        c.object_name = unconst(account);
    }
    if (display != NULL) {
        c.mask |= SVC_CFG_DISPLAY_NAME;
        c.display_name = unconst(display);
    }
    rc = change_config(h, &c);
    free(svc_deps);
    free(grp_deps);
    if (rc == 0 && tag != NULL)
        *tag = 0;
    return rc;
}

BOOL WINAPI ChangeServiceConfigA(SC_HANDLE hService, DWORD dwServiceType, DWORD dwStartType,
                                 DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                 LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                 LPCSTR lpDependencies, LPCSTR lpServiceStartName,
                                 LPCSTR lpPassword, LPCSTR lpDisplayName)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = change_service_config(hService, dwServiceType, dwStartType, dwErrorControl,
                               lpBinaryPathName, lpLoadOrderGroup, lpdwTagId, lpDependencies,
                               lpServiceStartName, lpPassword, lpDisplayName);
    return put_result(hService, rc);
}

/* ---- ChangeServiceConfig2A ----------------------------------------------- */

/*
 * SERVICE_FAILURE_ACTIONS as Win32 reads it: lpsaActions NULL keeps the
 * actions and the reset period (cActions and dwResetPeriod are ignored);
 * lpsaActions with cActions 0 deletes both; lpRebootMsg and lpCommand
 * NULL keep theirs, "" deletes them.  An SC_ACTION_RESTART needs
 * SERVICE_START access besides SERVICE_CHANGE_CONFIG (ERROR_ACCESS_DENIED).
 * scmd refuses an action type outside 0..3 and more actions than a
 * service file holds (ERROR_INVALID_PARAMETER).
 */
static int change_failure_actions(SC_HANDLE h, const SERVICE_FAILURE_ACTIONSA *fa)
{
    struct svc_msg_config c = {0};
    struct svc_msg_action *a = NULL;
    int rc;

    if (fa->lpsaActions != NULL) {
        c.mask |= SVC_CFG_FAILURE_ACTIONS;
        if (fa->cActions > SVC_PROTO_MAX_LIST)
            return ERROR_INVALID_PARAMETER;
        if (fa->cActions > 0) {
            for (DWORD i = 0; i < fa->cActions; i++) {
                if (fa->lpsaActions[i].Type == SC_ACTION_RESTART &&
                    (rc = need_access(h, SERVICE_START)) != 0)
                    return rc;
            }
            a = calloc(fa->cActions, sizeof *a);
            if (a == NULL)
                return -ENOMEM;
            for (DWORD i = 0; i < fa->cActions; i++) {
                a[i].type = (uint32_t)fa->lpsaActions[i].Type;
                a[i].delay_ms = fa->lpsaActions[i].Delay;
            }
            c.failure_reset_s = fa->dwResetPeriod;
        }
        c.failure_actions = a;
        c.n_failure_actions = fa->cActions;
    }
    if (fa->lpRebootMsg != NULL) {
        c.mask |= SVC_CFG_REBOOT_MESSAGE;
        c.reboot_message = fa->lpRebootMsg;
    }
    if (fa->lpCommand != NULL) {
        c.mask |= SVC_CFG_FAILURE_COMMAND;
        c.failure_command = fa->lpCommand;
    }
    rc = c.mask != 0 ? change_config(h, &c) : 0;
    free(a);
    return rc;
}

/* SERVICE_TRIGGER_INFO as the words scmd stores (config.h); kept, no
 * effect yet.  A trigger outside Windows' types, actions and data types,
 * a NULL array with a count, or more than SVC_TRIGGERS_MAX triggers is
 * ERROR_INVALID_PARAMETER. */
static int change_triggers(SC_HANDLE h, const SERVICE_TRIGGER_INFO *d)
{
    struct svc_msg_config c = {0};
    char **words;
    int rc = 0;

    if (d->cTriggers > SVC_TRIGGERS_MAX || (d->cTriggers > 0 && d->pTriggers == NULL))
        return ERROR_INVALID_PARAMETER;
    words = calloc(d->cTriggers + 1, sizeof *words);
    if (words == NULL)
        return -ENOMEM;
    for (DWORD i = 0; i < d->cTriggers && rc == 0; i++) {
        const SERVICE_TRIGGER *t = &d->pTriggers[i];
        struct svc_trigger st = { .type = t->dwTriggerType, .action = t->dwAction };

        if (t->cDataItems > SVC_TRIGGERS_MAX || (t->cDataItems > 0 && t->pDataItems == NULL)) {
            rc = ERROR_INVALID_PARAMETER;
            break;
        }
        if (t->pTriggerSubtype != NULL) {
            st.has_subtype = 1;
            st.d1 = t->pTriggerSubtype->Data1;
            st.d2 = t->pTriggerSubtype->Data2;
            st.d3 = t->pTriggerSubtype->Data3;
            memcpy(st.d4, t->pTriggerSubtype->Data4, sizeof st.d4);
        }
        st.n_items = t->cDataItems;
        st.items = calloc(t->cDataItems + 1, sizeof *st.items);
        if (st.items == NULL) {
            rc = -ENOMEM;
            break;
        }
        for (DWORD k = 0; k < t->cDataItems; k++) {
            st.items[k].type = t->pDataItems[k].dwDataType;
            st.items[k].len = t->pDataItems[k].cbData;
            st.items[k].data = t->pDataItems[k].pData;   /* borrowed */
        }
        words[i] = svc_format_trigger(&st);
        if (words[i] == NULL)
            rc = errno == ENOMEM ? -ENOMEM : ERROR_INVALID_PARAMETER;
        free(st.items);
    }
    if (rc == 0) {
        c.mask = SVC_CFG_TRIGGERS;
        c.triggers = words;
        rc = change_config(h, &c);
    }
    svc_strv_free(words);
    return rc;
}

/* SERVICE_REQUIRED_PRIVILEGES_INFO: the multi-string replaces the list;
 * an empty one ("\0\0") removes it (the service holds its account's
 * privileges again), a NULL pointer leaves it.  scmd refuses a name that
 * is not a privilege (ERROR_INVALID_PARAMETER) and keeps the old list. */
static int change_required_privileges(SC_HANDLE h, const SERVICE_REQUIRED_PRIVILEGES_INFOA *d)
{
    struct svc_msg_config c = {0};
    const char *m = d->pmszRequiredPrivileges;
    size_t n = 0;
    char **list;
    int rc;

    if (m == NULL)
        return 0;
    for (const char *p = m; *p != '\0'; p += strlen(p) + 1)
        if (++n > SVC_PROTO_MAX_LIST)
            return ERROR_INVALID_PARAMETER;
    list = calloc(n + 1, sizeof *list);
    if (list == NULL)
        return -ENOMEM;
    n = 0;
    for (const char *p = m; *p != '\0'; p += strlen(p) + 1)
        list[n++] = unconst(p);
    c.mask = SVC_CFG_REQUIRED_PRIVILEGES;
    c.required_privileges = list;
    rc = change_config(h, &c);
    free(list);
    return rc;
}

static int change_service_config2(SC_HANDLE h, DWORD level, LPVOID info)
{
    struct svc_msg_config c = {0};
    char *param[2] = {NULL, NULL};
    int rc;

    if (level != SERVICE_CONFIG_DESCRIPTION && level != SERVICE_CONFIG_FAILURE_ACTIONS &&
        level != SERVICE_CONFIG_DELAYED_AUTO_START_INFO &&
        level != SERVICE_CONFIG_FAILURE_ACTIONS_FLAG && level != SERVICE_CONFIG_PRESHUTDOWN_INFO &&
        level != SERVICE_CONFIG_TRIGGER_INFO && level != SERVICE_CONFIG_PREFERRED_NODE &&
        level != SERVICE_CONFIG_LAUNCH_PROTECTED && level != SVCHOST_CONFIG_SERVICE_DLL &&
        level != SVCHOST_CONFIG_PARAMETER && level != SERVICE_CONFIG_SERVICE_SID_INFO &&
        level != SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO)
        return ERROR_INVALID_LEVEL;
    rc = need_access(h, SERVICE_CHANGE_CONFIG);
    if (rc != 0)
        return rc;
    /* A NULL lpInfo, like a NULL member, leaves the setting unchanged. */
    if (info == NULL)
        return 0;
    if (level == SERVICE_CONFIG_FAILURE_ACTIONS)
        return change_failure_actions(h, info);

    switch (level) {
    case SERVICE_CONFIG_DESCRIPTION: {
        const SERVICE_DESCRIPTIONA *d = info;

        if (d->lpDescription == NULL)
            return 0;
        c.mask = SVC_CFG_DESCRIPTION; /* "" deletes the description */
        c.description = d->lpDescription;
        break;
    }
    case SERVICE_CONFIG_DELAYED_AUTO_START_INFO:
        c.mask = SVC_CFG_DELAYED_AUTOSTART;     /* a BOOL: any non-zero is TRUE */
        c.delayed_autostart = ((const SERVICE_DELAYED_AUTO_START_INFO *)info)->fDelayedAutostart != 0;
        break;
    case SERVICE_CONFIG_FAILURE_ACTIONS_FLAG:
        c.mask = SVC_CFG_FAILURE_FLAG;
        c.failure_non_crash =
            ((const SERVICE_FAILURE_ACTIONS_FLAG *)info)->fFailureActionsOnNonCrashFailures != 0;
        break;
    case SERVICE_CONFIG_PRESHUTDOWN_INFO:
        c.mask = SVC_CFG_PRESHUTDOWN;
        c.preshutdown_timeout_ms = ((const SERVICE_PRESHUTDOWN_INFO *)info)->dwPreshutdownTimeout;
        break;
    case SERVICE_CONFIG_TRIGGER_INFO:
        /* The whole list replaces the old one; cTriggers 0 removes all. */
        rc = change_triggers(h, info);
        return rc;
    case SERVICE_CONFIG_PREFERRED_NODE: {
        const SERVICE_PREFERRED_NODE_INFO *d = info;

        c.mask = SVC_CFG_PREFERRED_NODE;
        c.preferred_node = d->fDelete ? 0 : (uint32_t)d->usPreferredNode + 1;
        break;
    }
    case SERVICE_CONFIG_LAUNCH_PROTECTED:
        c.mask = SVC_CFG_LAUNCH_PROTECTED;
        c.launch_protected = ((const SERVICE_LAUNCH_PROTECTED_INFO *)info)->dwLaunchProtected;
        if (c.launch_protected > SERVICE_LAUNCH_PROTECTED_ANTIMALWARE_LIGHT)
            return ERROR_INVALID_PARAMETER;
        break;
    case SERVICE_CONFIG_SERVICE_SID_INFO:
        /* scmd refuses a type other than 0, 1 and 3 (ERROR_INVALID_PARAMETER). */
        c.mask = SVC_CFG_SID_TYPE;
        c.sid_type = ((const SERVICE_SID_INFO *)info)->dwServiceSidType;
        break;
    case SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO:
        return change_required_privileges(h, info);
    case SVCHOST_CONFIG_SERVICE_DLL: {
        const SVCHOST_SERVICE_DLL_INFO *d = info;

        if (d->lpServiceDll != NULL) {
            c.mask |= SVC_CFG_SERVICE_DLL;
            c.service_dll = d->lpServiceDll;
        }
        if (d->lpServiceMain != NULL) {
            c.mask |= SVC_CFG_SERVICE_MAIN;
            c.service_main = d->lpServiceMain;
        }
        if (c.mask == 0)
            return 0;
        break;
    }
    default: {
        const SVCHOST_PARAMETER_INFO *d = info;

        /* "KEY=" on the wire removes KEY, so a key cannot hold '='. */
        if (d->lpName == NULL || d->lpName[0] == '\0' || strchr(d->lpName, '=') != NULL)
            return ERROR_INVALID_PARAMETER;
        if (asprintf(&param[0], "%s=%s", d->lpName, d->lpValue != NULL ? d->lpValue : "") < 0)
            return -ENOMEM;
        c.mask = SVC_CFG_PARAMS;
        c.params = param;
        break;
    }
    }
    rc = change_config(h, &c);
    free(param[0]);
    return rc;
}

BOOL WINAPI ChangeServiceConfig2A(SC_HANDLE hService, DWORD dwInfoLevel, LPVOID lpInfo)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = change_service_config2(hService, dwInfoLevel, lpInfo);
    return put_result(hService, rc);
}

/* ---- DeleteService ---------------------------------------------------------- */

BOOL WINAPI DeleteService(SC_HANDLE hService)
{
    struct svc_wbuf w;
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = need_access(hService, DELETE);
    if (rc == 0) {
        svc_wbuf_init(&w);
        svc_msg_name_pack(&w, hService->name);
        rc = request_plain(hService->conn, SVC_MSG_DELETE_SERVICE, &w);
    }
    return put_result(hService, rc);
}

/* ---- EnumServicesStatusExA ---------------------------------------------- */

static int enum_services(SC_HANDLE m, DWORD type, DWORD state, LPBYTE buf, DWORD cb,
                         LPDWORD needed, LPDWORD returned, LPDWORD resume, LPCSTR group)
{
    const size_t ssz = sizeof(ENUM_SERVICE_STATUS_PROCESSA);
    struct svc_msg_service *e = NULL;
    struct svc_wbuf w;
    struct svc_reply rep;
    size_t n = 0, first, k;
    int rc;

    rc = start_counts(needed, returned);
    if (rc != 0)
        return rc;
    if (type == 0 || (type & ~(DWORD)SERVICE_TYPE_ALL) != 0 || !valid_state_filter(state))
        return ERROR_INVALID_PARAMETER;
    rc = check_buffer(m, buf, cb, SC_MANAGER_ENUMERATE_SERVICE);
    if (rc != 0)
        return rc;

    /* From the status table when the local scmd, still keeping it,
     * lists every service there (not for a group: membership
     * is not in it); else scmd answers. */
    if (group != NULL || m->slot.table == 0 || !svc_conn_local(m->conn) ||
        !table_answer(m->conn, svc_table_client_enum(m->slot.table, type, state, &e, &n))) {
        svc_msg_services_free(e, n);
        e = NULL;
        n = 0;
        svc_wbuf_init(&w);
        svc_msg_enum_services_pack(&w, type, state, group);
        rc = request(m->conn, SVC_MSG_ENUM_SERVICES, &w, &rep);
        if (rc == 0)
            rc = read_entries(m->conn, &rep, &e, &n);
        if (rc != 0)
            return rc;
    }

    /* The resume handle is the index of the next entry to return. */
    first = resume != NULL ? *resume : 0;
    if (first > n)
        first = n;
    k = buf != NULL ? entries_fit(e, first, n, ssz, cb) : 0;
    if (k != 0)
        pack_entries(buf, e + first, k, 1);
    *returned = (DWORD)k;
    if (first + k < n) {
        /* Windows: the bytes needed for the entries not returned. */
        *needed = (DWORD)entries_bytes(e, first + k, n, ssz);
        if (resume != NULL)
            *resume = (DWORD)(first + k);
        rc = ERROR_MORE_DATA;
    } else if (resume != NULL) {
        *resume = 0;
    }
    svc_msg_services_free(e, n);
    return rc;
}

BOOL WINAPI EnumServicesStatusExA(SC_HANDLE hSCManager, SC_ENUM_TYPE InfoLevel,
                                  DWORD dwServiceType, DWORD dwServiceState, LPBYTE lpServices,
                                  DWORD cbBufSize, LPDWORD pcbBytesNeeded,
                                  LPDWORD lpServicesReturned, LPDWORD lpResumeHandle,
                                  LPCSTR pszGroupName)
{
    int rc;

    /* Windows checks the level before the handle. */
    if (InfoLevel != SC_ENUM_PROCESS_INFO)
        return fail(ERROR_INVALID_LEVEL);
    rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);
    if (rc != 0)
        return fail(rc);
    rc = enum_services(hSCManager, dwServiceType, dwServiceState, lpServices, cbBufSize,
                       pcbBytesNeeded, lpServicesReturned, lpResumeHandle, pszGroupName);
    return put_result(hSCManager, rc);
}

/* ---- EnumDependentServicesA ---------------------------------------------- */

static int enum_dependents(SC_HANDLE h, DWORD state, LPENUM_SERVICE_STATUSA buf, DWORD cb,
                           LPDWORD needed, LPDWORD returned)
{
    const size_t ssz = sizeof(ENUM_SERVICE_STATUSA);
    struct svc_msg_service *e;
    struct svc_wbuf w;
    struct svc_reply rep;
    size_t n, k;
    int rc;

    rc = start_counts(needed, returned);
    if (rc != 0)
        return rc;
    if (!valid_state_filter(state))
        return ERROR_INVALID_PARAMETER;
    rc = check_buffer(h, buf, cb, SERVICE_ENUMERATE_DEPENDENTS);
    if (rc != 0)
        return rc;

    svc_wbuf_init(&w);
    svc_msg_enum_dependents_pack(&w, h->name, state);
    rc = request(h->conn, SVC_MSG_ENUM_DEPENDENTS, &w, &rep);
    if (rc == 0)
        rc = read_entries(h->conn, &rep, &e, &n);
    if (rc != 0)
        return rc;

    k = buf != NULL ? entries_fit(e, 0, n, ssz, cb) : 0;
    if (k != 0)
        pack_entries((LPBYTE)buf, e, k, 0);
    *returned = (DWORD)k;
    if (k < n) {
        /* No resume handle here: the caller retries with room for all. */
        *needed = (DWORD)entries_bytes(e, 0, n, ssz);
        rc = ERROR_MORE_DATA;
    }
    svc_msg_services_free(e, n);
    return rc;
}

BOOL WINAPI EnumDependentServicesA(SC_HANDLE hService, DWORD dwServiceState,
                                   LPENUM_SERVICE_STATUSA lpServices, DWORD cbBufSize,
                                   LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_SERVICE);

    if (rc != 0)
        return fail(rc);
    rc = enum_dependents(hService, dwServiceState, lpServices, cbBufSize, pcbBytesNeeded,
                         lpServicesReturned);
    return put_result(hService, rc);
}

/* ---- GetServiceDisplayNameA / GetServiceKeyNameA ------------------------- */

/*
 * Asks scmd to map one name to the other, then copies it with the
 * character-count convention: *cch is the buffer's size in characters
 * on entry and the name's length without its NUL on return.  A failure
 * leaves an empty string in a buffer that has room for one.
 */
static int lookup_name(SC_HANDLE m, uint16_t type, LPCSTR in, LPSTR buf, LPDWORD cch)
{
    struct svc_wbuf w;
    struct svc_reply rep;
    DWORD room;
    char *out = NULL;
    size_t len;
    int rc;

    if (cch == NULL || in == NULL)
        return ERROR_INVALID_PARAMETER;
    room = buf != NULL ? *cch : 0;
    svc_wbuf_init(&w);
    svc_msg_name_pack(&w, in);
    rc = request(m->conn, type, &w, &rep);
    if (rc == 0) {
        svc_msg_name_reply_unpack(&rep.r, &out);
        rc = svc_reply_finish(m->conn, &rep);
    }
    if (rc != 0) {
        if (room > 0)
            buf[0] = '\0';
        return rc;
    }
    len = strlen(out);
    *cch = (DWORD)len;
    if (len >= room) {
        if (room > 0)
            buf[0] = '\0';
        rc = ERROR_INSUFFICIENT_BUFFER;
    } else {
        memcpy(buf, out, len + 1);
    }
    free(out);
    return rc;
}

BOOL WINAPI GetServiceDisplayNameA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                                   LPSTR lpDisplayName, LPDWORD lpcchBuffer)
{
    int rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail(rc);
    rc = lookup_name(hSCManager, SVC_MSG_GET_DISPLAY_NAME, lpServiceName, lpDisplayName,
                     lpcchBuffer);
    return put_result(hSCManager, rc);
}

BOOL WINAPI GetServiceKeyNameA(SC_HANDLE hSCManager, LPCSTR lpDisplayName, LPSTR lpServiceName,
                               LPDWORD lpcchBuffer)
{
    int rc = svc_handle_get(hSCManager, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail(rc);
    rc = lookup_name(hSCManager, SVC_MSG_GET_KEY_NAME, lpDisplayName, lpServiceName,
                     lpcchBuffer);
    return put_result(hSCManager, rc);
}

/* ---- SvchostEnumHosts, SvchostEnumUsage ------------------------------------- */

/*
 * The two extension enumerations share one shape: a request without
 * fields, a reply "u32 n, n x element", and a caller's buffer filled the
 * way EnumDependentServicesA fills it (the entries that fit, then their
 * strings; ERROR_MORE_DATA and the whole size when not all fit).  An
 * ext_enum describes one element type.
 */
struct ext_enum {
    uint16_t type;
    size_t elem_size;                                /* decoded element */
    size_t info_size;                                /* the public struct */
    /* The reply's list decoder and its free function (proto.h). */
    int (*unpack)(struct svc_rbuf *r, void **elems, size_t *n);
    void (*free_list)(void *elems, size_t n);
    size_t (*size)(const void *elem);                /* public struct + strings */
    void (*pack)(const void *elem, void *info, struct packer *p);
};

static int ext_read(struct svc_conn *c, const struct ext_enum *e, struct svc_reply *rep,
                    char **out, size_t *count)
{
    void *elems;
    size_t n;
    int rc;

    e->unpack(&rep->r, &elems, &n); /* an error stays in rep->r */
    rc = svc_reply_finish(c, rep);
    if (rc != 0) {
        e->free_list(elems, n);
        return rc;
    }
    *out = elems;
    *count = n;
    return 0;
}

static int ext_enum_call(SC_HANDLE m, const struct ext_enum *e, LPBYTE buf, DWORD cb,
                         LPDWORD needed, LPDWORD returned)
{
    char *elems;
    struct svc_reply rep;
    struct svc_wbuf w;
    struct packer p;
    size_t n, k = 0, used = 0, total = 0;
    int rc;

    rc = start_counts(needed, returned);
    if (rc == 0)
        rc = check_buffer(m, buf, cb, SC_MANAGER_ENUMERATE_SERVICE);
    if (rc != 0)
        return rc;

    svc_wbuf_init(&w);
    rc = request(m->conn, e->type, &w, &rep);
    if (rc == 0)
        rc = ext_read(m->conn, e, &rep, &elems, &n);
    if (rc != 0)
        return rc;

    for (size_t i = 0; i < n; i++) {
        size_t sz = e->size(elems + i * e->elem_size);

        total += sz;
        if (k == i && buf != NULL && sz <= cb - used) {
            used += sz;
            k++;
        }
    }
    p.base = (char *)buf;
    p.off = k * e->info_size;
    for (size_t i = 0; i < k; i++)
        e->pack(elems + i * e->elem_size, buf + i * e->info_size, &p);
    *returned = (DWORD)k;
    if (k < n) {
        *needed = (DWORD)total;
        rc = ERROR_MORE_DATA;
    }
    e->free_list(elems, n);
    return rc;
}

static BOOL ext_enum_public(SC_HANDLE m, const struct ext_enum *e, LPBYTE buf, DWORD cb,
                            LPDWORD needed, LPDWORD returned)
{
    int rc = svc_handle_get(m, SVC_HANDLE_MANAGER);

    if (rc != 0)
        return fail(rc);
    rc = ext_enum_call(m, e, buf, cb, needed, returned);
    return put_result(m, rc);
}

static int hosts_unpack(struct svc_rbuf *r, void **elems, size_t *n)
{
    struct svc_msg_host *h;
    int rc = svc_msg_hosts_reply_unpack(r, &h, n);

    *elems = h;
    return rc;
}

static void hosts_free(void *elems, size_t n)
{
    svc_msg_hosts_free(elems, n);
}

static size_t host_size(const void *elem)
{
    const struct svc_msg_host *h = elem;
    return sizeof(SVCHOST_HOST_INFO) + (h->group != NULL ? strlen(h->group) + 1 : 0) +
           multisz_size(h->services, NULL);
}

static void host_pack(const void *elem, void *info, struct packer *p)
{
    const struct svc_msg_host *h = elem;
    SVCHOST_HOST_INFO x;

    x.dwProcessId = h->pid;
    x.lpGroup = h->group != NULL ? pack_str(p, h->group) : NULL;
    x.lpServices = pack_multisz(p, h->services, NULL);
    memcpy(info, &x, sizeof x);
}

static const struct ext_enum hosts_enum = {
    .type = SVC_MSG_ENUM_HOSTS,
    .elem_size = sizeof(struct svc_msg_host),
    .info_size = sizeof(SVCHOST_HOST_INFO),
    .unpack = hosts_unpack,
    .free_list = hosts_free,
    .size = host_size,
    .pack = host_pack,
};

BOOL WINAPI SvchostEnumHosts(SC_HANDLE hSCManager, LPBYTE lpBuffer, DWORD cbBufSize,
                             LPDWORD pcbBytesNeeded, LPDWORD lpHostsReturned)
{
    return ext_enum_public(hSCManager, &hosts_enum, lpBuffer, cbBufSize, pcbBytesNeeded,
                           lpHostsReturned);
}

static int usage_unpack(struct svc_rbuf *r, void **elems, size_t *n)
{
    struct svc_msg_usage *u;
    int rc = svc_msg_usage_reply_unpack(r, &u, n);

    *elems = u;
    return rc;
}

static void usage_free(void *elems, size_t n)
{
    svc_msg_usage_free(elems, n);
}

static size_t usage_size(const void *elem)
{
    const struct svc_msg_usage *u = elem;
    return sizeof(SVCHOST_USAGE_INFO) + (u->service ? strlen(u->service) + 1 : 0);
}

static void usage_pack(const void *elem, void *info, struct packer *p)
{
    const struct svc_msg_usage *u = elem;
    SVCHOST_USAGE_INFO x;

    x.dwProcessId = u->pid;
    x.lpServiceName = u->service ? pack_str(p, u->service) : NULL;
    x.dwThreads = u->threads;
    x.ullCpuMicroseconds = u->cpu_us;
    x.dwStackKiB = u->stack_kib;
    x.dwImageKiB = u->image_kib;
    x.dwRssKiB = u->rss_kib;
    x.dwPssKiB = u->pss_kib;
    memcpy(info, &x, sizeof x);
}

static const struct ext_enum usage_enum = {
    .type = SVC_MSG_ENUM_USAGE,
    .elem_size = sizeof(struct svc_msg_usage),
    .info_size = sizeof(SVCHOST_USAGE_INFO),
    .unpack = usage_unpack,
    .free_list = usage_free,
    .size = usage_size,
    .pack = usage_pack,
};

BOOL WINAPI SvchostEnumUsage(SC_HANDLE hSCManager, LPBYTE lpBuffer, DWORD cbBufSize,
                             LPDWORD pcbBytesNeeded, LPDWORD lpEntriesReturned)
{
    return ext_enum_public(hSCManager, &usage_enum, lpBuffer, cbBufSize, pcbBytesNeeded,
                           lpEntriesReturned);
}

/* ---- CloseServiceHandle ------------------------------------------------- */

BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject)
{
    int rc = svc_handle_close(hSCObject);

    return rc == 0 ? TRUE : fail(rc);
}

/* ---- Security descriptors ------------------------------------------------- */

/* The SECURITY_INFORMATION a service object has: owner, group, DACL.  A
 * SACL needs SeSecurityPrivilege, which no caller holds here
 * (ERROR_PRIVILEGE_NOT_HELD); nothing, or another bit, is
 * ERROR_INVALID_PARAMETER. */
static int security_info_check(SECURITY_INFORMATION info)
{
    if (info == 0 || (info & ~(DWORD)(OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                      DACL_SECURITY_INFORMATION | SACL_SECURITY_INFORMATION)))
        return ERROR_INVALID_PARAMETER;
    return (info & SACL_SECURITY_INFORMATION) ? ERROR_PRIVILEGE_NOT_HELD : 0;
}

/* The object of a security request: NULL (absent) names the SCM. */
static const char *security_object_name(SC_HANDLE h)
{
    return h->kind == SVC_HANDLE_SERVICE ? h->name : NULL;
}

static int query_security(SC_HANDLE h, SECURITY_INFORMATION info, PSECURITY_DESCRIPTOR buf,
                          DWORD cb, LPDWORD needed)
{
    struct svc_wbuf w;
    struct svc_reply rep;
    struct svc_sd sd;
    char *text = NULL;
    uint8_t *bin;
    size_t len;
    int rc;

    if (needed == NULL || (buf == NULL && cb != 0))
        return ERROR_INVALID_PARAMETER;
    rc = security_info_check(info);
    if (rc == 0)
        rc = need_access(h, READ_CONTROL);
    if (rc != 0)
        return rc;
    svc_wbuf_init(&w);
    svc_msg_query_security_pack(&w, security_object_name(h), info);
    rc = request(h->conn, SVC_MSG_QUERY_SECURITY, &w, &rep);
    if (rc != 0)
        return rc;
    svc_msg_name_reply_unpack(&rep.r, &text);
    rc = svc_reply_finish(h->conn, &rep);
    if (rc != 0)
        return rc;
    rc = svc_sddl_parse(text, &sd, NULL, 0);
    free(text);
    if (rc == 0)
        rc = svc_sd_to_binary(&sd, info, &bin, &len);
    svc_sd_free(&sd);
    if (rc == -EINVAL)
        return -EPROTO;     /* scmd sent what it cannot mean */
    if (rc != 0)
        return rc;
    *needed = (DWORD)len;
    if (len > cb)
        rc = ERROR_INSUFFICIENT_BUFFER;
    else
        memcpy(buf, bin, len);
    free(bin);
    return rc;
}

BOOL WINAPI QueryServiceObjectSecurity(SC_HANDLE hService, SECURITY_INFORMATION dwSecurityInformation,
                                       PSECURITY_DESCRIPTOR lpSecurityDescriptor, DWORD cbBufSize,
                                       LPDWORD pcbBytesNeeded)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_ANY);

    if (rc != 0)
        return fail(rc);
    rc = query_security(hService, dwSecurityInformation, lpSecurityDescriptor, cbBufSize,
                        pcbBytesNeeded);
    return put_result(hService, rc);
}

/* A caller's self-relative descriptor as SDDL of the parts info names. */
static int descriptor_text(PSECURITY_DESCRIPTOR sd_bin, SECURITY_INFORMATION info, char **out)
{
    struct svc_sd sd;
    size_t len;
    int rc;

    *out = NULL;
    if (sd_bin == NULL || svc_sd_binary_length(sd_bin, &len) < 0)
        return ERROR_INVALID_PARAMETER;
    rc = svc_sd_from_binary(sd_bin, len, &sd, NULL, 0);
    if (rc == 0)
        rc = svc_sddl_format(&sd, info, out);
    svc_sd_free(&sd);
    return rc == -EINVAL ? ERROR_INVALID_PARAMETER : rc;
}

static int set_security(SC_HANDLE h, SECURITY_INFORMATION info, PSECURITY_DESCRIPTOR sd_bin)
{
    struct svc_wbuf w;
    char *text;
    int rc = security_info_check(info);

    if (rc == 0)
        rc = descriptor_text(sd_bin, info, &text);
    if (rc != 0)
        return rc;
    rc = need_access(h, ((info & DACL_SECURITY_INFORMATION) ? WRITE_DAC : 0) |
                        ((info & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION))
                             ? WRITE_OWNER : 0));
    if (rc == 0) {
        svc_wbuf_init(&w);
        svc_msg_set_security_pack(&w, security_object_name(h), info, text);
        rc = request_plain(h->conn, SVC_MSG_SET_SECURITY, &w);
    }
    free(text);
    return rc;
}

BOOL WINAPI SetServiceObjectSecurity(SC_HANDLE hService, SECURITY_INFORMATION dwSecurityInformation,
                                     PSECURITY_DESCRIPTOR lpSecurityDescriptor)
{
    int rc = svc_handle_get(hService, SVC_HANDLE_ANY);

    if (rc != 0)
        return fail(rc);
    rc = set_security(hService, dwSecurityInformation, lpSecurityDescriptor);
    return put_result(hService, rc);
}

BOOL WINAPI ConvertStringSecurityDescriptorToSecurityDescriptorA(
    LPCSTR StringSecurityDescriptor, DWORD StringSDRevision,
    PSECURITY_DESCRIPTOR *SecurityDescriptor, PULONG SecurityDescriptorSize)
{
    struct svc_sd sd;
    uint8_t *bin;
    size_t len;
    int rc;

    if (StringSecurityDescriptor == NULL || SecurityDescriptor == NULL)
        return fail(ERROR_INVALID_PARAMETER);
    if (StringSDRevision != SDDL_REVISION_1)
        return fail(ERROR_UNKNOWN_REVISION);
    rc = svc_sddl_parse(StringSecurityDescriptor, &sd, NULL, 0);
    if (rc == 0)
        rc = svc_sd_to_binary(&sd, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                   DACL_SECURITY_INFORMATION, &bin, &len);
    svc_sd_free(&sd);
    if (rc != 0)
        return fail(rc == -EINVAL ? ERROR_INVALID_PARAMETER : rc);
    *SecurityDescriptor = bin;
    if (SecurityDescriptorSize != NULL)
        *SecurityDescriptorSize = (ULONG)len;
    return TRUE;
}

BOOL WINAPI ConvertSecurityDescriptorToStringSecurityDescriptorA(
    PSECURITY_DESCRIPTOR SecurityDescriptor, DWORD RequestedStringSDRevision,
    SECURITY_INFORMATION SecurityInformation, LPSTR *StringSecurityDescriptor,
    PULONG StringSecurityDescriptorLen)
{
    char *text;
    int rc;

    if (StringSecurityDescriptor == NULL)
        return fail(ERROR_INVALID_PARAMETER);
    if (RequestedStringSDRevision != SDDL_REVISION_1)
        return fail(ERROR_UNKNOWN_REVISION);
    rc = descriptor_text(SecurityDescriptor, SecurityInformation, &text);
    if (rc != 0)
        return fail(rc);
    *StringSecurityDescriptor = text;
    if (StringSecurityDescriptorLen != NULL)
        *StringSecurityDescriptorLen = (ULONG)strlen(text) + 1;   /* the buffer's size */
    return TRUE;
}

HLOCAL WINAPI LocalFree(HLOCAL hMem)
{
    free(hMem);
    return NULL;
}
