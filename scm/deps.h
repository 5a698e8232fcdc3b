/*
 * deps.h - the dependency graph: DependOnService names services,
 * DependOnGroup names load-order groups (satisfied by any running
 * member).  Cycles, dependents in both directions, stop order.
 */
#ifndef SCM_DEPS_H
#define SCM_DEPS_H

#include <stddef.h>

#include "scm.h"
#include "service.h"

/* 1 if giving `name` these dependencies would make a cycle (or a chain
 * deeper than 64), else 0. */
int scm_deps_cycle(const struct scm *scm, const char *name, char *const *dep_services,
                   char *const *dep_groups);
/* 1 if o depends on s directly (by name, or through s's group). */
int scm_deps_depends_on(const struct scm_service *o, const struct scm_service *s);
/* The services depending on s directly, in table order, as a new array
 * (*out, NULL when none); the count, or -ENOMEM. */
int scm_deps_direct(const struct scm *scm, const struct scm_service *s, struct scm_service ***out);
/* Every service depending on s, directly or not, each once, in the
 * reverse of start order (one that would start last comes first), as
 * EnumDependentServices lists them.  The count, or -ENOMEM. */
int scm_deps_all(const struct scm *scm, const struct scm_service *s, struct scm_service ***out);
/* 1 if any service depending directly on s is active. */
int scm_deps_active_dependents(const struct scm *scm, const struct scm_service *s);
/* The members of load-order group g; the count, or -ENOMEM. */
int scm_deps_group_members(const struct scm *scm, const char *g, struct scm_service ***out);

#endif
