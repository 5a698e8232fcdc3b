/*
 * access.c - access decisions (see access.h).
 *
 * The rights a caller holds are computed as Windows computes
 * MAXIMUM_ALLOWED: the owner's implicit rights first, then each ACE in
 * order, an allow adding the rights no earlier deny took, a deny taking
 * those no earlier allow gave.  A check for some rights is then whether
 * they are all held, which is the answer Windows' in-order walk for a
 * desired access gives too.
 */
#include "access.h"
#include "conn.h"
#include "host_chan.h"
#include "sddl.h"
#include "win32.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint32_t map_generic(enum scm_object kind, uint32_t a)
{
    return kind == SCM_OBJ_MANAGER ? svc_map_manager_access(a) : svc_map_service_access(a);
}

static uint32_t all_rights(enum scm_object kind)
{
    return kind == SCM_OBJ_MANAGER ? (uint32_t)SC_MANAGER_ALL_ACCESS : (uint32_t)SERVICE_ALL_ACCESS;
}

const char *scm_access_sddl(const struct scm *scm, enum scm_object kind,
                            const struct scm_service *s)
{
    if (kind == SCM_OBJ_MANAGER)
        return scm->manager_sddl ? scm->manager_sddl : SCM_SDDL_MANAGER_DEFAULT;
    return s && s->cfg && s->cfg->security ? s->cfg->security : SCM_SDDL_SERVICE_DEFAULT;
}

static int in_group(const struct scm_caller *c, gid_t g)
{
    if (c->gid == g)
        return 1;
    for (unsigned i = 0; i < c->n_groups; i++)
        if (c->groups[i] == g)
            return 1;
    return 0;
}

static int is_user(const struct scm_caller *c, const char *account)
{
    struct passwd *pw;

    if (account == NULL || account[0] == '\0')
        return 0;
    pw = getpwnam(account);
    return pw != NULL && pw->pw_uid == c->uid;
}

/* A member of BUILTIN\Administrators: root, or in scm.ini's AdminGroup.
 * deny: a caller whose groups were cut short may be a member. */
static int is_admin(const struct scm *scm, const struct scm_caller *c, int deny)
{
    const char *name = scm->set.admin_group;
    struct group *g;

    if (c->uid == 0)
        return 1;
    if (name == NULL || name[0] == '\0')
        return 0;
    if (deny && c->groups_truncated)
        return 1;
    g = getgrnam(name);
    return g != NULL && in_group(c, g->gr_gid);
}

/* SU: the user some host process runs as (its effective uid, the owner
 * of /proc/PID). */
static int is_service_user(const struct scm *scm, const struct scm_caller *c)
{
    struct scm *m = (struct scm *)(uintptr_t)scm;   /* the host list is only read */

    if (scm->hosts == NULL)
        return 0;
    for (struct scm_host *h = scm_host_first(m); h; h = scm_host_next(h)) {
        char path[32];
        struct stat st;

        snprintf(path, sizeof path, "/proc/%d", (int)scm_host_pid(h));
        if (stat(path, &st) == 0 && st.st_uid == c->uid)
            return 1;
    }
    return 0;
}

/* Whether sid holds caller (deny: for a deny ACE, where a group the
 * kernel did not tell counts as held). */
static int sid_holds(const struct scm *scm, const struct scm_caller *c, const struct svc_sid *sid,
                     const struct svc_sd *sd, int deny)
{
    static const char *const everyone[] = { "WD", "AU", "IU", "BU" };
    struct svc_sid w;

    if (sid->authority == 22 && sid->n_sub == 2 && sid->sub[0] == 1)
        return sid->sub[1] == (uint32_t)c->uid;
    if (sid->authority == 22 && sid->n_sub == 2 && sid->sub[0] == 2)
        return in_group(c, (gid_t)sid->sub[1]) || (deny && c->groups_truncated);
    for (size_t i = 0; i < sizeof everyone / sizeof everyone[0]; i++)
        if (svc_sid_well_known(everyone[i], &w) == 0 && svc_sid_equal(sid, &w))
            return 1;
    if (svc_sid_well_known("SY", &w) == 0 && svc_sid_equal(sid, &w))
        return c->uid == 0;
    if (svc_sid_well_known("BA", &w) == 0 && svc_sid_equal(sid, &w))
        return is_admin(scm, c, deny);
    if (svc_sid_well_known("LS", &w) == 0 && svc_sid_equal(sid, &w))
        return is_user(c, scm->set.local_service_account);
    if (svc_sid_well_known("NS", &w) == 0 && svc_sid_equal(sid, &w))
        return is_user(c, scm->set.network_service_account);
    if (svc_sid_well_known("SU", &w) == 0 && svc_sid_equal(sid, &w))
        return is_service_user(scm, c);
    if (svc_sid_well_known("OW", &w) == 0 && svc_sid_equal(sid, &w))
        return sd->has_owner && !svc_sid_equal(&sd->owner, &w) &&
               sid_holds(scm, c, &sd->owner, sd, deny);
    return 0;
}

/* ---- descriptors parsed once ---------------------------------------------------- */

/* Every request is decided over a descriptor; parsing its text each time
 * would cost more than the rest of most requests.  Few texts are in use
 * (most services keep the default), so a small table of them, by their
 * text (never by a pointer, which a freed and reused string could share),
 * replaced round-robin when full. */
#define SD_CACHE_SIZE 32

struct scm_sd_cache {
    struct {
        char *text;
        struct svc_sd sd;
    } e[SD_CACHE_SIZE];
    unsigned next;
};

/* text parsed: from the table, else parsed into it.  NULL if it does not
 * parse (or out of memory). */
static const struct svc_sd *parsed(const struct scm *scm, const char *text)
{
    struct scm *m = (struct scm *)(uintptr_t)scm;   /* the table is a cache */
    struct scm_sd_cache *c = m->sd_cache;
    unsigned i;

    if (c == NULL && (c = m->sd_cache = calloc(1, sizeof *c)) == NULL)
        return NULL;
    for (i = 0; i < SD_CACHE_SIZE; i++)
        if (c->e[i].text != NULL && strcmp(c->e[i].text, text) == 0)
            return &c->e[i].sd;
    i = c->next;
    c->next = (c->next + 1) % SD_CACHE_SIZE;
    free(c->e[i].text);
    svc_sd_free(&c->e[i].sd);
    c->e[i].text = NULL;
    if (svc_sddl_parse(text, &c->e[i].sd, NULL, 0) != 0 || (c->e[i].text = strdup(text)) == NULL) {
        svc_sd_free(&c->e[i].sd);
        return NULL;
    }
    return &c->e[i].sd;
}

void scm_access_free(struct scm *scm)
{
    struct scm_sd_cache *c = scm->sd_cache;

    for (unsigned i = 0; c != NULL && i < SD_CACHE_SIZE; i++) {
        free(c->e[i].text);
        svc_sd_free(&c->e[i].sd);
    }
    free(c);
    scm->sd_cache = NULL;
}

static uint32_t granted_by(const struct scm *scm, const struct scm_caller *c,
                           enum scm_object kind, const struct svc_sd *sd)
{
    uint32_t granted = 0, denied = 0;
    struct svc_sid ow;
    int owner_rights_ace = 0;

    if (!(sd->control & SVC_SE_DACL_PRESENT) || sd->dacl_null)
        return all_rights(kind);    /* no DACL, or a NULL one: no protection */
    svc_sid_well_known("OW", &ow);
    for (size_t i = 0; i < sd->n_aces; i++)
        if (svc_sid_equal(&sd->aces[i].sid, &ow))
            owner_rights_ace = 1;
    /* The owner may always read and change the DACL (unless OW says). */
    if (!owner_rights_ace && sd->has_owner && sid_holds(scm, c, &sd->owner, sd, 0))
        granted |= READ_CONTROL | WRITE_DAC;
    for (size_t i = 0; i < sd->n_aces; i++) {
        const struct svc_ace *a = &sd->aces[i];
        uint32_t mask = map_generic(kind, a->mask);

        if (a->flags & SVC_ACE_IO)
            continue;               /* inherit-only: not for this object */
        /* An ACE whose rights are all decided already changes nothing:
         * skip it before asking who its SID holds (SU reads /proc, BA
         * the group database). */
        if (!(mask & ~(granted | denied)))
            continue;
        if (!sid_holds(scm, c, &a->sid, sd, a->type == SVC_ACE_DENY))
            continue;
        if (a->type == SVC_ACE_DENY)
            denied |= mask & ~granted;
        else
            granted |= mask & ~denied;
    }
    return granted & all_rights(kind);
}

uint32_t scm_access_granted(const struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s)
{
    const struct svc_sd *sd;

    /* A non-root scmd's own user administers it. */
    if (caller->uid == scm->self_uid)
        return all_rights(kind);
    if ((sd = parsed(scm, scm_access_sddl(scm, kind, s))) == NULL)
        /* Never stored so (the writers check); if it happens, nobody but
         * root may read and replace it. */
        return caller->uid == 0 ? (uint32_t)(READ_CONTROL | WRITE_DAC) : 0;
    return granted_by(scm, caller, kind, sd);
}

int scm_access_public(const struct scm *scm, enum scm_object kind, const struct scm_service *s,
                      uint32_t right)
{
    /* Nobody's uid and gid: only the SIDs of every local user hold it. */
    const struct scm_caller anyone = { .uid = (uid_t)-1, .gid = (gid_t)-1 };
    const struct svc_sd *sd = parsed(scm, scm_access_sddl(scm, kind, s));
    int pub;

    if (sd == NULL)
        return 0;
    pub = (granted_by(scm, &anyone, kind, sd) & right) == right;
    for (size_t i = 0; pub && i < sd->n_aces; i++)
        if (sd->aces[i].type == SVC_ACE_DENY && !(sd->aces[i].flags & SVC_ACE_IO) &&
            (map_generic(kind, sd->aces[i].mask) & right))
            pub = 0;
    return pub;
}

DWORD scm_access_check(const struct scm *scm, const struct scm_caller *caller,
                       enum scm_object kind, const struct scm_service *s, uint32_t wanted)
{
    uint32_t need = map_generic(kind, wanted);
    return (need & ~scm_access_granted(scm, caller, kind, s)) ? ERROR_ACCESS_DENIED : NO_ERROR;
}

/* ---- the audit of refusals ------------------------------------------------------- */

static const struct right_name {
    uint32_t bit;
    const char *manager, *service;
} right_names[] = {
    { 0x0001, "SC_MANAGER_CONNECT", "SERVICE_QUERY_CONFIG" },
    { 0x0002, "SC_MANAGER_CREATE_SERVICE", "SERVICE_CHANGE_CONFIG" },
    { 0x0004, "SC_MANAGER_ENUMERATE_SERVICE", "SERVICE_QUERY_STATUS" },
    { 0x0008, "SC_MANAGER_LOCK", "SERVICE_ENUMERATE_DEPENDENTS" },
    { 0x0010, "SC_MANAGER_QUERY_LOCK_STATUS", "SERVICE_START" },
    { 0x0020, "SC_MANAGER_MODIFY_BOOT_CONFIG", "SERVICE_STOP" },
    { 0x0040, NULL, "SERVICE_PAUSE_CONTINUE" },
    { 0x0080, NULL, "SERVICE_INTERROGATE" },
    { 0x0100, NULL, "SERVICE_USER_DEFINED_CONTROL" },
    { DELETE, "DELETE", "DELETE" },
    { READ_CONTROL, "READ_CONTROL", "READ_CONTROL" },
    { WRITE_DAC, "WRITE_DAC", "WRITE_DAC" },
    { WRITE_OWNER, "WRITE_OWNER", "WRITE_OWNER" },
};

void scm_access_log_refusal(struct scm *scm, const struct scm_caller *caller,
                            enum scm_object kind, const struct scm_service *s,
                            uint32_t wanted, const char *request)
{
    uint32_t missing = map_generic(kind, wanted) & ~scm_access_granted(scm, caller, kind, s);
    char names[256] = "";
    size_t len = 0;

    for (size_t i = 0; i < sizeof right_names / sizeof right_names[0]; i++) {
        const char *n = kind == SCM_OBJ_MANAGER ? right_names[i].manager : right_names[i].service;
        if (!(missing & right_names[i].bit) || n == NULL)
            continue;
        missing &= ~right_names[i].bit;
        int k = snprintf(names + len, sizeof names - len, "%s%s", len ? "|" : "", n);
        if (k > 0 && (size_t)k < sizeof names - len)
            len += (size_t)k;
    }
    if (missing)
        snprintf(names + len, sizeof names - len, "%s0x%x", len ? "|" : "", (unsigned)missing);
    scm_conn_log(scm, caller->uid, "access denied: uid %u pid %d, %s on %s%s: lacks %s", (unsigned)caller->uid,
                 (int)caller->pid, request ? request : "a request",
                 kind == SCM_OBJ_MANAGER ? "the SCM" : "service ",
                 kind == SCM_OBJ_MANAGER ? "" : s->name, names);
}
