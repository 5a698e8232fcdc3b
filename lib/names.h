/*
 * names.h - service names looked up without walking a list.
 *
 * Service names compare without regard to case (ASCII, as strcasecmp in
 * the C locale and as Windows compares them), so one hash serves every
 * table keyed by them.  svc_name_map is an open-addressing map from such
 * a name to a pointer: a host of 1,000 services finds one in constant
 * time at every start, status and control.  Not locked: callers hold
 * their own lock.
 */
#ifndef SVC_NAMES_H
#define SVC_NAMES_H

#include <stddef.h>

/* FNV-1a over the name folded to lower case. */
size_t svc_name_hash(const char *name);

struct svc_name_map {
    struct svc_name_slot {
        const char *name;   /* not copied: lives as long as its entry */
        void *value;
    } *slots;
    size_t cap, n;          /* cap a power of two, at most half full */
};

/* The value stored under name (any case), or NULL. */
void *svc_name_map_get(const struct svc_name_map *m, const char *name);
/* Stores value under name, replacing what was stored under it.  name must
 * stay valid until the entry is replaced or the map freed.  No entry is
 * removed (no user needs it): a map is freed whole.  0 or -ENOMEM. */
int svc_name_map_put(struct svc_name_map *m, const char *name, void *value);
/* Frees the slots (not the names or values); the map is empty again. */
void svc_name_map_free(struct svc_name_map *m);

#endif
