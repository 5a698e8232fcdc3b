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
 *
 * Beside it, ROOT/run/names lists every installed service (its slot and
 * generation, its type, its name and display name) in the order
 * EnumServicesStatusEx returns them, so that an enumeration is the table
 * read too.  scmd writes the file a little after the services change,
 * a new file renamed over the old, and says in the table's header which
 * names generation is current: a file of another generation (the list
 * changed since) is not used, nor is any when a service is not
 * published or the SCM's own descriptor does not let every user
 * enumerate services (then scmd writes none).
 * docs/protocol.md, "The status table".
 */
#ifndef SVC_STATUS_TABLE_H
#define SVC_STATUS_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <svchost/winsvc.h>

#define SVC_TABLE_MAGIC 0x54535653u   /* "SVST" */
#define SVC_TABLE_VERSION 2u
#define SVC_TABLE_NO_SLOT UINT32_MAX  /* a service without a slot */
#define SVC_TABLE_STATUS_WORDS 9      /* the DWORDs of SERVICE_STATUS_PROCESS */

_Static_assert(sizeof(SERVICE_STATUS_PROCESS) == SVC_TABLE_STATUS_WORDS * sizeof(uint32_t),
               "SERVICE_STATUS_PROCESS must be nine DWORDs");

struct svc_table_header {
    uint32_t magic, version;
    _Atomic uint32_t capacity;        /* slots in the file */
    uint32_t slot_size;
    uint64_t instance;                /* random, per table: a handle's reply names it */
    _Atomic uint32_t names_gen;       /* the names file that is current; 0: none */
    uint32_t pad0;
    /* A robust, process-shared mutex that scmd's thread which made the
     * table holds until it closes the table or dies: when the thread
     * ends, however it ends, the kernel marks the mutex's owner dead, so
     * a reader learns that scmd has gone without a system call. */
    union {
        pthread_mutex_t mutex;
        uint8_t bytes[64];
    } owner;
    uint8_t pad[32];
};

struct svc_table_slot {
    _Atomic uint32_t seq;             /* odd while scmd writes the slot */
    _Atomic uint32_t gen;             /* the generation of the service in it; 0: none */
    _Atomic uint32_t published;       /* 1: readers may take the status */
    _Atomic uint32_t status[SVC_TABLE_STATUS_WORDS];
    uint32_t pad[4];
};
_Static_assert(sizeof(struct svc_table_header) == 128, "the header is 128 bytes");
_Static_assert(sizeof(struct svc_table_slot) == 64, "a slot is 64 bytes");

/* A mapping of the table: scmd's (writable) or a client's. */
struct svc_table {
    void *base;
    struct svc_table_header *owned;   /* scmd's: the header, mapped apart (it never moves) */
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
/* Unmaps t; the thread that made a table closes it, which tells its
 * readers that it is no longer kept. */
void svc_table_close(struct svc_table *t);

/* ---- the names file (ROOT/run/names) --------------------------------------- */

#define SVC_NAMES_MAGIC 0x4d4e5653u   /* "SVNM" */
#define SVC_NAMES_VERSION 1u

/* The file: this header, then count records, each a struct
 * svc_names_record, the name and the display name (each with its NUL),
 * and zeros to the next multiple of 4 bytes.  size is the file's bytes. */
struct svc_names_header {
    uint32_t magic, version;
    uint64_t instance;                /* the table's */
    uint32_t gen;                     /* what the table's names_gen says when current */
    uint32_t count;
    uint32_t size;
    uint32_t pad;
};
struct svc_names_record {
    uint32_t slot, gen;               /* the service's slot in the table */
    uint32_t type;                    /* its configured SERVICE_* type */
    uint16_t name_len, display_len;   /* without their NULs */
};
_Static_assert(sizeof(struct svc_names_header) == 32, "the names header is 32 bytes");
_Static_assert(sizeof(struct svc_names_record) == 16, "a names record is 16 bytes");

/* One service, as scmd lists it. */
struct svc_names_entry {
    uint32_t slot, gen, type;
    const char *name, *display;
};

/* Says that the services changed: no names file is current until
 * svc_table_names_write writes the next one. */
void svc_table_names_stale(struct svc_table *t);
/* Writes path (a new file renamed over it) listing e[0..n) for the
 * table's current names generation, which makes it current.  0 or a
 * negative errno (-EINVAL: a name longer than 65535 bytes). */
int svc_table_names_write(struct svc_table *t, const char *path, const struct svc_names_entry *e,
                          size_t n);

/* ---- a client's side --------------------------------------------------- */

/* Whether the scmd that made t still keeps it: 1 yes, 0 no (it closed
 * the table or died), -1 cannot tell without a system call (a C library
 * whose mutex this code does not know: ask the connection). */
int svc_table_kept(const struct svc_table *t);

/* The status of a handle's service from the table of the local scmd
 * (ROOT/run/status of svc_default_root(), mapped once per process and
 * again when it grew or another scmd made a new one): 0, or a negative
 * errno when the caller must ask scmd instead (no table, another
 * table's instance, the slot's service deleted or not published, or
 * being written all along; -ENOTCONN: scmd closed the table or died).
 * 1: *out is read, but whether scmd still keeps the table cannot be
 * told here (svc_table_kept -1): the caller checks its connection. */
int svc_table_client_read(uint32_t slot, uint32_t gen, uint64_t instance,
                          SERVICE_STATUS_PROCESS *out);

struct svc_msg_service;
/* The services EnumServicesStatusEx(type, state) lists, from the table
 * and the names file of the local scmd whose table is instance: 0 and
 * *out (n entries, svc_msg_services_free), or a negative errno when the
 * caller must ask scmd (no table or no current names file, a service
 * not published, the list changed while it was read, -ENOTCONN: scmd
 * closed the table or died); 1 as for svc_table_client_read. */
int svc_table_client_enum(uint64_t instance, uint32_t type, uint32_t state,
                          struct svc_msg_service **out, size_t *n);

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
