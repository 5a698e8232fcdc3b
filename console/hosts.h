/*
 * hosts.h - the host processes of a machine and what each service uses
 * inside them (SvchostEnumHosts, SvchostEnumUsage: sc hosts /v), and its
 * event log (SvchostReadEventLog), as JSON.  Called with m->lock held;
 * NO_ERROR or the Win32 error, with f filled in.
 */
#ifndef SVCCONSOLE_HOSTS_H
#define SVCCONSOLE_HOSTS_H

#include "services.h"

/* [{pid, group, services: [...], threads, cpu_us, rss_kib, pss_kib,
 *   usage: [{name, threads, cpu_us, stack_kib, image_kib}]}] */
DWORD hosts_list(struct machine *m, json_t **out, struct fail *f);

/* [{record, time_ms, id, service, text}], oldest first: those matching
 * filter (NULL: all). */
DWORD events_list(struct machine *m, const SVCHOST_EVENT_FILTER *filter, json_t **out,
                  struct fail *f);

#endif
