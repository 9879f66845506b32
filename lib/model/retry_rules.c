/*
 * retry_rules.c - what each sender makes of an answer: the status-code
 * classification of the SDK presets and of Segment's destination, and the
 * Retry-After header (what a server sends, how long a sender waits on it).
 *
 * The rules are data (lagsim_sdk_t's retry_4xx, retry_codes, no_retry_5xx,
 * halve_on_413, retry_after*; [segment] retry_codes, dest_retry_after):
 * docs/retry-dynamics.md lists each preset's values and their sources.
 */
#include "model/model_internal.h"

enum lsi_verdict lsi_sdk_verdict(const lagsim_sdk_t *sdk, const lsi_batch_t *batch)
{
    switch ((enum lagsim_response)batch->status) {
    case LAGSIM_RESP_2XX: return LSI_ACCEPTED;
    case LAGSIM_RESP_429:
    case LAGSIM_RESP_TIMEOUT:
    case LAGSIM_RESP_COUNT: return LSI_RETRY;
    case LAGSIM_RESP_5XX:
        return sdk->no_retry_5xx && lsi_code_not_retried(batch->code) ? LSI_REJECTED : LSI_RETRY;
    case LAGSIM_RESP_400:
        if (sdk->retry_4xx)
            return LSI_RETRY; /* every 4xx keeps the batch (mixpanel-android) */
        if (batch->code == 413 && sdk->halve_on_413)
            return LSI_HALVE;
        return (sdk->retry_codes & lagsim_code_bit(batch->code)) ? LSI_RETRY : LSI_REJECTED;
    }
    return LSI_RETRY;
}

enum lsi_verdict lsi_dest_verdict(const lagsim_scenario_t *sc, const lsi_batch_t *batch)
{
    switch ((enum lagsim_response)batch->status) {
    case LAGSIM_RESP_2XX: return LSI_ACCEPTED;
    case LAGSIM_RESP_400:
        return (sc->segment.retry_codes & lagsim_code_bit(batch->code)) ? LSI_RETRY
                                                                          : LSI_REJECTED;
    case LAGSIM_RESP_5XX:
        return batch->code == 501 ? LSI_REJECTED : LSI_RETRY; /* Actions [src] */
    case LAGSIM_RESP_429:
    case LAGSIM_RESP_TIMEOUT:
    case LAGSIM_RESP_COUNT: return LSI_RETRY;
    }
    return LSI_RETRY;
}

lagsim_time_t lsi_retry_after_wait(const lagsim_sdk_t *sdk, const lsi_batch_t *batch)
{
    if (batch->retry_after <= 0 || sdk->retry_after == LAGSIM_RA_IGNORE ||
        (batch->status != LAGSIM_RESP_429 && batch->status != LAGSIM_RESP_5XX))
        return 0;
    if (sdk->retry_after_limit > 0 && batch->ra_waits >= sdk->retry_after_limit)
        return 0;
    lagsim_time_t d = batch->retry_after;
    if (d < sdk->retry_after_min)
        d = sdk->retry_after_min;
    if (sdk->retry_after_max > 0 && d > sdk->retry_after_max)
        d = sdk->retry_after_max;
    return d;
}

lagsim_time_t lsi_retry_after_header(lagsim_time_t policy, lagsim_time_t until_admit)
{
    if (policy != LAGSIM_RETRY_AFTER_ADMIT)
        return policy > 0 ? policy : 0;
    /* HTTP sends whole seconds: rounded up, and at least 1. */
    lagsim_time_t s = (until_admit + LAGSIM_SEC - 1) / LAGSIM_SEC;
    if (s < 1)
        s = 1;
    return s * LAGSIM_SEC;
}
