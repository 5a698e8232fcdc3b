/*
 * config_service.h - internals shared by the configuration readers: the
 * service-file loader that svc_config_load_service and the group loader
 * (config_groups.c) both use.
 */
#ifndef SVC_CONFIG_SERVICE_H
#define SVC_CONFIG_SERVICE_H

#include <stddef.h>

#include "config.h"

/*
 * The body of svc_config_load_service.  Also returns the ImagePath line,
 * for svc_config_load_group's messages, and counts errors into *errors.
 * With quiet_enoent a missing file is -ENOENT without a diagnostic.
 */
int svc_service_load(const char *root, const char *name, int quiet_enoent,
                     struct svc_service_config **out, unsigned *image_path_line,
                     struct svc_diag *diag, size_t *errors);

#endif
