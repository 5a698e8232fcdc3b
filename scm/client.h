/*
 * client.h - the client request table: each request decoded, checked
 * by access.c against the right its row names, answered by its handler,
 * and the answer encoded.  Nothing else happens here.
 */
#ifndef SCM_CLIENT_H
#define SCM_CLIENT_H

#include "conn.h"

/* The conn.h request callback: 0, or -EPROTO for a request that does
 * not decode exactly (the connection is then closed). */
int scm_client_request(struct scm *scm, struct scm_client *c, const struct scm_caller *who,
                       const struct svc_frame_header *h, const uint8_t *payload);

#endif
