/*
 * svchost/portable.h - what a plugin needs beyond the service API, for
 * one source that builds as a plugin of this host (POSIX) and as a
 * service DLL of Windows' own svchost.exe.
 *
 * Header-only on both systems: on Windows it needs nothing but the
 * Windows SDK headers (or mingw-w64's) and ws2_32 for the sockets; on
 * POSIX, libsvc as every plugin does, and the POSIX.1-2008 declarations
 * (the compiler's default gnu mode, -D_POSIX_C_SOURCE=200809L or
 * -D_GNU_SOURCE; with _GNU_SOURCE on Linux it uses accept4 and pipe2).
 * Include it instead of <svchost/svchost.h> (which it includes), and
 * before any other header that may include <windows.h>, so that
 * Winsock 2 comes first.
 *
 * Conventions:
 *   - A "system error" (DWORD) is an errno value on POSIX and a Win32 or
 *     Winsock error (GetLastError, WSAGetLastError) on Windows; 0 means
 *     success.  SvchostErrorString() turns one into text.
 *   - Functions that read the service's configuration return Win32
 *     error codes on both systems (ERROR_SUCCESS, ERROR_FILE_NOT_FOUND...).
 *   - Strings are UTF-8 on both systems; on Windows they are converted
 *     to and from UTF-16 at each call into the system.
 *
 * In exactly one source file of the plugin, at file scope:
 *
 *     SVCHOST_DEFINE_GLOBALS;
 *     static VOID WINAPI my_main(DWORD argc, LPSTR *argv) { ... }
 *     SVCHOST_SERVICE_MAIN(my_main)
 *
 * SVCHOST_DEFINE_GLOBALS exports SvchostPushServiceGlobals on POSIX and
 * nothing on Windows, whose svchost.exe calls an export of that name with
 * its own, different structure.  SVCHOST_SERVICE_MAIN exports ServiceMain
 * with the signature each host calls: on Windows svchost.exe passes
 * UTF-16 arguments (LPSERVICE_MAIN_FUNCTIONW), which are converted to
 * UTF-8 for my_main and freed when it returns.
 */
#ifndef SVCHOST_PORTABLE_H
#define SVCHOST_PORTABLE_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <wchar.h>
#else
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <svchost/svchost.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== the host's table, the entry point, logging ======================== */

#ifdef _WIN32

#define SVCHOST_DEFINE_GLOBALS typedef int svchost_portable_no_globals_

/* The host's table: there is none under Windows' svchost. */
static inline const SVCHOST_GLOBALS *SvchostGlobals(void)
{
    return NULL;
}

#define SVCHOST_SERVICE_ENTRY(export_name, fn)                                \
    SVCHOST_EXPORT VOID WINAPI export_name(DWORD argc, LPWSTR *argv);         \
    SVCHOST_EXPORT VOID WINAPI export_name(DWORD argc, LPWSTR *argv)          \
    {                                                                        \
        svchost_call_main_(fn, argc, argv);                                  \
    }

/* Converts argv to UTF-8 and calls fn; on out of memory fn is not called
 * and svchost.exe sees the service return while START_PENDING. */
static inline void svchost_call_main_(VOID (WINAPI *fn)(DWORD, LPSTR *), DWORD argc,
                                      LPWSTR *argv)
{
    LPSTR *a = (LPSTR *)calloc((size_t)argc + 1, sizeof *a);
    DWORD i;

    if (a == NULL)
        return;
    for (i = 0; i < argc; i++) {
        int n = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, NULL, 0, NULL, NULL);
        if (n <= 0 || (a[i] = (LPSTR)malloc((size_t)n)) == NULL)
            goto out;
        WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, a[i], n, NULL, NULL);
    }
    fn(argc, a);
out:
    for (i = 0; i < argc; i++)
        free(a[i]);
    free(a);
}

#else /* POSIX */

extern const SVCHOST_GLOBALS *svchost_portable_globals_
#if defined(__GNUC__)
    __attribute__((visibility("hidden")))
#endif
    ;

#define SVCHOST_DEFINE_GLOBALS                                               \
    SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g); \
    SVCHOST_EXPORT VOID WINAPI SvchostPushServiceGlobals(const SVCHOST_GLOBALS *g) \
    {                                                                        \
        __atomic_store_n(&svchost_portable_globals_, g, __ATOMIC_RELEASE);   \
    }                                                                        \
    const SVCHOST_GLOBALS *svchost_portable_globals_ = NULL

/* The host's table (see svchost.h), or NULL if the host pushed none. */
static inline const SVCHOST_GLOBALS *SvchostGlobals(void)
{
    return __atomic_load_n(&svchost_portable_globals_, __ATOMIC_ACQUIRE);
}

#define SVCHOST_SERVICE_ENTRY(export_name, fn)                                \
    SVCHOST_EXPORT VOID WINAPI export_name(DWORD argc, LPSTR *argv);          \
    SVCHOST_EXPORT VOID WINAPI export_name(DWORD argc, LPSTR *argv)           \
    {                                                                        \
        fn(argc, argv);                                                      \
    }

#endif

/* Exports ServiceMain, which calls fn(argc, argv) with UTF-8 strings. */
#define SVCHOST_SERVICE_MAIN(fn) SVCHOST_SERVICE_ENTRY(ServiceMain, fn)

/*
 * SvchostLog(service, level, format, ...): one printf-formatted line for
 * the service, level SVCHOST_LOG_ERROR..SVCHOST_LOG_DEBUG.
 *   POSIX:   the host's Log() (its stderr, and the SCM's log), which drops
 *            DEBUG lines unless the host runs with --verbose; nothing if
 *            the host pushed no table.
 *   Windows: ERROR, WARNING and INFO go to the Application event log with
 *            the service name as the source (ReportEventW); DEBUG goes to
 *            OutputDebugStringW.  Lines are cut at 1023 bytes.
 */
#ifdef _WIN32

#define SvchostLog svchost_log_

static inline VOID svchost_log_(LPCSTR service, DWORD level, LPCSTR format, ...)
    SVCHOST_PRINTF(3, 4);
static inline VOID svchost_log_(LPCSTR service, DWORD level, LPCSTR format, ...)
{
    char line[1024];
    WCHAR wline[1024], wsource[257];
    va_list ap;

    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    line[sizeof line - 1] = '\0';
    if (MultiByteToWideChar(CP_UTF8, 0, line, -1, wline, 1024) <= 0 ||
        MultiByteToWideChar(CP_UTF8, 0, service, -1, wsource, 257) <= 0)
        return;
    if (level >= SVCHOST_LOG_DEBUG) {
        OutputDebugStringW(wsource);
        OutputDebugStringW(L": ");
        OutputDebugStringW(wline);
        OutputDebugStringW(L"\n");
    } else {
        HANDLE log = RegisterEventSourceW(NULL, wsource);
        LPCWSTR strings[1] = { wline };
        WORD type = level == SVCHOST_LOG_ERROR     ? EVENTLOG_ERROR_TYPE
                    : level == SVCHOST_LOG_WARNING ? EVENTLOG_WARNING_TYPE
                                                   : EVENTLOG_INFORMATION_TYPE;
        if (log != NULL) {
            ReportEventW(log, type, 0, 0, NULL, 1, 0, strings, NULL);
            DeregisterEventSource(log);
        }
    }
}

#else

#define SvchostLog(service, level, ...)                                      \
    do {                                                                     \
        const SVCHOST_GLOBALS *svchost_g_ = SvchostGlobals();                \
        if (SVCHOST_GLOBALS_HAS(svchost_g_, Log))                            \
            svchost_g_->Log((service), (level), __VA_ARGS__);                \
    } while (0)

#endif

/* ==== errors ============================================================ */

/* Out of memory, as a system error. */
#ifdef _WIN32
#define SVCHOST_ENOMEM ERROR_NOT_ENOUGH_MEMORY
#else
#define SVCHOST_ENOMEM ENOMEM
#endif

/*
 * Writes the text of system error err into buf (len bytes, len > 0) and
 * returns buf: strerror_r on POSIX, FormatMessage on Windows (without its
 * trailing full stop and line break); "error N" if there is no text.
 */
static inline const char *SvchostErrorString(DWORD err, char *buf, size_t len)
{
#ifdef _WIN32
    WCHAR w[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, err, 0, w, 256, NULL);
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L'.' ||
                     w[n - 1] == L' '))
        w[--n] = L'\0';
    if (n == 0 || WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)len, NULL, NULL) <= 0)
        snprintf(buf, len, "error %lu", (unsigned long)err);
    return buf;
#elif defined(__GLIBC__) && defined(_GNU_SOURCE)
    const char *s = strerror_r((int)err, buf, len);
    if (s != buf)
        snprintf(buf, len, "%s", s);
    return buf;
#else
    if (strerror_r((int)err, buf, len) != 0)
        snprintf(buf, len, "error %lu", (unsigned long)err);
    return buf;
#endif
}

/* ==== locks, events and timed waits ===================================== */

/*
 * SVCHOST_LOCK: a mutex (SRWLOCK exclusive on Windows, pthread_mutex_t on
 * POSIX).  Not recursive.  Init returns 0 or a system error; the others
 * cannot fail.
 */
#ifdef _WIN32
typedef SRWLOCK SVCHOST_LOCK;
static inline DWORD SvchostLockInit(SVCHOST_LOCK *l) { InitializeSRWLock(l); return 0; }
static inline void SvchostLockAcquire(SVCHOST_LOCK *l) { AcquireSRWLockExclusive(l); }
static inline void SvchostLockRelease(SVCHOST_LOCK *l) { ReleaseSRWLockExclusive(l); }
static inline void SvchostLockDestroy(SVCHOST_LOCK *l) { (void)l; }
#else
typedef pthread_mutex_t SVCHOST_LOCK;
static inline DWORD SvchostLockInit(SVCHOST_LOCK *l) { return (DWORD)pthread_mutex_init(l, NULL); }
static inline void SvchostLockAcquire(SVCHOST_LOCK *l) { pthread_mutex_lock(l); }
static inline void SvchostLockRelease(SVCHOST_LOCK *l) { pthread_mutex_unlock(l); }
static inline void SvchostLockDestroy(SVCHOST_LOCK *l) { pthread_mutex_destroy(l); }
#endif

/* Milliseconds on a clock that only moves forward (GetTickCount64;
 * CLOCK_MONOTONIC), for deadlines that setting the time must not move. */
static inline ULONGLONG SvchostTickMs(void)
{
#ifdef _WIN32
    return GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000u + (ULONGLONG)ts.tv_nsec / 1000000u;
#endif
}

/*
 * SVCHOST_EVENT: an auto-reset event.  SvchostEventSet wakes one waiter,
 * or the next one to wait if none waits now (the event stays set until a
 * wait consumes it), from any thread.  Waiting does not spin: on Windows
 * it is a Win32 event and WaitForSingleObject; on POSIX a condition
 * variable on CLOCK_MONOTONIC.
 *
 * SvchostEventInit returns 0 or a system error.
 * SvchostEventWait waits up to timeout_ms (SVCHOST_INFINITE: no limit)
 * and returns SVCHOST_WAIT_SIGNALED (the event was set, and is now
 * reset) or SVCHOST_WAIT_TIMEOUT.
 * SvchostEventDestroy: no thread may wait on or set the event any more.
 */
#define SVCHOST_INFINITE      0xFFFFFFFFu
#define SVCHOST_WAIT_SIGNALED 0u
#define SVCHOST_WAIT_TIMEOUT  258u            /* WAIT_TIMEOUT */

#ifdef _WIN32

typedef HANDLE SVCHOST_EVENT;

static inline DWORD SvchostEventInit(SVCHOST_EVENT *ev)
{
    *ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    return *ev != NULL ? 0 : GetLastError();
}

static inline void SvchostEventSet(SVCHOST_EVENT *ev)
{
    SetEvent(*ev);
}

static inline DWORD SvchostEventWait(SVCHOST_EVENT *ev, DWORD timeout_ms)
{
    return WaitForSingleObject(*ev, timeout_ms) == WAIT_OBJECT_0 ? SVCHOST_WAIT_SIGNALED
                                                                 : SVCHOST_WAIT_TIMEOUT;
}

static inline void SvchostEventDestroy(SVCHOST_EVENT *ev)
{
    CloseHandle(*ev);
}

#else

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;        /* on CLOCK_MONOTONIC */
    int set;
} SVCHOST_EVENT;

static inline DWORD SvchostEventInit(SVCHOST_EVENT *ev)
{
    pthread_condattr_t ca;
    int rc;

    ev->set = 0;
    if ((rc = pthread_condattr_init(&ca)) != 0)
        return (DWORD)rc;
    rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&ev->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        return (DWORD)rc;
    if ((rc = pthread_mutex_init(&ev->mutex, NULL)) != 0) {
        pthread_cond_destroy(&ev->cond);
        return (DWORD)rc;
    }
    return 0;
}

static inline void SvchostEventSet(SVCHOST_EVENT *ev)
{
    pthread_mutex_lock(&ev->mutex);
    ev->set = 1;
    pthread_cond_signal(&ev->cond);
    pthread_mutex_unlock(&ev->mutex);
}

static inline DWORD SvchostEventWait(SVCHOST_EVENT *ev, DWORD timeout_ms)
{
    struct timespec due;
    DWORD rc;

    if (timeout_ms != SVCHOST_INFINITE) {
        clock_gettime(CLOCK_MONOTONIC, &due);
        due.tv_sec += (time_t)(timeout_ms / 1000);
        due.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (due.tv_nsec >= 1000000000L) {
            due.tv_sec++;
            due.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&ev->mutex);
    while (!ev->set) {
        if (timeout_ms == SVCHOST_INFINITE)
            pthread_cond_wait(&ev->cond, &ev->mutex);
        else if (pthread_cond_timedwait(&ev->cond, &ev->mutex, &due) == ETIMEDOUT)
            break;
    }
    rc = ev->set ? SVCHOST_WAIT_SIGNALED : SVCHOST_WAIT_TIMEOUT;
    ev->set = 0;
    pthread_mutex_unlock(&ev->mutex);
    return rc;
}

static inline void SvchostEventDestroy(SVCHOST_EVENT *ev)
{
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->mutex);
}

#endif

/* ==== non-blocking sockets and polling ================================== */

/*
 * SVCHOST_SOCKET is SOCKET on Windows and int on POSIX; an invalid one is
 * SVCHOST_INVALID_SOCKET.  SVCHOST_POLLFD is WSAPOLLFD or struct pollfd,
 * with the same fd/events/revents members; use POLLIN, POLLOUT, POLLERR,
 * POLLHUP and POLLNVAL (WSAPoll refuses POLLPRI), and leave a socket
 * that is not to be polled out of the array: poll() skips a negative fd,
 * but SOCKET is unsigned.
 * The BSD address calls and types (bind, listen, getsockname, setsockopt,
 * struct sockaddr_in, htons, INADDR_LOOPBACK, socklen_t) are the
 * system's own on both.
 *
 * Calls returning a socket or a count return SVCHOST_INVALID_SOCKET or -1
 * on failure, with the system error in SvchostSocketError().
 */
#ifdef _WIN32
typedef SOCKET SVCHOST_SOCKET;
typedef WSAPOLLFD SVCHOST_POLLFD;
#define SVCHOST_INVALID_SOCKET INVALID_SOCKET
#else
typedef int SVCHOST_SOCKET;
typedef struct pollfd SVCHOST_POLLFD;
#define SVCHOST_INVALID_SOCKET (-1)
#endif

/* The last socket error of this thread (WSAGetLastError; errno). */
static inline DWORD SvchostSocketError(void)
{
#ifdef _WIN32
    return (DWORD)WSAGetLastError();
#else
    return (DWORD)errno;
#endif
}

/* Whether err means "not now: wait for the socket to be ready". */
static inline BOOL SvchostSocketWouldBlock(DWORD err)
{
#ifdef _WIN32
    return err == WSAEWOULDBLOCK;
#else
    return err == EAGAIN || err == EWOULDBLOCK;
#endif
}

/* Whether err means the process or system ran out of sockets or buffers
 * (back off rather than retry at once). */
static inline BOOL SvchostSocketNoResources(DWORD err)
{
#ifdef _WIN32
    return err == WSAEMFILE || err == WSAENOBUFS;
#else
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
#endif
}

/* Starts the socket library for this service (WSAStartup 2.2, counted:
 * call SvchostSocketCleanup once for each success; nothing on POSIX).
 * Returns 0 or a system error. */
static inline DWORD SvchostSocketStartup(void)
{
#ifdef _WIN32
    WSADATA wsa;
    return (DWORD)WSAStartup(MAKEWORD(2, 2), &wsa);
#else
    return 0;
#endif
}

static inline void SvchostSocketCleanup(void)
{
#ifdef _WIN32
    WSACleanup();
#endif
}

/* Makes s non-blocking and not inherited by child processes.  Returns 0
 * or a system error. */
static inline DWORD SvchostSocketSetNonBlocking(SVCHOST_SOCKET s)
{
#ifdef _WIN32
    u_long on = 1;
    if (ioctlsocket(s, FIONBIO, &on) != 0)
        return (DWORD)WSAGetLastError();
    SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
    return 0;
#else
    int fl = fcntl(s, F_GETFL);
    if (fl < 0 || fcntl(s, F_SETFL, fl | O_NONBLOCK) != 0 ||
        fcntl(s, F_SETFD, FD_CLOEXEC) != 0)
        return (DWORD)errno;
    return 0;
#endif
}

static inline void SvchostSocketClose(SVCHOST_SOCKET s)
{
#ifdef _WIN32
    closesocket(s);
#else
    close(s);
#endif
}

/* Lets a listener restarted on its port bind while connections of its
 * last run are in TIME_WAIT: SO_REUSEADDR on POSIX; nothing on Windows,
 * whose bind() already allows that and where SO_REUSEADDR would let
 * other sockets take the port over.  Returns 0 or a system error. */
static inline DWORD SvchostSocketAllowRebind(SVCHOST_SOCKET s)
{
#ifdef _WIN32
    (void)s;
    return 0;
#else
    int one = 1;
    return setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 ? 0 : (DWORD)errno;
#endif
}

/* A new non-blocking socket, as socket(family, type, protocol). */
static inline SVCHOST_SOCKET SvchostSocketOpen(int family, int type, int protocol)
{
    SVCHOST_SOCKET s;
    DWORD err;

#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    s = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (s >= 0 || errno != EINVAL)
        return s;
#endif
    s = socket(family, type, protocol);
    if (s == SVCHOST_INVALID_SOCKET)
        return s;
    if ((err = SvchostSocketSetNonBlocking(s)) != 0) {
        SvchostSocketClose(s);
#ifdef _WIN32
        WSASetLastError((int)err);
#else
        errno = (int)err;
#endif
        return SVCHOST_INVALID_SOCKET;
    }
    return s;
}

/* Accepts a connection on the non-blocking listener s, as a new
 * non-blocking socket.  A connection reset before it was accepted is
 * skipped.  SvchostSocketWouldBlock(SvchostSocketError()) when none is
 * waiting. */
static inline SVCHOST_SOCKET SvchostSocketAccept(SVCHOST_SOCKET s)
{
    for (;;) {
        SVCHOST_SOCKET c;
        DWORD err;

#if defined(__linux__) && defined(_GNU_SOURCE)
        c = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        c = accept(s, NULL, NULL);
        if (c != SVCHOST_INVALID_SOCKET && (err = SvchostSocketSetNonBlocking(c)) != 0) {
            SvchostSocketClose(c);
#ifdef _WIN32
            WSASetLastError((int)err);
#else
            errno = (int)err;
#endif
            return SVCHOST_INVALID_SOCKET;
        }
#endif
        if (c != SVCHOST_INVALID_SOCKET)
            return c;
        err = SvchostSocketError();
#ifdef _WIN32
        if (err != WSAECONNRESET && err != WSAEINTR)
#else
        if (err != ECONNABORTED && err != EINTR)
#endif
            return SVCHOST_INVALID_SOCKET;
    }
}

/* Sends up to len bytes; returns the count sent (maybe fewer), or -1.
 * A peer that went away is an error (EPIPE), never SIGPIPE. */
static inline int SvchostSocketSend(SVCHOST_SOCKET s, const void *buf, int len)
{
#ifdef _WIN32
    return send(s, (const char *)buf, len, 0);
#else
    ssize_t n;
#ifdef MSG_NOSIGNAL
    const int flags = MSG_NOSIGNAL;
#else
    const int flags = 0;
#endif
    do
        n = send(s, buf, (size_t)(len < 0 ? 0 : len), flags);
    while (n < 0 && errno == EINTR);
    return (int)n;
#endif
}

/* Receives up to len bytes; returns the count (0: the peer closed), or -1. */
static inline int SvchostSocketRecv(SVCHOST_SOCKET s, void *buf, int len)
{
#ifdef _WIN32
    return recv(s, (char *)buf, len, 0);
#else
    ssize_t n;
    do
        n = recv(s, buf, (size_t)(len < 0 ? 0 : len), 0);
    while (n < 0 && errno == EINTR);
    return (int)n;
#endif
}

/* poll() / WSAPoll() over n entries, timeout_ms -1 for no limit.  Returns
 * the number of entries with revents set, 0 on timeout (or, on POSIX,
 * when a signal interrupted a wait with a limit), -1 on error. */
static inline int SvchostPoll(SVCHOST_POLLFD *fds, unsigned long n, int timeout_ms)
{
#ifdef _WIN32
    return WSAPoll(fds, (ULONG)n, timeout_ms);
#else
    int r;
    do
        r = poll(fds, (nfds_t)n, timeout_ms);
    while (r < 0 && errno == EINTR && timeout_ms < 0);
    return r < 0 && errno == EINTR ? 0 : r;
#endif
}

/*
 * SVCHOST_WAKER: wakes a thread that waits in SvchostPoll from another
 * thread (a control handler, say).  Poll its member poll_fd for POLLIN.
 * POSIX: a non-blocking pipe.  Windows, where WSAPoll takes sockets
 * only: a UDP socket on 127.0.0.1 connected to itself.
 *
 * SvchostWakerOpen returns 0 or a system error.  SvchostWakerSignal may
 * be called from any thread (on POSIX also from a signal handler);
 * signals before the poll are not lost.  SvchostWakerClear drains it.
 */
typedef struct {
    SVCHOST_SOCKET poll_fd;
    SVCHOST_SOCKET signal_fd;
} SVCHOST_WAKER;

static inline DWORD SvchostWakerOpen(SVCHOST_WAKER *w)
{
#ifdef _WIN32
    struct sockaddr_in sa;
    int salen = (int)sizeof sa;
    SVCHOST_SOCKET s = SvchostSocketOpen(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    DWORD err;

    w->poll_fd = w->signal_fd = SVCHOST_INVALID_SOCKET;
    if (s == SVCHOST_INVALID_SOCKET)
        return SvchostSocketError();
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&sa, salen) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &salen) != 0 ||
        connect(s, (struct sockaddr *)&sa, salen) != 0) {
        err = SvchostSocketError();
        closesocket(s);
        return err;
    }
    w->poll_fd = w->signal_fd = s;
    return 0;
#else
    int p[2];

    w->poll_fd = w->signal_fd = -1;
#if defined(__linux__) && defined(_GNU_SOURCE)
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
        return (DWORD)errno;
#else
    DWORD err;
    if (pipe(p) != 0)
        return (DWORD)errno;
    if ((err = SvchostSocketSetNonBlocking(p[0])) != 0 ||
        (err = SvchostSocketSetNonBlocking(p[1])) != 0) {
        close(p[0]);
        close(p[1]);
        return err;
    }
#endif
    w->poll_fd = p[0];
    w->signal_fd = p[1];
    return 0;
#endif
}

static inline void SvchostWakerSignal(SVCHOST_WAKER *w)
{
    /* One byte is enough; a full buffer already holds a wake-up. */
#ifdef _WIN32
    (void)send(w->signal_fd, "", 1, 0);
#else
    (void)!write(w->signal_fd, "", 1);
#endif
}

static inline void SvchostWakerClear(SVCHOST_WAKER *w)
{
    char buf[64];
#ifdef _WIN32
    while (recv(w->poll_fd, buf, (int)sizeof buf, 0) > 0)
        ;
#else
    while (read(w->poll_fd, buf, sizeof buf) > 0)
        ;
#endif
}

static inline void SvchostWakerClose(SVCHOST_WAKER *w)
{
    if (w->poll_fd != SVCHOST_INVALID_SOCKET)
        SvchostSocketClose(w->poll_fd);
    if (w->signal_fd != SVCHOST_INVALID_SOCKET && w->signal_fd != w->poll_fd)
        SvchostSocketClose(w->signal_fd);
    w->poll_fd = w->signal_fd = SVCHOST_INVALID_SOCKET;
}

/* ==== files ============================================================= */

#ifdef _WIN32
/* A malloc'ed UTF-16 copy of s, or NULL with *err set. */
static inline WCHAR *svchost_wide_(const char *s, DWORD *err)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    WCHAR *w;

    if (n <= 0) {
        *err = GetLastError();
        return NULL;
    }
    if ((w = (WCHAR *)malloc((size_t)n * sizeof *w)) == NULL) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}
#endif

/*
 * Moves the file from over the file to, replacing it in one step: a
 * reader sees the old file or the new one, never neither.  POSIX:
 * rename().  Windows: MoveFileExW with MOVEFILE_REPLACE_EXISTING and
 * MOVEFILE_WRITE_THROUGH (it fails with ERROR_ACCESS_DENIED or
 * ERROR_SHARING_VIOLATION while another process has to open without
 * FILE_SHARE_DELETE).  Both files must be on one volume.  Returns 0 or a
 * system error.
 */
static inline DWORD SvchostReplaceFile(const char *from, const char *to)
{
#ifdef _WIN32
    DWORD err = 0;
    WCHAR *wfrom = svchost_wide_(from, &err);
    WCHAR *wto = wfrom != NULL ? svchost_wide_(to, &err) : NULL;

    if (wto != NULL && !MoveFileExW(wfrom, wto, MOVEFILE_REPLACE_EXISTING |
                                                    MOVEFILE_WRITE_THROUGH))
        err = GetLastError();
    free(wfrom);
    free(wto);
    return err;
#else
    return rename(from, to) == 0 ? 0 : (DWORD)errno;
#endif
}

/*
 * Replaces the content of path with len bytes of data: writes tmp_path
 * (created or truncated; mode 0644 less the umask on POSIX) and moves it
 * over path with SvchostReplaceFile.  tmp_path must be on the same volume
 * (path with ".tmp" appended, say).  Not flushed to disk: a crash may
 * lose the newest content, never leave a partial one.  On failure
 * tmp_path is removed.  Returns 0 or a system error.
 */
static inline DWORD SvchostWriteFileAtomic(const char *path, const char *tmp_path,
                                           const void *data, size_t len)
{
#ifdef _WIN32
    DWORD err = 0, done;
    WCHAR *wtmp = svchost_wide_(tmp_path, &err);
    HANDLE f;

    if (wtmp == NULL)
        return err;
    f = CreateFileW(wtmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        free(wtmp);
        return err;
    }
    if (len > 0xFFFFFFFFu)
        err = ERROR_INVALID_PARAMETER;
    else if (!WriteFile(f, data, (DWORD)len, &done, NULL))
        err = GetLastError();
    else if (done != len)
        err = ERROR_WRITE_FAULT;
    if (!CloseHandle(f) && err == 0)
        err = GetLastError();
    if (err == 0)
        err = SvchostReplaceFile(tmp_path, path);
    if (err != 0)
        DeleteFileW(wtmp);
    free(wtmp);
    return err;
#else
    const char *p = (const char *)data;
    DWORD err = 0;
    int fd;

#ifdef O_CLOEXEC
    fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
#else
    fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
#endif
    if (fd < 0)
        return (DWORD)errno;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? (DWORD)errno : EIO;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0 && err == 0)
        err = (DWORD)errno;
    if (err == 0)
        err = SvchostReplaceFile(tmp_path, path);
    if (err != 0)
        unlink(tmp_path);
    return err;
#endif
}

/* ==== the service's parameters ========================================== */

/*
 * Reads the value name of the service's parameters as a string:
 *   POSIX:   the [Parameters] section of its service file, through the
 *            host's GetParameter (fresh at each call);
 *   Windows: HKLM\SYSTEM\CurrentControlSet\Services\SERVICE\Parameters,
 *            a REG_SZ or REG_EXPAND_SZ value (expanded), as UTF-8.
 * On entry *cb is the size of buf in bytes; on return the size the value
 * needs, terminating NUL included.  buf may be NULL to ask for the size.
 * Returns ERROR_SUCCESS; ERROR_MORE_DATA if buf is NULL or too small;
 * ERROR_FILE_NOT_FOUND if there is no such value (also when the host
 * pushed no table); ERROR_INVALID_PARAMETER if an argument is NULL; on
 * POSIX ERROR_SERVICE_DOES_NOT_EXIST if the service is not the host's;
 * on Windows ERROR_UNSUPPORTED_TYPE for a value of another registry type,
 * or another registry error.
 */
static inline DWORD SvchostGetParameterString(LPCSTR service, LPCSTR name, LPSTR buf,
                                              LPDWORD cb);

/*
 * Reads the value name as a number: a REG_DWORD on Windows, or (on both
 * systems) a string holding a decimal or 0x-hexadecimal number that fits
 * a DWORD.  Returns ERROR_SUCCESS; ERROR_FILE_NOT_FOUND if there is no
 * such value, leaving *value alone (so preset a default);
 * ERROR_INVALID_DATA if it is not such a number; the other errors of
 * SvchostGetParameterString.
 */
static inline DWORD SvchostGetParameterDword(LPCSTR service, LPCSTR name, LPDWORD value);

#ifdef _WIN32

/* HKLM-relative key of the service's parameters, malloc'ed UTF-16. */
static inline WCHAR *svchost_param_key_(LPCSTR service, DWORD *err)
{
    static const WCHAR prefix[] = L"SYSTEM\\CurrentControlSet\\Services\\";
    static const WCHAR suffix[] = L"\\Parameters";
    WCHAR *wservice = svchost_wide_(service, err), *key;
    size_t n;

    if (wservice == NULL)
        return NULL;
    n = wcslen(wservice);
    key = (WCHAR *)malloc(sizeof prefix + sizeof suffix + n * sizeof(WCHAR));
    if (key == NULL) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
    } else {
        memcpy(key, prefix, sizeof prefix - sizeof(WCHAR));
        memcpy(key + wcslen(prefix), wservice, n * sizeof(WCHAR));
        memcpy(key + wcslen(prefix) + n, suffix, sizeof suffix);
    }
    free(wservice);
    return key;
}

/* Reads the value's type and, if data is not NULL, its content. */
static inline DWORD svchost_reg_get_(LPCSTR service, LPCSTR name, DWORD flags, LPDWORD type,
                                     PVOID data, LPDWORD cb)
{
    DWORD err = 0;
    WCHAR *key = svchost_param_key_(service, &err);
    WCHAR *wname = key != NULL ? svchost_wide_(name, &err) : NULL;

    if (wname != NULL)
        err = (DWORD)RegGetValueW(HKEY_LOCAL_MACHINE, key, wname, flags, type, data, cb);
    free(key);
    free(wname);
    return err;
}

static inline DWORD SvchostGetParameterString(LPCSTR service, LPCSTR name, LPSTR buf,
                                              LPDWORD cb)
{
    /* RRF_RT_REG_SZ also reads a REG_EXPAND_SZ value, expanded (asking
     * for RRF_RT_REG_EXPAND_SZ without RRF_NOEXPAND is refused with
     * ERROR_INVALID_PARAMETER). */
    const DWORD flags = RRF_RT_REG_SZ;
    WCHAR *w = NULL;
    DWORD wcb = 0, err;
    int need;

    if (service == NULL || name == NULL || cb == NULL)
        return ERROR_INVALID_PARAMETER;
    /* The value may grow between the size query and the read: loop. */
    for (;;) {
        err = svchost_reg_get_(service, name, flags, NULL, w, &wcb);
        if (err == ERROR_SUCCESS && w != NULL)
            break;
        free(w);
        w = NULL;
        if (err != ERROR_SUCCESS && err != ERROR_MORE_DATA)
            return err;
        if ((w = (WCHAR *)malloc(wcb + sizeof(WCHAR))) == NULL)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    need = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (need <= 0) {
        err = GetLastError();
    } else if (buf == NULL || *cb < (DWORD)need) {
        err = ERROR_MORE_DATA;
    } else {
        WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, need, NULL, NULL);
        err = ERROR_SUCCESS;
    }
    if (need > 0)
        *cb = (DWORD)need;
    free(w);
    return err;
}

/* Decimal, or hexadecimal after 0x, fitting a DWORD (as the host reads
 * its own numbers).  Returns TRUE and *out, or FALSE. */
static inline BOOL svchost_parse_dword_(const char *s, DWORD *out)
{
    unsigned base = 10;
    ULONGLONG v = 0;

    if (*s == '\0')
        return FALSE;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0')
            return FALSE;
    }
    for (; *s != '\0'; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return FALSE;
        v = v * base + d;
        if (v > 0xFFFFFFFFu)
            return FALSE;
    }
    *out = (DWORD)v;
    return TRUE;
}

static inline DWORD SvchostGetParameterDword(LPCSTR service, LPCSTR name, LPDWORD value)
{
    DWORD type = REG_NONE, v = 0, cb = sizeof v, err;
    char text[32];

    if (service == NULL || name == NULL || value == NULL)
        return ERROR_INVALID_PARAMETER;
    err = svchost_reg_get_(service, name, RRF_RT_ANY | RRF_NOEXPAND, &type, NULL, &cb);
    if (err != ERROR_SUCCESS)
        return err;
    if (type == REG_DWORD) {
        cb = sizeof v;
        err = svchost_reg_get_(service, name, RRF_RT_REG_DWORD, NULL, &v, &cb);
        if (err == ERROR_SUCCESS)
            *value = v;
        return err;
    }
    cb = sizeof text;
    err = SvchostGetParameterString(service, name, text, &cb);
    if (err == ERROR_MORE_DATA || err == ERROR_UNSUPPORTED_TYPE)
        return ERROR_INVALID_DATA;     /* too long to be a DWORD, or binary */
    if (err != ERROR_SUCCESS)
        return err;
    if (!svchost_parse_dword_(text, &v))
        return ERROR_INVALID_DATA;
    *value = v;
    return ERROR_SUCCESS;
}

#else

static inline DWORD SvchostGetParameterString(LPCSTR service, LPCSTR name, LPSTR buf,
                                              LPDWORD cb)
{
    const SVCHOST_GLOBALS *g = SvchostGlobals();

    if (service == NULL || name == NULL || cb == NULL)
        return ERROR_INVALID_PARAMETER;
    if (!SVCHOST_GLOBALS_HAS(g, GetParameter))
        return ERROR_FILE_NOT_FOUND;
    return g->GetParameter(service, name, buf, cb);
}

static inline DWORD SvchostGetParameterDword(LPCSTR service, LPCSTR name, LPDWORD value)
{
    const SVCHOST_GLOBALS *g = SvchostGlobals();

    if (service == NULL || name == NULL || value == NULL)
        return ERROR_INVALID_PARAMETER;
    if (!SVCHOST_GLOBALS_HAS(g, GetParameterDword))
        return ERROR_FILE_NOT_FOUND;
    return g->GetParameterDword(service, name, value);
}

#endif

#ifdef __cplusplus
}
#endif

#endif /* SVCHOST_PORTABLE_H */
