/*
 * pack.c - the byte codec of pack.h (fixed-width little-endian values,
 * doubles by bit pattern), and the pack/unpack of lagsim_summary_t, the
 * one stats value whose fields are public.
 */
#include <string.h>

#include "lagsim/stats.h"
#include "stats/pack.h"

void lsi_put_u64(lsi_pack_t *w, uint64_t v)
{
    if (w->len <= w->cap && w->cap - w->len >= 8)
        for (int i = 0; i < 8; i++)
            w->buf[w->len + (size_t)i] = (unsigned char)(v >> (8 * i));
    w->len += 8;
}

void lsi_put_i64(lsi_pack_t *w, int64_t v)
{
    lsi_put_u64(w, (uint64_t)v);
}

void lsi_put_f64(lsi_pack_t *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    lsi_put_u64(w, bits);
}

void lsi_put_u32(lsi_pack_t *w, uint32_t v)
{
    if (w->len <= w->cap && w->cap - w->len >= 4)
        for (int i = 0; i < 4; i++)
            w->buf[w->len + (size_t)i] = (unsigned char)(v >> (8 * i));
    w->len += 4;
}

uint64_t lsi_get_u64(lsi_unpack_t *p)
{
    if (p->bad || p->len - p->off < 8) {
        p->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p->buf[p->off + (size_t)i] << (8 * i);
    p->off += 8;
    return v;
}

int64_t lsi_get_i64(lsi_unpack_t *p)
{
    return (int64_t)lsi_get_u64(p);
}

double lsi_get_f64(lsi_unpack_t *p)
{
    const uint64_t bits = lsi_get_u64(p);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

uint32_t lsi_get_u32(lsi_unpack_t *p)
{
    if (p->bad || p->len - p->off < 4) {
        p->bad = 1;
        return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p->buf[p->off + (size_t)i] << (8 * i);
    p->off += 4;
    return v;
}

void lsi_summary_put(lsi_pack_t *w, const lagsim_summary_t *s)
{
    lsi_put_u64(w, s->n);
    lsi_put_f64(w, s->mean);
    lsi_put_f64(w, s->m2);
    lsi_put_f64(w, s->min);
    lsi_put_f64(w, s->max);
}

int lsi_summary_get(lsi_unpack_t *p, lagsim_summary_t *s)
{
    s->n = lsi_get_u64(p);
    s->mean = lsi_get_f64(p);
    s->m2 = lsi_get_f64(p);
    s->min = lsi_get_f64(p);
    s->max = lsi_get_f64(p);
    return p->bad ? -1 : 0;
}

/* Each public *_pack(): measure and fill in one go. */
#define PACK_BODY(put, obj)                                          \
    lsi_pack_t w = {.buf = buf, .cap = buf ? cap : 0, .len = 0};    \
    put(&w, obj);                                                    \
    return w.len

/* Each public *_unpack(): the whole buffer, nothing left over. */
#define UNPACK_BODY(get, obj)                                        \
    lsi_unpack_t p = {.buf = buf, .len = len, .off = 0, .bad = 0};  \
    const int rc = get(&p, obj);                                     \
    if (rc == -2)                                                    \
        return -2;                                                   \
    return rc == 0 && !p.bad && p.off == p.len ? 0 : -1

size_t lagsim_summary_pack(const lagsim_summary_t *s, void *buf, size_t cap)
{
    PACK_BODY(lsi_summary_put, s);
}

int lagsim_summary_unpack(lagsim_summary_t *s, const void *buf, size_t len)
{
    UNPACK_BODY(lsi_summary_get, s);
}

size_t lagsim_hist_pack(const lagsim_hist_t *h, void *buf, size_t cap)
{
    PACK_BODY(lsi_hist_put, h);
}

int lagsim_hist_unpack(lagsim_hist_t *h, const void *buf, size_t len)
{
    UNPACK_BODY(lsi_hist_get, h);
}

size_t lagsim_breakdown_pack(const lagsim_breakdown_t *b, void *buf, size_t cap)
{
    PACK_BODY(lsi_breakdown_put, b);
}

int lagsim_breakdown_unpack(lagsim_breakdown_t *b, const void *buf, size_t len)
{
    UNPACK_BODY(lsi_breakdown_get, b);
}

size_t lagsim_series_pack(const lagsim_series_t *s, void *buf, size_t cap)
{
    PACK_BODY(lsi_series_put, s);
}

int lagsim_series_unpack(lagsim_series_t *s, const void *buf, size_t len)
{
    UNPACK_BODY(lsi_series_get, s);
}
