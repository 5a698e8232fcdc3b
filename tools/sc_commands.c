/*
 * sc_commands.c - the command table: each command's handler, the access
 * it asks the SCM for, and its help text.
 *
 * Each command asks only for the rights it uses, so that a user who may
 * only query (SC_MANAGER_CONNECT, SERVICE_QUERY_STATUS) can run query.
 * Handlers that need another mask for some forms (query's enumeration,
 * control's code-dependent right) pass it to sc_open themselves.
 */
#include "sc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SC_OPTION_NOTE                                                              \
    "NOTE: The option name includes the equal sign.\n"                              \
    "      A space is required between the equal sign and the value\n"             \
    "      (\"name=value\" as one word is accepted too).\n"

#define SC_CONFIG_OPTIONS                                                           \
    " type= <own|share|interact|kernel|filesys|rec|userown|usershare>\n"            \
    " start= <boot|system|auto|demand|disabled|delayed-auto>\n"                     \
    " error= <normal|severe|critical|ignore>\n"                                     \
    " binPath= <command line of the service, e.g. \"svchost -k GROUP\">\n"          \
    " group= <LoadOrderGroup>\n"                                                    \
    " tag= <yes|no>                 (accepted and ignored)\n"                       \
    " depend= <Dependencies (separated by / (forward slash)); +NAME is a group>\n"  \
    " obj= <AccountName|ObjectName>\n"                                              \
    " DisplayName= <display name>\n"                                                \
    " password= <must be empty>\n"                                                  \
    "Extensions:\n"                                                                 \
    " ServiceDll= <plugin: a path, or a file name in the plugin directory>\n"       \
    " ServiceMain= <entry point name (default ServiceMain)>\n"                      \
    " param= <KEY=VALUE>            (repeatable; \"param= KEY=\" removes KEY)\n"

static const struct sc_command commands[] = {
    { "query", sc_cmd_query, SC_MANAGER_CONNECT, SERVICE_QUERY_STATUS, 0,
      "Queries the status of a service, or enumerates services.",
      "DESCRIPTION:\n"
      "        Obtains and displays information about the specified service,\n"
      "        or enumerates services when no service name is given.\n"
      "USAGE:\n"
      "        sc <server> query [service name]\n"
      "        sc <server> query [type= ...] [state= ...] [group= ...] [bufsize= ...] [ri= ...]\n"
      "\n"
      "OPTIONS (enumeration only):\n"
      SC_OPTION_NOTE
      " type=    <service|driver|all|userservice>  (default = service)\n"
      " type=    <own|share|interact|kernel|filesys|rec|adapt|userown|usershare>\n"
      " state=   <active|inactive|all>              (default = active)\n"
      " group=   <load order group>                 (default = all groups)\n"
      " bufsize= <size in bytes of the enumeration buffer>\n"
      " ri=      <resume index>                     (default = 0)\n" },
    { "queryex", sc_cmd_queryex, SC_MANAGER_CONNECT, SERVICE_QUERY_STATUS, 0,
      "Queries the extended status of a service, or enumerates services.",
      "DESCRIPTION:\n"
      "        As query, with the process id (PID) and FLAGS of each service.\n"
      "USAGE:\n"
      "        sc <server> queryex [service name]\n"
      "        sc <server> queryex [type= ...] [state= ...] [group= ...] [bufsize= ...] [ri= ...]\n" },
    { "start", sc_cmd_start, SC_MANAGER_CONNECT, SERVICE_START | SERVICE_QUERY_STATUS, 1,
      "Starts a service.",
      "DESCRIPTION:\n"
      "        Starts a service running.  The words after the service name are\n"
      "        passed to its ServiceMain.\n"
      "USAGE:\n"
      "        sc <server> start [service name] <arg1> <arg2> ...\n" },
    { "pause", sc_cmd_pause, SC_MANAGER_CONNECT, SERVICE_PAUSE_CONTINUE, 1,
      "Sends a PAUSE control request to a service.",
      "DESCRIPTION:\n"
      "        Sends a PAUSE control request to a service.\n"
      "USAGE:\n"
      "        sc <server> pause [service name]\n" },
    { "interrogate", sc_cmd_interrogate, SC_MANAGER_CONNECT, SERVICE_INTERROGATE, 1,
      "Sends an INTERROGATE control request to a service.",
      "DESCRIPTION:\n"
      "        Sends an INTERROGATE control request to a service.\n"
      "USAGE:\n"
      "        sc <server> interrogate [service name]\n" },
    { "continue", sc_cmd_continue, SC_MANAGER_CONNECT, SERVICE_PAUSE_CONTINUE, 1,
      "Sends a CONTINUE control request to a service.",
      "DESCRIPTION:\n"
      "        Sends a CONTINUE control request to a service.\n"
      "USAGE:\n"
      "        sc <server> continue [service name]\n" },
    { "stop", sc_cmd_stop, SC_MANAGER_CONNECT, SERVICE_STOP, 1,
      "Sends a STOP request to a service.",
      "DESCRIPTION:\n"
      "        Sends a STOP control request to a service.\n"
      "USAGE:\n"
      "        sc <server> stop [service name]\n" },
    { "config", sc_cmd_config, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the configuration of a service (persistent).",
      "DESCRIPTION:\n"
      "        Modifies a service entry in the service database.\n"
      "USAGE:\n"
      "        sc <server> config [service name] <option1> <option2>...\n"
      "\n"
      "OPTIONS:\n"
      SC_OPTION_NOTE
      SC_CONFIG_OPTIONS },
    { "description", sc_cmd_description, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the description of a service.",
      "DESCRIPTION:\n"
      "        Sets the description string for a service.\n"
      "USAGE:\n"
      "        sc <server> description [service name] [description]\n" },
    { "failure", sc_cmd_failure, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the actions taken by a service upon failure.",
      "DESCRIPTION:\n"
      "        Changes the actions upon failure\n"
      "USAGE:\n"
      "        sc <server> failure [service name] <option1> <option2>...\n"
      "\n"
      "OPTIONS:\n"
      "        reset=   <Length of period of no failures (in seconds)\n"
      "                  after which to reset the failure count to 0 (may be INFINITE)>\n"
      "                  (Must be used in conjunction with actions= )\n"
      "        reboot=  <Message broadcast before rebooting on failure>\n"
      "        command= <Command line to be run on failure>\n"
      "        actions= <Failure actions and their delay time (in milliseconds),\n"
      "                  separated by / (forward slash) -- e.g., run/5000/reboot/800\n"
      "                  Valid actions are <run|restart|reboot> >\n"
      "                  (Must be used in conjunction with the reset= option)\n" },
    { "failureflag", sc_cmd_failureflag, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the failure actions flag of a service.",
      "DESCRIPTION:\n"
      "        Changes the failure actions flag setting of a service.\n"
      "        If this setting is 0 (default), the Service Control Manager\n"
      "        enables configured failure actions on the service only if\n"
      "        the service process terminates with the service in a state\n"
      "        other than SERVICE_STOPPED.\n"
      "        If this setting is 1, the Service Control Manager enables\n"
      "        configured failure actions on the service if the service\n"
      "        enters the SERVICE_STOPPED state with a Win32 exit code other\n"
      "        than 0 in addition to the service process termination as\n"
      "        above.\n"
      "USAGE:\n"
      "        sc <server> failureflag [service name] [flag]\n" },
    { "control", sc_cmd_control, SC_MANAGER_CONNECT, SERVICE_USER_DEFINED_CONTROL, 1,
      "Sends a CONTROL to a service.",
      "DESCRIPTION:\n"
      "        Sends a CONTROL code to a service.\n"
      "USAGE:\n"
      "        sc <server> control [service name] <value>\n"
      "    <value> = user-defined control code (128 .. 255)\n"
      "    <value> = <paramchange|\n"
      "               netbindadd|netbindremove|\n"
      "               netbindenable|netbinddisable>\n" },
    { "qc", sc_cmd_qc, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the configuration information for a service.",
      "DESCRIPTION:\n"
      "        Queries the configuration information for a service.\n"
      "        Extension: SERVICE_DLL, SERVICE_MAIN and PARAMETER lines for\n"
      "        services that have them.\n"
      "USAGE:\n"
      "        sc <server> qc [service name] <bufferSize>\n" },
    { "qfailure", sc_cmd_qfailure, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the actions taken by a service upon failure.",
      "DESCRIPTION:\n"
      "        Queries the actions taken by a service upon failure.\n"
      "USAGE:\n"
      "        sc <server> qfailure [service name] <bufferSize>\n" },
    { "qfailureflag", sc_cmd_qfailureflag, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the failure actions flag of a service.",
      "DESCRIPTION:\n"
      "        Queries the failure actions flag of a service.\n"
      "USAGE:\n"
      "        sc <server> qfailureflag [service name]\n" },
    { "qdescription", sc_cmd_qdescription, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the description for a service.",
      "DESCRIPTION:\n"
      "        Retrieves the description string of a service.\n"
      "USAGE:\n"
      "        sc <server> qdescription [service name] <bufferSize>\n" },
    { "privs", sc_cmd_privs, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the required privileges of a service.",
      "DESCRIPTION:\n"
      "        Sets the required privileges setting of a service.  The list\n"
      "        replaces the old one; \"\" removes it (the service then holds\n"
      "        every privilege of its account).  Each privilege stands for\n"
      "        Linux capabilities (docs/security.md); an unknown name is\n"
      "        refused with 87 and changes nothing.\n"
      "USAGE:\n"
      "        sc <server> privs [service name] [privileges]\n"
      "        [privileges] are separated by / (forward slash),\n"
      "        e.g. SeBackupPrivilege/SeRestorePrivilege\n" },
    { "qprivs", sc_cmd_qprivs, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the required privileges of a service.",
      "DESCRIPTION:\n"
      "        Queries the required privileges setting of a service.\n"
      "USAGE:\n"
      "        sc <server> qprivs [service name] <bufferSize>\n" },
    { "sidtype", sc_cmd_sidtype, SC_MANAGER_CONNECT, SERVICE_CHANGE_CONFIG, 1,
      "Changes the service SID type of a service.",
      "DESCRIPTION:\n"
      "        Changes the service SID type setting of a service.\n"
      "USAGE:\n"
      "        sc <server> sidtype [service name] [type]\n"
      "    [type] = <none|unrestricted|restricted>\n" },
    { "qsidtype", sc_cmd_qsidtype, SC_MANAGER_CONNECT, SERVICE_QUERY_CONFIG, 1,
      "Queries the service SID type of a service.",
      "DESCRIPTION:\n"
      "        Queries the service SID type setting of a service.\n"
      "USAGE:\n"
      "        sc <server> qsidtype [service name]\n" },
    { "sdshow", sc_cmd_sdshow, SC_MANAGER_CONNECT, READ_CONTROL, 1,
      "Displays a service's security descriptor.",
      "DESCRIPTION:\n"
      "        Displays a service's security descriptor in SDDL format.\n"
      "        The name scmanager stands for the Service Control Manager.\n"
      "USAGE:\n"
      "        sc <server> sdshow [service name|scmanager]\n" },
    { "sdset", sc_cmd_sdset, SC_MANAGER_CONNECT, WRITE_DAC, 1,
      "Sets a service's security descriptor.",
      "DESCRIPTION:\n"
      "        Sets a service's security descriptor using SDDL format.\n"
      "        The name scmanager stands for the Service Control Manager.\n"
      "USAGE:\n"
      "        sc <server> sdset [service name|scmanager] [service security descriptor]\n" },
    { "delete", sc_cmd_delete, SC_MANAGER_CONNECT, DELETE, 1,
      "Deletes a service.",
      "DESCRIPTION:\n"
      "        Deletes a service entry from the service database.  A running\n"
      "        service is removed once it has stopped.\n"
      "USAGE:\n"
      "        sc <server> delete [service name]\n" },
    { "create", sc_cmd_create, SC_MANAGER_CREATE_SERVICE, 0, 1,
      "Creates a service.",
      "DESCRIPTION:\n"
      "        Creates a service entry in the service database.\n"
      "USAGE:\n"
      "        sc <server> create [service name] [binPath= ] <option1> <option2>...\n"
      "\n"
      "OPTIONS:\n"
      SC_OPTION_NOTE
      " (defaults: type= own start= demand error= normal obj= LocalSystem)\n"
      SC_CONFIG_OPTIONS },
    { "EnumDepend", sc_cmd_enumdepend, SC_MANAGER_CONNECT, SERVICE_ENUMERATE_DEPENDENTS, 1,
      "Enumerates Service Dependencies.",
      "DESCRIPTION:\n"
      "        Enumerates the services that depend on this one.\n"
      "USAGE:\n"
      "        sc <server> EnumDepend [service name] <bufferSize>\n" },
    { "GetDisplayName", sc_cmd_getdisplayname, SC_MANAGER_CONNECT, 0, 1,
      "Gets the DisplayName for a service.",
      "DESCRIPTION:\n"
      "        Gets the display name associated with a particular service.\n"
      "USAGE:\n"
      "        sc <server> GetDisplayName <service key name>\n" },
    { "GetKeyName", sc_cmd_getkeyname, SC_MANAGER_CONNECT, 0, 1,
      "Gets the ServiceKeyName for a service.",
      "DESCRIPTION:\n"
      "        Gets the key name associated with a particular service, using\n"
      "        the display name as input.\n"
      "USAGE:\n"
      "        sc <server> GetKeyName <service display name>\n" },
    { "hosts", sc_cmd_hosts, SC_MANAGER_ENUMERATE_SERVICE, 0, 0,
      "(extension) Lists host processes and their services (tasklist /svc).",
      "DESCRIPTION:\n"
      "        Extension: lists each service host process with its PID, its\n"
      "        svchost group (\"-\" for an own-process executable), the kind of\n"
      "        instance (shared, split or own) and the services running in it;\n"
      "        the equivalent of tasklist /svc.  With /v: per host its threads,\n"
      "        CPU time, RSS and PSS, and per service its threads (those it\n"
      "        created included), CPU time, resident stacks and its plugin's\n"
      "        share of memory.\n"
      "USAGE:\n"
      "        sc <server> hosts [/v]\n" },
};

const struct sc_command *sc_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcasecmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void sc_print_help(void)
{
    printf("DESCRIPTION:\n"
           "        SC is a command line program used for communicating with the\n"
           "        Service Control Manager and services.\n"
           "USAGE:\n"
           "        sc [--root DIR] <server> [command] [service name] <option1> <option2>...\n"
           "\n"
           "        The option <server> has the form \"\\\\ServerName\"; only this machine\n"
           "        (\\\\localhost, \\\\.) is reachable.\n"
           "        --root DIR (extension) selects the SCM of the state directory DIR\n"
           "        (default $SVCHOST_ROOT).\n"
           "        Further help on commands can be obtained by typing: \"sc [command] /?\"\n"
           "        Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int pad = 16 - (int)strlen(commands[i].name);

        printf("          %s%.*s%s\n", commands[i].name, pad > 1 ? pad : 1,
               "----------------", commands[i].summary);
    }
}

void sc_print_usage(const struct sc_command *cmd)
{
    fputs(cmd->usage, stdout);
}
