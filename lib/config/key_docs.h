/*
 * key_docs.h - what each key of the key table (keys.c) means and where
 * its default comes from, for the generated scenario reference, the
 * lagsim-scenario(5) man page and anything else that explains a key.
 */
#ifndef LAGSIM_CONFIG_KEY_DOCS_H
#define LAGSIM_CONFIG_KEY_DOCS_H

#include "config/config_internal.h"

typedef struct lsi_key_doc {
    const char *section; /* "scenario", ...; "sdk" for a client's cloud_X/device_X field X */
    const char *key;
    const char *meaning; /* Markdown: `code`, **strong**, [text](link) */
    const char *basis;   /* where the default comes from; "" for an SDK field */
} lsi_key_doc_t;

/* The doc of key k of a section kind, or NULL if it has none. */
const lsi_key_doc_t *lsi_key_doc(enum lsi_section_kind kind, const lsi_key_t *k);
/* What a section is, before its table (Markdown), or NULL. */
const char *lsi_section_doc(enum lsi_section_kind kind);
/* Where a preset's values come from, or NULL. */
const char *lsi_preset_doc(const char *preset);
/* Every doc row, for checks that each names a key: *n is set to the count. */
const lsi_key_doc_t *lsi_key_docs(size_t *n);

#endif /* LAGSIM_CONFIG_KEY_DOCS_H */
