/*
 * rate_limiter.c - Mixpanel's per-project ingestion limit.
 *
 * Rolling (the documented behaviour): the events and bytes accepted in
 * the last `window` (1 minute) may not exceed limit * window. The window
 * is kept as LSI_LIMITER_SLOTS slots of window / slots each, with a
 * running sum, so admitting a request is O(1) amortised. A request is
 * admitted whole or refused whole (429), and a refused one uses no
 * capacity.
 * Token bucket (for what-if studies): tokens refill at the limit's rate
 * up to limit * window, and a request takes as many as it carries.
 */
#include "model/model_internal.h"

void lsi_limiter_init(lsi_limiter_t *l, const lagsim_scenario_t *sc)
{
    const double window_s = (double)sc->mixpanel.limit_window / LAGSIM_SEC;
    l->kind = sc->mixpanel.limiter;
    l->rate_events = sc->mixpanel.ingest_limit;
    l->rate_bytes = sc->mixpanel.ingest_limit_bytes;
    l->limit_events = l->rate_events * window_s;
    l->limit_bytes = l->rate_bytes * window_s;
    l->window = sc->mixpanel.limit_window;
    l->slot_width = l->window / LSI_LIMITER_SLOTS;
    if (l->slot_width < 1)
        l->slot_width = 1;
    l->slot_index = 0;
    l->sum_events = l->sum_bytes = 0;
    for (int i = 0; i < LSI_LIMITER_SLOTS; i++)
        l->slot_events[i] = l->slot_bytes[i] = 0;
    l->last = 0;
    l->tokens_events = l->limit_events;
    l->tokens_bytes = l->limit_bytes;
}

/* Moves the rolling window forward to `now`, forgetting expired slots. */
static void roll(lsi_limiter_t *l, lagsim_time_t now)
{
    const int64_t idx = now / l->slot_width;
    int64_t steps = idx - l->slot_index;
    if (steps <= 0)
        return;
    if (steps >= LSI_LIMITER_SLOTS) {
        for (int i = 0; i < LSI_LIMITER_SLOTS; i++)
            l->slot_events[i] = l->slot_bytes[i] = 0;
        l->sum_events = l->sum_bytes = 0;
    } else {
        for (int64_t s = l->slot_index + 1; s <= idx; s++) {
            const int k = (int)(s % LSI_LIMITER_SLOTS);
            l->sum_events -= l->slot_events[k];
            l->sum_bytes -= l->slot_bytes[k];
            l->slot_events[k] = l->slot_bytes[k] = 0;
        }
    }
    l->slot_index = idx;
}

int lsi_limiter_admit(lsi_limiter_t *l, lagsim_time_t now, double events, double bytes)
{
    const int limit_ev = l->rate_events > 0;
    const int limit_b = l->rate_bytes > 0;
    if (l->kind == LAGSIM_LIMITER_TOKEN_BUCKET) {
        const double dt = (double)(now - l->last) / LAGSIM_SEC;
        l->last = now;
        l->tokens_events += dt * l->rate_events;
        if (l->tokens_events > l->limit_events)
            l->tokens_events = l->limit_events;
        l->tokens_bytes += dt * l->rate_bytes;
        if (l->tokens_bytes > l->limit_bytes)
            l->tokens_bytes = l->limit_bytes;
        if ((limit_ev && events > l->tokens_events) || (limit_b && bytes > l->tokens_bytes))
            return 0;
        l->tokens_events -= events;
        l->tokens_bytes -= bytes;
        return 1;
    }
    roll(l, now);
    if ((limit_ev && l->sum_events + events > l->limit_events) ||
        (limit_b && l->sum_bytes + bytes > l->limit_bytes))
        return 0;
    const int k = (int)(l->slot_index % LSI_LIMITER_SLOTS);
    l->slot_events[k] += events;
    l->slot_bytes[k] += bytes;
    l->sum_events += events;
    l->sum_bytes += bytes;
    return 1;
}

lagsim_time_t lsi_limiter_wait(const lsi_limiter_t *l, lagsim_time_t now, double events,
                               double bytes)
{
    const int limit_ev = l->rate_events > 0;
    const int limit_b = l->rate_bytes > 0;
    if ((limit_ev && events > l->limit_events) || (limit_b && bytes > l->limit_bytes))
        return l->window; /* never: a window's worth, as a hint */
    if (l->kind == LAGSIM_LIMITER_TOKEN_BUCKET) {
        /* Tokens as refilled up to now (admit() refilled them at `now`). */
        double wait = 0;
        if (limit_ev && events > l->tokens_events)
            wait = (events - l->tokens_events) / l->rate_events;
        if (limit_b && bytes > l->tokens_bytes) {
            const double wb = (bytes - l->tokens_bytes) / l->rate_bytes;
            if (wb > wait)
                wait = wb;
        }
        return (lagsim_time_t)(wait * (double)LAGSIM_SEC + 0.999999);
    }
    /* Rolling: slot s leaves the window when slot s + SLOTS begins; walk
     * the slots from the oldest until enough has left. */
    double ev = l->sum_events, by = l->sum_bytes;
    for (int64_t s = l->slot_index - LSI_LIMITER_SLOTS + 1; s <= l->slot_index; s++) {
        const int k = (int)(((s % LSI_LIMITER_SLOTS) + LSI_LIMITER_SLOTS) % LSI_LIMITER_SLOTS);
        if (s >= 0) {
            ev -= l->slot_events[k];
            by -= l->slot_bytes[k];
        }
        if ((!limit_ev || ev + events <= l->limit_events) &&
            (!limit_b || by + bytes <= l->limit_bytes)) {
            const lagsim_time_t at = (s + LSI_LIMITER_SLOTS) * l->slot_width;
            return at > now ? at - now : 0;
        }
    }
    return l->window;
}
