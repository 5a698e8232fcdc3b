/*
 * notloadable.c - test plugin that cannot be loaded.
 *
 * It calls a function nothing defines.  Shared objects may link with
 * undefined symbols (the build does not use -z defs), so this builds; but
 * the host loads plugins with RTLD_NOW, so dlopen() fails and the service
 * stops with ERROR_MOD_NOT_FOUND (126) before any of this runs.
 */
#include <svchost/svchost.h>

/* Default visibility: a hidden undefined symbol would fail the link. */
extern int svchost_test_symbol_that_does_not_exist(void)
    __attribute__((visibility("default")));

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    (void)argc;
    (void)argv;
    svchost_test_symbol_that_does_not_exist();
}
