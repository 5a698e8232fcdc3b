/*
 * status_table.h - every service's SERVICE_STATUS_PROCESS, published by
 * scmd in a shared-memory table (ROOT/run/status) that clients map
 * read-only, so that QueryServiceStatus(Ex) needs no round trip.
 *
 * The file is a header and an array of slots; each service has a slot
 * for as long as it is installed, and a generation that changes when the
 * slot is given to another service, so a handle to a deleted service
 * never reads its successor.  scmd, the one writer, updates a slot under
 * a sequence lock: the count is odd while it writes; a reader copies the
 * slot and takes the copy only if the count was even and unchanged.  A
 * service whose descriptor does not let every user query its status is
 * not published (its slot says so): its handles ask scmd.
 * docs/protocol.md, "The status table".
 */
#ifndef SVC_STATUS_TABLE_H
#define SVC_STATUS_TABLE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <svchost/winsvc.h>

#define SVC_TABLE_MAGIC 0x54535653u   /* "SVST" */
#define SVC_TABLE_VERSION 1u
#define SVC_TABLE_NO_SLOT UINT32_MAX  /* a service without a slot */
#define SVC_TABLE_STATUS_WORDS 9      /* the DWORDs of SERVICE_STATUS_PROCESS */

_Static_assert(sizeof(SERVICE_STATUS_PROCESS) == SVC_TABLE_STATUS_WORDS * sizeof(uint32_t),
               "SERVICE_STATUS_PROCESS must be nine DWORDs");

struct svc_table_header {
    uint32_t magic, version;
    _Atomic uint32_t capacity;        /* slots in the file */
    uint32_t slot_size;
    uint64_t instance;                /* random, per table: a handle's reply names it */
    uint8_t pad[40];
};

struct svc_table_slot {
    _Atomic uint32_t seq;             /* odd while scmd writes the slot */
    _Atomic uint32_t gen;             /* the generation of the service in it; 0: none */
    _Atomic uint32_t published;       /* 1: readers may take the status */
    _Atomic uint32_t status[SVC_TABLE_STATUS_WORDS];
    uint32_t pad[4];
};
_Static_assert(sizeof(struct svc_table_header) == 64, "the header is 64 bytes");
_Static_assert(sizeof(struct svc_table_slot) == 64, "a slot is 64 bytes");

/* A mapping of the table: scmd's (writable) or a client's. */
struct svc_table {
    void *base;
    uint64_t instance;
    size_t size;                      /* bytes mapped */
    uint32_t capacity;                /* slots mapped */
    int fd;
};

/* ---- scmd's side --------------------------------------------------------- */

/* Creates the table at path with room for capacity slots (written to a
 * new file renamed over path, mode 0644, so a client never maps half a
 * header).  0 or a negative errno. */
int svc_table_create(const char *path, uint32_t capacity, struct svc_table *t);
/* Room for at least n slots: the file grows and is mapped again.  0 or a
 * negative errno. */
int svc_table_reserve(struct svc_table *t, uint32_t n);
/* Writes slot's generation, published flag and status (st NULL: zeros). */
void svc_table_write(struct svc_table *t, uint32_t slot, uint32_t gen, int published,
                     const SERVICE_STATUS_PROCESS *st);
void svc_table_close(struct svc_table *t);

/* ---- a client's side --------------------------------------------------- */

/* The status of a handle's service from the table of the local scmd
 * (ROOT/run/status of svc_default_root(), mapped once per process and
 * again when it grew or another scmd made a new one): 0, or a negative
 * errno when the caller must ask scmd instead (no table, another
 * table's instance, the slot's service deleted or not published, or
 * being written all along). */
int svc_table_client_read(uint32_t slot, uint32_t gen, uint64_t instance,
                          SERVICE_STATUS_PROCESS *out);

/* Maps the table at path read-only.  0 or a negative errno (-EPROTO for
 * a file that is not a table of this version). */
int svc_table_map(const char *path, struct svc_table *t);
/*
 * Copies slot's status if it holds generation gen and is published:
 *   0        *out is a status scmd published, never half of one;
 *   -ERANGE  the slot is beyond the mapping (map the grown file again);
 *   -ENOENT  another service's slot now, or not published: ask scmd;
 *   -EAGAIN  scmd kept writing it meanwhile: ask scmd.
 */
int svc_table_read(const struct svc_table *t, uint32_t slot, uint32_t gen,
                   SERVICE_STATUS_PROCESS *out);

#endif
