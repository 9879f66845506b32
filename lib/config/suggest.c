/*
 * suggest.c - "did you mean ...?": the edit distance between two words
 * and the closest of a list of known names, for the messages about an
 * unknown key, section, option or command.
 *
 * The distance is the optimal string alignment distance (Levenshtein with
 * the transposition of two neighbouring characters counted as one edit),
 * so "horizonn", "hroizon" and "horizo" are all one edit from "horizon".
 * A name is suggested only when it is close for the word's length: at
 * most one edit for words of up to four characters, two up to eight,
 * three beyond; ties go to the earlier name in the list.
 */
#include <string.h>

#include "lagsim/config.h"

/* Longest word compared; longer words are never close to anything. */
#define WORD_MAX 64

size_t lagsim_edit_distance(const char *a, const char *b)
{
    const size_t n = strlen(a), m = strlen(b);
    if (n > WORD_MAX || m > WORD_MAX)
        return n > m ? n : m;
    /* Three rows of the dynamic programme: i-2, i-1 and i. */
    size_t rows[3][WORD_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

const char *lagsim_suggest(const char *word, const char *const *names, size_t n)
{
    const size_t len = strlen(word);
    const size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        const size_t d = lagsim_edit_distance(word, names[i]);
        if (d > 0 && d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}
