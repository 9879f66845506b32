/*
 * pack.h - the byte codec behind the pack and unpack functions that
 * carry results between processes (experiment.h, "Distributing work"):
 * a writer that counts what it would write past its buffer (so one call
 * with cap 0 measures, a second one fills), and a reader that turns any
 * overrun into a sticky error instead of reading past the end.
 *
 * Every value is written as fixed-width little-endian bytes; doubles go
 * through their IEEE-754 bit pattern, so NaN payloads, -0.0 and every last
 * bit come back exactly. Internal to the library (lsi_ prefix).
 */
#ifndef LAGSIM_STATS_PACK_H
#define LAGSIM_STATS_PACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct lsi_pack {
    unsigned char *buf; /* may be NULL when cap is 0 */
    size_t cap;         /* bytes available in buf */
    size_t len;         /* bytes written or, past cap, that would be */
} lsi_pack_t;

typedef struct lsi_unpack {
    const unsigned char *buf;
    size_t len;  /* bytes in buf */
    size_t off;  /* next byte to read */
    int bad;     /* set when a read ran past the end or a value was wrong */
} lsi_unpack_t;

void lsi_put_u64(lsi_pack_t *w, uint64_t v);
void lsi_put_i64(lsi_pack_t *w, int64_t v);
void lsi_put_f64(lsi_pack_t *w, double v);
void lsi_put_u32(lsi_pack_t *w, uint32_t v);

/* Each returns 0 once p->bad is set. */
uint64_t lsi_get_u64(lsi_unpack_t *p);
int64_t lsi_get_i64(lsi_unpack_t *p);
double lsi_get_f64(lsi_unpack_t *p);
uint32_t lsi_get_u32(lsi_unpack_t *p);

/* The stats objects' parts of a packed result. The getters return 0, or
 * -1 on malformed input (p->bad set), or -2 if out of memory. */
struct lagsim_hist;
struct lagsim_breakdown;
struct lagsim_series;
struct lagsim_summary;
void lsi_hist_put(lsi_pack_t *w, const struct lagsim_hist *h);
int lsi_hist_get(lsi_unpack_t *p, struct lagsim_hist *h);
void lsi_breakdown_put(lsi_pack_t *w, const struct lagsim_breakdown *b);
int lsi_breakdown_get(lsi_unpack_t *p, struct lagsim_breakdown *b);
void lsi_series_put(lsi_pack_t *w, const struct lagsim_series *s);
int lsi_series_get(lsi_unpack_t *p, struct lagsim_series *s);
void lsi_summary_put(lsi_pack_t *w, const struct lagsim_summary *s);
int lsi_summary_get(lsi_unpack_t *p, struct lagsim_summary *s);

#endif /* LAGSIM_STATS_PACK_H */
