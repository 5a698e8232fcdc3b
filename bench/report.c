/*
 * report.c - what svchost-bench prints and writes: the measurements with
 * the floor of each row, the split/shared and own/shared ratios, the
 * marginal cost of a service in a shared host, the targets beside what
 * was measured, the CSV and the gnuplot chart.
 *
 * Targets are printed, never asserted: a timing depends on the machine
 * and is a measurement, not a test result.
 */
#include "bench.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

/* The targets of the performance issue (docs/benchmark.md). */
#define TARGET_MARGINAL_KIB 12.0
#define TARGET_SPLIT_RATIO 5.0
#define TARGET_START_N 1000
#define TARGET_START_MS 100.0
#define TARGET_STOP_MS 100.0
#define TARGET_QUERY_US 1.0
#define TARGET_QUERY_VS_FLOOR1 (1.0 / 20)
#define TARGET_INTERROGATE_VS_FLOOR2 1.5

/* The first twelve columns as they always were; new ones go at the end. */
#define CSV_HEADER "mode,n,pss_kib,rss_kib,threads,fds,start_ms,stop_ms," \
                   "query_p50_us,query_p99_us,interrogate_p50_us,interrogate_p99_us," \
                   "floor1_p50_us,floor2_p50_us,query_vs_floor1,interrogate_vs_floor2," \
                   "interrogate_vs_floor2_same_cpus"

static const struct bench_row *find(const struct bench_row *rows, size_t nrows,
                                    enum bench_mode mode, unsigned n)
{
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].mode == mode && rows[i].n == n)
            return &rows[i];
    return NULL;
}

static double over(double a, double b)
{
    return b > 0 ? a / b : 0;
}

void report_table(FILE *f, const struct bench_row *rows, size_t nrows)
{
    fprintf(f, "%-6s %5s %9s %9s %7s %6s %9s %9s %12s %12s %18s %18s %13s %13s %15s %21s\n",
            "mode", "n", "pss_kib", "rss_kib", "threads", "fds", "start_ms", "stop_ms",
            "query_p50_us", "query_p99_us", "interrogate_p50_us", "interrogate_p99_us",
            "floor1_p50_us", "floor2_p50_us", "query_vs_floor1", "interrogate_vs_floor2");
    for (size_t i = 0; i < nrows; i++) {
        const struct bench_row *r = &rows[i];
        fprintf(f,
                "%-6s %5u %9llu %9llu %7lu %6lu %9.1f %9.1f %12.2f %12.2f %18.1f %18.1f "
                "%13.1f %13.1f %15.2f %21.2f\n",
                bench_mode_name(r->mode), r->n, r->pss_kib, r->rss_kib, r->threads, r->fds,
                r->start_ms, r->stop_ms, r->query_p50_us, r->query_p99_us,
                r->interrogate_p50_us, r->interrogate_p99_us, r->floor1_p50_us,
                r->floor2_p50_us, over(r->query_p50_us, r->floor1_p50_us),
                over(r->interrogate_p50_us, r->floor2_p50_us));
    }
}

static void ratio(FILE *f, double split, double shared)
{
    if (shared > 0)
        fprintf(f, " %7.2fx", split / shared);
    else
        fprintf(f, " %8s", "-");
}

static void ratios_of(FILE *f, const struct bench_row *o, const struct bench_row *sh)
{
    if (o == NULL) {
        fprintf(f, "%54s", "");
        return;
    }
    ratio(f, (double)o->pss_kib, (double)sh->pss_kib);
    ratio(f, (double)o->rss_kib, (double)sh->rss_kib);
    ratio(f, (double)o->threads, (double)sh->threads);
    ratio(f, (double)o->fds, (double)sh->fds);
    ratio(f, o->start_ms, sh->start_ms);
    ratio(f, o->stop_ms, sh->stop_ms);
}

/* split/shared and own/shared side by side, for each n that has them. */
void report_ratios(FILE *f, const struct bench_row *rows, size_t nrows)
{
    static const char *const cols[] = { "pss", "rss", "threads", "fds", "start", "stop" };
    bool any = false;

    for (size_t i = 0; i < nrows; i++) {
        const struct bench_row *sh = &rows[i], *sp, *own;
        if (sh->mode != BENCH_SHARED)
            continue;
        sp = find(rows, nrows, BENCH_SPLIT, sh->n);
        own = find(rows, nrows, BENCH_OWN, sh->n);
        if (sp == NULL && own == NULL)
            continue;
        if (!any) {
            fprintf(f, "\n%-12s %-54s   %s\n%12s", "", "split/shared", "own/shared", "");
            for (int k = 0; k < 2; k++) {
                for (int c = 0; c < 6; c++)
                    fprintf(f, " %8s", cols[c]);
                fprintf(f, k == 0 ? "  " : "\n");
            }
        }
        any = true;
        fprintf(f, "  n=%-8u", sh->n);
        ratios_of(f, sp, sh);
        fprintf(f, "  ");
        ratios_of(f, own, sh);
        fputc('\n', f);
    }
}

/* The shared rows in ascending n (the caller's order). */
static size_t shared_rows(const struct bench_row *rows, size_t nrows,
                          const struct bench_row **out)
{
    size_t k = 0;
    for (size_t i = 0; i < nrows && k < BENCH_MAX_ROWS; i++)
        if (rows[i].mode == BENCH_SHARED)
            out[k++] = &rows[i];
    return k;
}

static double marginal(const struct bench_row *a, const struct bench_row *b)
{
    return ((double)b->pss_kib - (double)a->pss_kib) / (double)(b->n - a->n);
}

void report_marginal(FILE *f, const struct bench_row *rows, size_t nrows)
{
    const struct bench_row *sh[BENCH_MAX_ROWS];
    size_t k = shared_rows(rows, nrows, sh);

    if (k < 2)
        return;
    fprintf(f, "\nmarginal PSS per additional service, shared host\n");
    fprintf(f, "  %6s %6s %12s\n", "from n", "to n", "KiB/service");
    for (size_t i = 1; i < k; i++)
        fprintf(f, "  %6u %6u %12.1f\n", sh[i - 1]->n, sh[i]->n, marginal(sh[i - 1], sh[i]));
}

void report_autostart(FILE *f, const struct bench_row *rows, size_t nrows)
{
    const struct bench_row *sh[BENCH_MAX_ROWS];
    size_t k = shared_rows(rows, nrows, sh);

    if (k == 0)
        return;
    fprintf(f, "\nshared services set to start automatically, scmd started again (ms from its fork)\n");
    fprintf(f, "  %6s %12s %16s\n", "n", "scmd ready", "all RUNNING");
    for (size_t i = 0; i < k; i++)
        fprintf(f, "  %6u %12.1f %16.1f\n", sh[i]->n, sh[i]->auto_ready_ms, sh[i]->auto_running_ms);
}

/* The largest INTERROGATE / 2-hop floor of a row's placements (0: none
 * measured), and which placement it was in *at. */
static double placed_worst(const struct bench_row *r, const struct bench_placement **at)
{
    double worst = 0;

    for (unsigned k = 0; k < r->placements; k++) {
        double x = over(r->placed[k].interrogate_p50_us, r->placed[k].floor2_p50_us);
        if (x > worst) {
            worst = x;
            if (at != NULL)
                *at = &r->placed[k].at;
        }
    }
    return worst;
}

void report_placed(FILE *f, const struct bench_row *rows, size_t nrows)
{
    char name[32];
    unsigned cols = 0;

    for (size_t i = 0; i < nrows; i++)
        if (rows[i].placements > cols)
            cols = rows[i].placements;
    if (cols == 0)
        return;
    fprintf(f, "\nINTERROGATE / 2-hop floor, both paths pinned alike (CPUs of the client, "
               "scmd or the relay, the host or the echo): p50 us, ratio\n");
    fprintf(f, "%-6s %5s", "mode", "n");
    for (unsigned k = 0; k < cols; k++) {
        const struct bench_row *r = NULL;
        for (size_t i = 0; i < nrows && r == NULL; i++)
            if (rows[i].placements > k)
                r = &rows[i];
        bench_placement_name(&r->placed[k].at, name, sizeof name);
        fprintf(f, " %21s", name);
    }
    fprintf(f, " %7s\n", "worst");
    for (size_t i = 0; i < nrows; i++) {
        const struct bench_row *r = &rows[i];

        if (r->placements == 0)
            continue;
        fprintf(f, "%-6s %5u", bench_mode_name(r->mode), r->n);
        for (unsigned k = 0; k < r->placements; k++)
            fprintf(f, "  %6.1f/%6.1f %5.2fx", r->placed[k].interrogate_p50_us,
                    r->placed[k].floor2_p50_us,
                    over(r->placed[k].interrogate_p50_us, r->placed[k].floor2_p50_us));
        fprintf(f, " %6.2fx\n", placed_worst(r, NULL));
    }
}

static const char *verdict(bool met)
{
    return met ? "met" : "MISSED";
}

static void target_line(FILE *f, const char *what, const char *target, const char *measured,
                        int met)
{
    if (met < 0)
        fprintf(f, "  %-48s %-10s %s\n", what, target, measured);
    else
        fprintf(f, "  %-48s %-10s %-34s %s\n", what, target, measured, verdict(met));
}

void report_targets(FILE *f, const struct bench_row *rows, size_t nrows, const char *plugin)
{
    const struct bench_row *sh[BENCH_MAX_ROWS];
    const struct bench_row *s100 = find(rows, nrows, BENCH_SHARED, 100);
    const struct bench_row *p100 = find(rows, nrows, BENCH_SPLIT, 100);
    const struct bench_row *sbig = find(rows, nrows, BENCH_SHARED, TARGET_START_N);
    const struct bench_row *wq = NULL, *wqf = NULL, *wif = NULL, *wp = NULL;
    const struct bench_placement *wat = NULL;
    size_t k = shared_rows(rows, nrows, sh);
    char buf[96];

    snprintf(buf, sizeof buf, "targets (%s plugin)", plugin);
    fprintf(f, "\n%-51s%-11s%s\n", buf, "target", "measured");
    if (strcmp(plugin, "idle") != 0)
        fprintf(f, "  (the targets are set for the idle plugin)\n");

    /* The worst consecutive pair: the one a reader should plan with. */
    if (k >= 2) {
        size_t worst = 1;
        for (size_t i = 2; i < k; i++)
            if (marginal(sh[i - 1], sh[i]) > marginal(sh[worst - 1], sh[worst]))
                worst = i;
        double m = marginal(sh[worst - 1], sh[worst]);
        snprintf(buf, sizeof buf, "%.1f KiB (worst: n %u->%u)", m, sh[worst - 1]->n,
                 sh[worst]->n);
        target_line(f, "marginal PSS per service, shared host", "<= 12 KiB", buf,
                    m <= TARGET_MARGINAL_KIB);
    } else {
        target_line(f, "marginal PSS per service, shared host", "<= 12 KiB",
                    "needs two values of n", -1);
    }

    if (s100 != NULL && p100 != NULL && s100->pss_kib > 0) {
        double x = (double)p100->pss_kib / (double)s100->pss_kib;
        snprintf(buf, sizeof buf, "%.1fx", x);
        target_line(f, "split/shared PSS at n=100", ">= 5x", buf, x >= TARGET_SPLIT_RATIO);
    } else {
        target_line(f, "split/shared PSS at n=100", ">= 5x", "not measured (add 100 to --n)",
                    -1);
    }

    if (sbig != NULL) {
        /* What no start can go under on this machine now: a 2-hop round
         * trip per StartService (it waits for the host), and the host
         * making each service's thread. */
        double hops = sbig->n * sbig->floor2_p50_us / 1000, floor = hops + sbig->threads_floor_ms;

        snprintf(buf, sizeof buf, "%.1f ms (%.1fx its floor)", sbig->start_ms,
                 floor > 0 ? sbig->start_ms / floor : 0);
        target_line(f, "1000 shared services RUNNING", "<= 100 ms", buf,
                    sbig->start_ms <= TARGET_START_MS);
        snprintf(buf, sizeof buf, "%.1f ms = %.1f (1000 2-hop trips) + %.1f (1000 threads)", floor,
                 hops, sbig->threads_floor_ms);
        target_line(f, "  its floor, measured in the same run", "", buf, -1);
        snprintf(buf, sizeof buf, "%.1f ms from scmd's start (ready at %.1f ms)",
                 sbig->auto_running_ms, sbig->auto_ready_ms);
        target_line(f, "  as auto-start services, started by scmd", "", buf, -1);
        snprintf(buf, sizeof buf, "%.1f ms", sbig->stop_ms);
        target_line(f, "1000 shared services STOPPED", "<= 100 ms", buf,
                    sbig->stop_ms <= TARGET_STOP_MS);
    } else {
        target_line(f, "1000 shared services RUNNING, STOPPED", "<= 100 ms",
                    "not measured (add 1000 to --n)", -1);
    }

    /* Start time per service should not fall as n grows: a smaller n
     * slower than a larger one means a cost that is not linear. */
    if (k >= 2) {
        const struct bench_row *a = NULL, *b = NULL;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (sh[i]->start_ms > sh[j]->start_ms &&
                    (a == NULL || sh[i]->start_ms - sh[j]->start_ms > a->start_ms - b->start_ms)) {
                    a = sh[i];
                    b = sh[j];
                }
        if (a != NULL)
            snprintf(buf, sizeof buf, "n=%u %.1f ms > n=%u %.1f ms", a->n, a->start_ms, b->n,
                     b->start_ms);
        else
            snprintf(buf, sizeof buf, "none");
        target_line(f, "shared start slower than at a larger n", "none", buf, a == NULL);
    }

    for (size_t i = 0; i < nrows; i++) {
        if (wq == NULL || rows[i].query_p50_us > wq->query_p50_us)
            wq = &rows[i];
        if (wqf == NULL || over(rows[i].query_p50_us, rows[i].floor1_p50_us) >
                               over(wqf->query_p50_us, wqf->floor1_p50_us))
            wqf = &rows[i];
        if (wif == NULL || over(rows[i].interrogate_p50_us, rows[i].floor2_p50_us) >
                               over(wif->interrogate_p50_us, wif->floor2_p50_us))
            wif = &rows[i];
        const struct bench_placement *at = NULL;
        if (placed_worst(&rows[i], &at) > (wp != NULL ? placed_worst(wp, NULL) : 0)) {
            wp = &rows[i];
            wat = at;
        }
    }
    if (wq != NULL) {
        double q = over(wqf->query_p50_us, wqf->floor1_p50_us);
        double i = over(wif->interrogate_p50_us, wif->floor2_p50_us);

        snprintf(buf, sizeof buf, "%.2f us (worst: %s n=%u)", wq->query_p50_us,
                 bench_mode_name(wq->mode), wq->n);
        target_line(f, "QueryServiceStatusEx median", "<= 1 us", buf,
                    wq->query_p50_us <= TARGET_QUERY_US);
        snprintf(buf, sizeof buf, "%.2fx (worst: %s n=%u)", q, bench_mode_name(wqf->mode),
                 wqf->n);
        target_line(f, "QueryServiceStatusEx median / 1-hop floor", "<= 0.05x", buf,
                    q <= TARGET_QUERY_VS_FLOOR1);
        snprintf(buf, sizeof buf, "%.2fx (worst: %s n=%u)", i, bench_mode_name(wif->mode),
                 wif->n);
        if (wp == NULL) {
            target_line(f, "INTERROGATE median / 2-hop floor", "<= 1.5x", buf,
                        i <= TARGET_INTERROGATE_VS_FLOOR2);
        } else {
            /* Judged with both paths on the same CPUs: as the kernel
             * placed them the two may sit differently (placement.c). */
            char pinned[96], where[32];
            double p = placed_worst(wp, NULL);

            bench_placement_name(wat, where, sizeof where);
            snprintf(pinned, sizeof pinned, "%.2fx (worst: %s n=%u, CPUs %s)", p,
                     bench_mode_name(wp->mode), wp->n, where);
            target_line(f, "INTERROGATE median / 2-hop floor, same CPUs", "<= 1.5x", pinned,
                        p <= TARGET_INTERROGATE_VS_FLOOR2);
            target_line(f, "  as the kernel placed them", "", buf, -1);
        }
    }
}

int report_csv(const char *path, const struct bench_row *rows, size_t nrows)
{
    FILE *f = fopen(path, "we");
    int ok;

    if (f == NULL) {
        fprintf(stderr, "svchost-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "%s\n", CSV_HEADER);
    for (size_t i = 0; i < nrows; i++) {
        const struct bench_row *r = &rows[i];
        fprintf(f, "%s,%u,%llu,%llu,%lu,%lu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f\n",
                bench_mode_name(r->mode), r->n, r->pss_kib, r->rss_kib, r->threads, r->fds,
                r->start_ms, r->stop_ms, r->query_p50_us, r->query_p99_us,
                r->interrogate_p50_us, r->interrogate_p99_us, r->floor1_p50_us,
                r->floor2_p50_us, over(r->query_p50_us, r->floor1_p50_us),
                over(r->interrogate_p50_us, r->floor2_p50_us), placed_worst(r, NULL));
    }
    ok = !ferror(f);
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "svchost-bench: %s: write error\n", path);
        return -1;
    }
    return 0;
}

/* Feeds one chart to gnuplot with the given terminal; its exit status. */
static int plot_with(const char *terminal, const char *path, const struct bench_row *rows,
                     size_t nrows, const char *plugin)
{
    unsigned nmin = 0, nmax = 0;
    unsigned long long pmin = 0, pmax = 0;
    FILE *g;

    for (size_t i = 0; i < nrows; i++) {
        if (nmin == 0 || rows[i].n < nmin)
            nmin = rows[i].n;
        if (rows[i].n > nmax)
            nmax = rows[i].n;
        if (pmin == 0 || rows[i].pss_kib < pmin)
            pmin = rows[i].pss_kib;
        if (rows[i].pss_kib > pmax)
            pmax = rows[i].pss_kib;
    }
    /* Errors from gnuplot go to our stderr; its own chatter nowhere. */
    if ((g = popen("exec gnuplot >/dev/null", "w")) == NULL)
        return -1;
    fprintf(g, "set terminal %s size 900,560\n", terminal);
    fprintf(g, "set output '%s'\n", path);
    fprintf(g, "set title 'svchost host memory: shared, split and own-process (%s services)'\n",
            plugin);
    /* Ranges of 10x or more: log scales keep the small values (shared, low
     * N) readable beside split at high N. */
    bool logx = nmin > 0 && nmax >= 10 * nmin, logy = pmin > 0 && pmax >= 10 * pmin;
    fprintf(g, "set xlabel 'services (N%s)'\n", logx ? ", log scale" : "");
    fprintf(g, "set ylabel 'PSS of all host processes (MiB%s)'\n", logy ? ", log scale" : "");
    fprintf(g, "set key left top\nset grid\n");
    if (logx)
        fprintf(g, "set logscale x\n");
    if (logy)
        fprintf(g, "set logscale y\n");
    /* Only the modes that were run (--mode may leave one out). */
    static const char *const style[] = {
        [BENCH_SHARED] = "lw 2 pt 7 title 'shared (one host)'",
        [BENCH_SPLIT] = "lw 2 pt 5 title 'split (one host per service)'",
        [BENCH_OWN] = "lw 2 pt 9 title 'own (one own-process executable per service)'",
    };
    _Static_assert(sizeof style / sizeof style[0] == BENCH_MODES, "a style per mode");
    bool have[BENCH_MODES] = { false };
    bool first = true;
    for (size_t i = 0; i < nrows; i++)
        have[rows[i].mode] = true;
    fprintf(g, "plot ");
    for (int m = 0; m < BENCH_MODES; m++)
        if (have[m]) {
            fprintf(g, "%s'-' using 1:2 with linespoints %s", first ? "" : ", ", style[m]);
            first = false;
        }
    fprintf(g, "\n");
    for (int m = 0; m < BENCH_MODES; m++) {
        if (!have[m])
            continue;
        for (size_t i = 0; i < nrows; i++)
            if (rows[i].mode == (enum bench_mode)m)
                fprintf(g, "%u %.4f\n", rows[i].n, (double)rows[i].pss_kib / 1024.0);
        fprintf(g, "e\n");
    }
    return pclose(g);
}

int report_plot(const char *path, const struct bench_row *rows, size_t nrows,
                const char *plugin)
{
    int st;

    if (strpbrk(path, "'\n") != NULL) {
        fprintf(stderr, "svchost-bench: --plot: the file name must not contain ' or a newline\n");
        return -1;
    }
    /* pngcairo draws better; plain png (libgd) where cairo is missing. */
    st = plot_with("pngcairo", path, rows, nrows, plugin);
    if (st != 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 127)) {
        remove(path);
        st = plot_with("png", path, rows, nrows, plugin);
    }
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127)
            fprintf(stderr, "svchost-bench: --plot needs gnuplot (Debian: gnuplot-nox)\n");
        else
            fprintf(stderr, "svchost-bench: gnuplot could not draw %s\n", path);
        remove(path);
        return -1;
    }
    return 0;
}
