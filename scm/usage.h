/*
 * usage.h - what each host process and each service in it uses, for
 * `sc hosts /v` (SVC_MSG_ENUM_USAGE).
 */
#ifndef SCM_USAGE_H
#define SCM_USAGE_H

#include "scm.h"
#include "proto.h"

struct scm_usage_job;

/* Answers w with every host's and service's usage, once each host has
 * answered a HOST_QUERY (or failed to within a second). */
void scm_usage_start(struct scm *scm, struct scm_waiter w);
/* A host's answer (rows NULL when it ended first or answered badly). */
void scm_usage_host_done(struct scm *scm, struct scm_usage_job *job, struct svc_msg_usage *rows,
                         uint32_t n);

#endif
