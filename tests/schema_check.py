#!/usr/bin/env python3
"""schema_check.py - validates lagsim's JSON against the schemas of docs/schema/.

  schema_check.py results DEF FILE.json...   each file against
      docs/schema/results.schema.json's $defs/DEF (run_report, sweep_report,
      trace_report) and against the whole schema (oneOf)
  schema_check.py scenario FILE.ini...       each file, as `lagsim check`
      writes it, turned into JSON ([section] -> object, [kind.NAME] ->
      kind.NAME, a repeated key -> array), against scenario.schema.json

Prints each error with its JSON path; exits 1 if any.
"""
import json
import sys

import jsonschema


def ini_to_json(path):
    doc, section, counts = {}, None, {}
    for raw in open(path, encoding='utf-8'):
        line = raw.strip()
        if not line or line[0] in ';#':
            continue
        if line.startswith('['):
            name = line[1:line.index(']')]
            kind, _, inst = name.partition('.')
            top = doc.setdefault(kind, {})
            section = top.setdefault(inst, {}) if inst else top
            counts = {}
            continue
        key, _, value = line.partition('=')
        key, value = key.strip(), value.strip()
        counts[key] = counts.get(key, 0) + 1
        if counts[key] == 1:
            section[key] = value
        elif counts[key] == 2:
            section[key] = [section[key], value]
        else:
            section[key].append(value)
    return doc


def report(validator, doc, name):
    bad = 0
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        print('%s: at %s: %s' % (name, '/'.join(str(p) for p in e.absolute_path) or '(top)',
                                 e.message[:300]))
        bad = 1
    return bad


def main():
    what, rest = sys.argv[1], sys.argv[2:]
    bad = 0
    if what == 'results':
        schema = json.load(open('docs/schema/results.schema.json'))
        jsonschema.Draft202012Validator.check_schema(schema)
        part = dict(schema)
        part.pop('oneOf')
        part['$ref'] = '#/$defs/' + rest[0]
        for f in rest[1:]:
            doc = json.load(open(f))
            bad |= report(jsonschema.Draft202012Validator(part), doc, f)
            bad |= report(jsonschema.Draft202012Validator(schema), doc, f + ' (whole schema)')
    elif what == 'scenario':
        schema = json.load(open('docs/schema/scenario.schema.json'))
        jsonschema.Draft202012Validator.check_schema(schema)
        v = jsonschema.Draft202012Validator(schema)
        for f in rest:
            bad |= report(v, ini_to_json(f), f)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return bad


if __name__ == '__main__':
    sys.exit(main())
