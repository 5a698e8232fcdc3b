/*
 * service.c - the in-memory service table.
 */
#include "service.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct scm_service *scm_service_new(struct svc_service_config *cfg)
{
    struct scm_service *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->name = strdup(cfg->name);
    if (s->name == NULL) {
        free(s);
        return NULL;
    }
    s->cfg = cfg;
    s->status.dwServiceType = cfg->type;
    s->status.dwCurrentState = SERVICE_STOPPED;
    return s;
}

static void timer_closed(uv_handle_t *h)
{
    free(h);
}

static void close_timer(uv_timer_t *t)
{
    if (t != NULL) {
        t->data = NULL;
        uv_close((uv_handle_t *)t, timer_closed);
    }
}

void scm_service_free(struct scm_service *s)
{
    if (s == NULL)
        return;
    close_timer(s->timer);
    close_timer(s->control_timer);
    svc_service_config_free(s->cfg);
    free(s->name);
    free(s);
}

void scm_service_link(struct scm *scm, struct scm_service *s)
{
    struct scm_service **pp = &scm->services;
    while (*pp != NULL && strcasecmp((*pp)->name, s->name) < 0)
        pp = &(*pp)->next;
    s->next = *pp;
    *pp = s;
}

void scm_service_unlink(struct scm *scm, struct scm_service *s)
{
    for (struct scm_service **pp = &scm->services; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            s->next = NULL;
            return;
        }
    }
}

struct scm_service *scm_service_find(const struct scm *scm, const char *name)
{
    if (name == NULL)
        return NULL;
    for (struct scm_service *s = scm->services; s; s = s->next)
        if (strcasecmp(s->name, name) == 0)
            return s;
    return NULL;
}

struct scm_service *scm_service_find_display(const struct scm *scm, const char *display)
{
    if (display == NULL)
        return NULL;
    for (struct scm_service *s = scm->services; s; s = s->next)
        if (s->cfg->display_name && strcasecmp(s->cfg->display_name, display) == 0)
            return s;
    return NULL;
}

int scm_service_active(const struct scm_service *s)
{
    return s->status.dwCurrentState != SERVICE_STOPPED;
}

int scm_service_up(const struct scm_service *s)
{
    DWORD st = s->status.dwCurrentState;
    return st == SERVICE_RUNNING || st == SERVICE_PAUSED || st == SERVICE_PAUSE_PENDING ||
           st == SERVICE_CONTINUE_PENDING;
}

const char *scm_service_display(const struct scm_service *s)
{
    return s->cfg->display_name ? s->cfg->display_name : s->name;
}

int scm_service_in_group(const struct scm_service *s, const char *g)
{
    return g && s->cfg->load_order_group && strcasecmp(s->cfg->load_order_group, g) == 0;
}

char *scm_service_host_group(const struct scm_service *s)
{
    char *group = NULL;
    if ((s->cfg->type & SERVICE_WIN32_SHARE_PROCESS) &&
        svc_imagepath_group(s->cfg->image_path, &group) == 1)
        return group;
    return NULL;
}
