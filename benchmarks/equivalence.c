/*
 * equivalence.c - the statistics of `make equivalence`: whether two builds
 * of lagsim (an older revision, "base", and this tree, "new") give the
 * same headline figures, from each one's replicated means and 95%
 * confidence half-widths. benchmarks/equivalence.sh runs the builds and
 * feeds this program; docs/equivalence.md says how to read the table.
 *
 *     build/equivalence [--tsv] [--alpha A] [--resolution R] [--base LABEL]
 *                       [--new LABEL] [FILE]
 *
 * Input (FILE or stdin), one line per config, mode and figure, fields
 * separated by blanks ('#' lines and empty lines are skipped):
 *     CONFIG MODE FIGURE BASE_MEAN BASE_HW BASE_N NEW_MEAN NEW_HW NEW_N
 * MEAN and HW are a figure's mean over N replications and the half-width
 * of its 95% Student-t interval, as `lagsim run --reps N` reports them;
 * '-', 'null' or 'nan' marks an undefined one (a quantile of no event, a
 * half-width of fewer than 2 replications).
 *
 * Output: a Markdown table, one row per input line, then a verdict. Each
 * row says whether the new mean lies inside the base's 95% interval and
 * gives the two-sided p-value of Welch's two-sample t-test, with each
 * side's standard error recovered as se = HW / t(0.975, N - 1) and the
 * Welch-Satterthwaite degrees of freedom. The p-values of all testable
 * rows form one family, corrected by Holm's step-down method at
 * family-wise level A (default 0.05). Rows that cannot be tested:
 *   - both half-widths 0 (no spread on either side, as for a
 *     deterministic figure): "identical" when the means are equal, else
 *     an exception ("differs, no spread"): with no noise on either side
 *     any difference is real;
 *   - a mean undefined on one side only: an exception ("defined in one");
 *     on both sides: "n/a";
 *   - a half-width undefined (N < 2): "identical" for equal means, else
 *     "n/a" (not judged).
 * --resolution R (default 0: none): the relative resolution of the figures;
 * a row whose means differ by at most R of the base mean says so ("within
 * resolution") next to its CI verdict. lagsim's quantiles are midpoints of
 * histogram buckets at most 1/128 of their value wide, so a quantile that
 * falls in one bucket in every replication has a half-width of 0, and a
 * one-bucket shift puts the other build's mean outside that "interval".
 * The counts and the verdict do not change with R.
 * --tsv prints, instead, one tab-separated line per row (config, mode,
 * figure, status, inside, t, df, p, holm) for scripts and tests.
 *
 * Exit status: 0 no exception, 1 exceptions (Holm rejections, differences
 * with no spread, figures defined in one build only), 2 bad input
 * ("FILE:LINE: message" on stderr, nothing on stdout).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

enum status {
    ST_TESTED,    /* Welch test done */
    ST_IDENTICAL, /* equal means, no spread to test */
    ST_NOSPREAD,  /* different means, zero half-width on both sides: exception */
    ST_ONESIDED,  /* defined in one build only: exception */
    ST_UNDEF,     /* undefined in both builds */
    ST_FEW        /* fewer than 2 replications on a side, different means */
};

struct row {
    char *config, *mode, *figure;
    double bm, bh, nm, nh; /* base mean, half-width; new mean, half-width */
    long bn, nn;           /* replications behind each */
    enum status st;
    int inside;  /* new mean inside the base's 95% interval */
    double t, df, p;
    int holm;    /* rejected by Holm */
};

static const char *status_name(enum status s)
{
    switch (s) {
    case ST_TESTED: return "tested";
    case ST_IDENTICAL: return "identical";
    case ST_NOSPREAD: return "differs-no-spread";
    case ST_ONESIDED: return "defined-in-one";
    case ST_UNDEF: return "undefined";
    case ST_FEW: return "too-few-replications";
    }
    return "?";
}

/* A number, or NAN for '-', 'null', 'nan'; 0 on success, -1 if not a number. */
static int parse_value(const char *s, double *out)
{
    if (!strcmp(s, "-") || !strcmp(s, "null") || !strcmp(s, "nan") || !strcmp(s, "NaN")) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    const double x = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

static int parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    const long n = strtol(s, &end, 10);
    if (end == s || *end || errno || n < 0)
        return -1;
    *out = n;
    return 0;
}

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Standard error from a 95% half-width over n replications. */
static double std_error(double hw, long n)
{
    return hw / gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
}

/* Classifies a row and, when testable, runs Welch's test. */
static void judge(struct row *r)
{
    r->inside = 0;
    r->t = r->df = r->p = NAN;
    r->holm = 0;
    const int bdef = !isnan(r->bm), ndef = !isnan(r->nm);
    if (!bdef || !ndef) {
        r->st = bdef || ndef ? ST_ONESIDED : ST_UNDEF;
        return;
    }
    const int bhw = !isnan(r->bh) && r->bn >= 2, nhw = !isnan(r->nh) && r->nn >= 2;
    const double d = r->nm - r->bm;
    if (bhw)
        r->inside = fabs(d) <= r->bh;
    else
        r->inside = d == 0;
    if (!bhw || !nhw) {
        r->st = d == 0 ? ST_IDENTICAL : ST_FEW;
        return;
    }
    const double sb = std_error(r->bh, r->bn), sn = std_error(r->nh, r->nn);
    const double vb = sb * sb, vn = sn * sn, v = vb + vn;
    if (v == 0) {
        r->st = d == 0 ? ST_IDENTICAL : ST_NOSPREAD;
        return;
    }
    r->st = ST_TESTED;
    r->t = d / sqrt(v);
    r->df = v * v / (vb * vb / (double)(r->bn - 1) + vn * vn / (double)(r->nn - 1));
    r->p = 2 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
    if (r->p > 1)
        r->p = 1;
}

static const struct row *sort_base;
static int by_p(const void *a, const void *b)
{
    const double pa = sort_base[*(const size_t *)a].p, pb = sort_base[*(const size_t *)b].p;
    if (pa != pb)
        return pa < pb ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1; /* stable */
}

/* Holm's step-down correction over the tested rows: the k-th smallest
 * p-value (k from 0) of m is rejected while p <= alpha / (m - k); the
 * first that is not stops it. Returns the number rejected. */
static size_t holm(struct row *rows, size_t n, double alpha, size_t *family)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), m = 0, rejected = 0;
    if (!idx) {
        fprintf(stderr, "equivalence: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++)
        if (rows[i].st == ST_TESTED)
            idx[m++] = i;
    sort_base = rows;
    qsort(idx, m, sizeof *idx, by_p);
    for (size_t k = 0; k < m; k++) {
        if (!(rows[idx[k]].p <= alpha / (double)(m - k)))
            break;
        rows[idx[k]].holm = 1;
        rejected++;
    }
    free(idx);
    *family = m;
    return rejected;
}

/* "mean ± hw" with the undefined parts as "-". */
static void print_value(double mean, double hw)
{
    if (isnan(mean)) {
        fputs("-", stdout);
        return;
    }
    printf("%.6g", mean);
    if (isnan(hw))
        fputs(" ± -", stdout);
    else
        printf(" ± %.3g", hw);
}

static void print_p(double p)
{
    if (p < 1e-4)
        printf("%.1e", p);
    else
        printf("%.4f", p);
}

/* " (within resolution)" when the means differ by at most res of the base mean. */
static const char *resolution_note(const struct row *r, double res)
{
    return res > 0 && r->nm != r->bm && fabs(r->nm - r->bm) <= res * fabs(r->bm)
               ? " (within resolution)"
               : "";
}

static void print_markdown(const struct row *rows, size_t n, const char *blabel, const char *nlabel,
                           double res)
{
    printf("| config | mode | figure | %s (mean ± 95%% hw) | %s (mean ± 95%% hw) | n | in %s CI | "
           "Welch p | Holm |\n",
           blabel, nlabel, blabel);
    puts("|---|---|---|---:|---:|---:|---|---:|---|");
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        printf("| %s | %s | %s | ", r->config, r->mode, r->figure);
        print_value(r->bm, r->bh);
        fputs(" | ", stdout);
        print_value(r->nm, r->nh);
        printf(" | %ld/%ld | ", r->bn, r->nn);
        switch (r->st) {
        case ST_TESTED:
            printf("%s%s | ", r->inside ? "yes" : "**no**", r->inside ? "" : resolution_note(r, res));
            print_p(r->p);
            printf(" | %s |\n", r->holm ? "**reject**" : "-");
            break;
        case ST_IDENTICAL: puts("identical | n/a | - |"); break;
        case ST_NOSPREAD:
            printf("**no** (no spread%s) | n/a | **differs** (%+.2f%%) |\n",
                   resolution_note(r, res)[0] ? "; within resolution" : "",
                   r->bm != 0 ? 100 * (r->nm - r->bm) / fabs(r->bm) : 0.0);
            break;
        case ST_ONESIDED: puts("**defined in one build** | n/a | **differs** |"); break;
        case ST_UNDEF: puts("n/a (undefined) | n/a | - |"); break;
        case ST_FEW:
            printf("%s%s | n/a (n < 2) | - |\n", r->inside ? "yes" : "**no**",
                   r->inside ? "" : resolution_note(r, res));
            break;
        }
    }
}

static void print_tsv(const struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        printf("%s\t%s\t%s\t%s\t%s\t%.10g\t%.10g\t%.10g\t%s\n", r->config, r->mode, r->figure,
               status_name(r->st), r->inside ? "inside" : "outside", r->t, r->df, r->p,
               r->holm ? "reject" : "keep");
    }
}

static void free_rows(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].config);
        free(rows[i].mode);
        free(rows[i].figure);
    }
    free(rows);
}

/* Reads and judges the rows of in (named name in messages) into *rows,
 * *n; -1 with "NAME:LINE: message" on stderr for bad input. The caller
 * frees *rows (free_rows) either way. */
static int read_rows(FILE *in, const char *name, struct row **rows, size_t *n)
{
    static const char *const what[] = {"", "", "", "BASE_MEAN", "BASE_HW", "BASE_N",
                                       "NEW_MEAN", "NEW_HW", "NEW_N"};
    size_t cap = 0, lineno = 0, len = 0;
    char *line = NULL;
    int rc = -1;
    while (getline(&line, &len, in) != -1) {
        lineno++;
        char *f[10], *save = NULL;
        int nf = 0;
        for (char *tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
            f[nf < 10 ? nf++ : 9] = tok;
        if (nf == 0 || f[0][0] == '#')
            continue;
        if (nf != 9) {
            fprintf(stderr, "%s:%zu: want 9 fields (CONFIG MODE FIGURE BASE_MEAN BASE_HW BASE_N "
                            "NEW_MEAN NEW_HW NEW_N), got %s%d\n",
                    name, lineno, nf == 10 ? "more than " : "", nf == 10 ? 9 : nf);
            goto out;
        }
        struct row r = {0};
        double *const num[] = {NULL, NULL, NULL, &r.bm, &r.bh, NULL, &r.nm, &r.nh, NULL};
        for (int k = 3; k < 9; k++) {
            const int bad = num[k] ? parse_value(f[k], num[k])
                                   : parse_count(f[k], k == 5 ? &r.bn : &r.nn);
            if (bad || (num[k] && (k == 4 || k == 7) && *num[k] < 0)) {
                fprintf(stderr, "%s:%zu: %s is '%s', not a %s\n", name, lineno, what[k], f[k],
                        num[k] ? (k == 4 || k == 7 ? "half-width >= 0 or '-'" : "number or '-'")
                               : "count of replications");
                goto out;
            }
        }
        if (*n == cap) {
            const size_t grown = cap ? 2 * cap : 64;
            struct row *g = realloc(*rows, grown * sizeof *g);
            if (!g) {
                fprintf(stderr, "equivalence: out of memory\n");
                goto out;
            }
            *rows = g;
            cap = grown;
        }
        r.config = dup_str(f[0]);
        r.mode = dup_str(f[1]);
        r.figure = dup_str(f[2]);
        judge(&r);
        (*rows)[(*n)++] = r; /* freed with the others, even if a copy failed */
        if (!r.config || !r.mode || !r.figure) {
            fprintf(stderr, "equivalence: out of memory\n");
            goto out;
        }
    }
    if (ferror(in))
        fprintf(stderr, "%s: read error\n", name);
    else
        rc = 0;
out:
    free(line);
    return rc;
}

static void usage(void)
{
    fputs("usage: equivalence [--tsv] [--alpha A] [--resolution R] [--base LABEL] [--new LABEL] "
          "[FILE]\n"
          "input lines: CONFIG MODE FIGURE BASE_MEAN BASE_HW BASE_N NEW_MEAN NEW_HW NEW_N\n",
          stderr);
}

int main(int argc, char **argv)
{
    int tsv = 0;
    double alpha = 0.05, res = 0;
    const char *blabel = "base", *nlabel = "new", *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tsv"))
            tsv = 1;
        else if (!strcmp(argv[i], "--alpha") && i + 1 < argc) {
            if (parse_value(argv[++i], &alpha) || !(alpha > 0 && alpha < 1)) {
                fprintf(stderr, "equivalence: --alpha wants a number in (0, 1), not '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--resolution") && i + 1 < argc) {
            if (parse_value(argv[++i], &res) || !(res >= 0 && res < 1)) {
                fprintf(stderr, "equivalence: --resolution wants a number in [0, 1), not '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--base") && i + 1 < argc)
            blabel = argv[++i];
        else if (!strcmp(argv[i], "--new") && i + 1 < argc)
            nlabel = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            usage();
            return 2;
        } else if (!path)
            path = argv[i];
        else {
            usage();
            return 2;
        }
    }
    FILE *in = stdin;
    const char *name = "stdin";
    if (path && strcmp(path, "-")) {
        in = fopen(path, "r");
        name = path;
        if (!in) {
            fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
            return 2;
        }
    }

    struct row *rows = NULL;
    size_t n = 0;
    const int rc = read_rows(in, name, &rows, &n);
    if (in != stdin)
        fclose(in);
    if (rc) {
        free_rows(rows, n);
        return 2;
    }

    size_t family = 0;
    const size_t rejected = holm(rows, n, alpha, &family);
    size_t outside = 0, tested_outside = 0, nospread = 0, onesided = 0, untested = 0;
    for (size_t i = 0; i < n; i++) {
        outside += !rows[i].inside && rows[i].st != ST_UNDEF && rows[i].st != ST_ONESIDED;
        tested_outside += rows[i].st == ST_TESTED && !rows[i].inside;
        nospread += rows[i].st == ST_NOSPREAD;
        onesided += rows[i].st == ST_ONESIDED;
        untested += rows[i].st == ST_UNDEF || rows[i].st == ST_FEW;
    }
    const size_t exceptions = rejected + nospread + onesided;

    if (tsv)
        print_tsv(rows, n);
    else {
        print_markdown(rows, n, blabel, nlabel, res);
        printf("\n%zu rows: %zu with the %s mean outside the %s 95%% CI (%zu of the %zu tested; "
               "about 1 in 6 tested rows lands outside by chance when nothing moved, both "
               "means being noisy); Welch tests with Holm-Bonferroni at family-wise %g over "
               "%zu tests: %zu rejected",
               n, outside, nlabel, blabel, tested_outside, family, alpha, family, rejected);
        if (nospread)
            printf("; %zu differ with no spread on either side", nospread);
        if (onesided)
            printf("; %zu defined in one build only", onesided);
        if (untested)
            printf("; %zu not tested (undefined or fewer than 2 replications)", untested);
        if (exceptions)
            printf(".\n\nVerdict: **%zu exception%s** (rows marked reject or differs): each needs "
                   "an explanation.\n",
                   exceptions, exceptions == 1 ? "" : "s");
        else
            puts(".\n\nVerdict: **no evidence that the model moved** (no Holm rejection, no "
                 "difference without spread, no figure defined in one build only).");
    }
    free_rows(rows, n);
    if (fflush(stdout) || ferror(stdout))
        return 2;
    return exceptions ? 1 : 0;
}
