#!/usr/bin/python3
"""Check openapi.yaml against the answers the end-to-end tests got.

run-e2e records every answer (harness.record_answer: method, path, status, headers,
body) to a JSON-lines file; this reads it and openapi.yaml and reports:

  - that the document is well formed: OpenAPI 3.1.0, every $ref resolves, every schema
    is a valid JSON Schema (Draft 2020-12, the dialect of OpenAPI 3.1), every path
    parameter is declared, operationIds are unique;
  - for every answer: its path matches a documented path (a template's parameter is one
    segment; a path item's x-path-regex replaces its template), its status is documented
    for the method (an operation, or the path's x-other-methods for a method without
    one; x-web-server-responses for the web server's own pages), its Content-Type is one
    the response documents, its JSON body validates against that media type's schema,
    and the response's required headers are there and valid.  HEAD answers have no body:
    their Content-Type is checked.  A body that is not JSON (an HTML page) is checked
    only for its Content-Type, unless the schema says it is empty;
  - with --complete (a run of every test on every front end), every documented
    (path, method, status) was answered at least once; otherwise unseen ones are skips.

Paths outside /api are the web server's (the admin page's files, its 404 page) and
are listed, not checked.

Needs Debian's python3-yaml and python3-jsonschema (4.10 has Draft 2020-12): run with
/usr/bin/python3.  Prints TAP, or with --json one {"ok", "name", "detail", "skip"}
object per line (run-e2e turns them into its own TAP lines).

    /usr/bin/python3 tests/e2e/openapi_check.py [--complete] [--json] openapi.yaml ANSWERS
"""
import argparse
import collections
import json
import re
import sys

import jsonschema
import yaml

METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace')
OTHER = 'other'     # a method the path item has no operation for


class Doc:
    def __init__(self, path):
        with open(path) as fh:
            self.root = yaml.safe_load(fh)
        self.resolver = jsonschema.RefResolver('', self.root)
        self.problems = []

    def deref(self, obj, seen=()):
        """obj with its $ref followed (a Reference Object's siblings are ignored)."""
        while isinstance(obj, dict) and '$ref' in obj and not obj['$ref'].startswith('#/components/schemas'):
            ref = obj['$ref']
            if not ref.startswith('#/') or ref in seen:
                raise KeyError(ref)
            seen += (ref,)
            cur = self.root
            for part in ref[2:].split('/'):
                part = part.replace('~1', '/').replace('~0', '~')
                cur = cur[part]
            obj = cur
        return obj

    # ------------------------------------------------------------ well-formedness
    def check_document(self):
        p = self.problems
        if self.root.get('openapi') != '3.1.0':
            p.append('openapi is %r, not 3.1.0' % self.root.get('openapi'))
        for key in ('info', 'paths'):
            if key not in self.root:
                p.append('no %s' % key)
        self.walk_refs(self.root, '#')
        op_ids = collections.Counter()
        for key, item in self.root.get('paths', {}).items():
            item = self.deref(item)
            names = set(re.findall(r'\{([^}]+)\}', key))
            declared = {self.deref(x)['name'] for x in item.get('parameters', []) if self.deref(x)['in'] == 'path'}
            for m in METHODS:
                op = item.get(m)
                if op is None:
                    continue
                if 'operationId' in op:
                    op_ids[op['operationId']] += 1
                opdecl = declared | {self.deref(x)['name'] for x in op.get('parameters', [])
                                     if self.deref(x)['in'] == 'path'}
                if names != opdecl:
                    p.append('%s %s: path parameters %s, declared %s' % (m.upper(), key, sorted(names), sorted(opdecl)))
                self.check_responses('%s %s' % (m.upper(), key), op.get('responses'))
            if 'x-other-methods' in item:
                self.check_responses('other methods of %s' % key, self.deref(item['x-other-methods']).get('responses'))
        self.check_responses('x-web-server-responses', self.root.get('x-web-server-responses'))
        p.extend('operationId %s used %d times' % (k, v) for k, v in op_ids.items() if v > 1)
        for name, schema in self.root.get('components', {}).get('schemas', {}).items():
            self.check_schema('components/schemas/' + name, schema)

    def walk_refs(self, obj, where):
        if isinstance(obj, dict):
            if isinstance(obj.get('$ref'), str):
                try:
                    ref = obj['$ref']
                    cur = self.root
                    for part in ref[2:].split('/'):
                        cur = cur[part.replace('~1', '/').replace('~0', '~')]
                    if not ref.startswith('#/'):
                        raise KeyError(ref)
                except (KeyError, TypeError, IndexError):
                    self.problems.append('%s: $ref %s does not resolve' % (where, obj['$ref']))
            for k, v in obj.items():
                self.walk_refs(v, where + '/' + str(k))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                self.walk_refs(v, '%s/%d' % (where, i))

    def check_responses(self, where, responses):
        if not isinstance(responses, dict) or not responses:
            self.problems.append('%s: no responses' % where)
            return
        for status, resp in responses.items():
            if not re.fullmatch('[1-5][0-9][0-9]', str(status)):
                self.problems.append('%s: response key %r is not a status' % (where, status))
            resp = self.deref(resp)
            if 'description' not in resp:
                self.problems.append('%s %s: no description' % (where, status))
            for ct, media in resp.get('content', {}).items():
                if 'schema' in media:
                    self.check_schema('%s %s %s' % (where, status, ct), media['schema'])
            for name, h in resp.get('headers', {}).items():
                h = self.deref(h)
                if 'schema' in h:
                    self.check_schema('%s %s header %s' % (where, status, name), h['schema'])

    def check_schema(self, where, schema):
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            self.problems.append('%s: not a valid schema: %s' % (where, e.message))

    # ------------------------------------------------------------ answers
    def matchers(self):
        """(regex, path key) in matching order: concrete paths, templates, then the
        x-path-regex catch-alls (OpenAPI matches concrete paths before templated ones)."""
        out = []
        for key, item in self.root['paths'].items():
            item = self.deref(item)
            if 'x-path-regex' in item:
                out.append((2, re.compile(item['x-path-regex']), key))
            elif '{' in key:
                # re.split with a group: literal parts at even indexes, parameters at odd;
                # a parameter is one segment, or what its schema's anchored pattern says.
                rx = ''.join(self.segment(item, part[1:-1]) if i % 2 else re.escape(part)
                             for i, part in enumerate(re.split(r'(\{[^}]+\})', key)))
                out.append((1, re.compile('^' + rx + '$'), key))
            else:
                out.append((0, re.compile('^' + re.escape(key) + '$'), key))
        return [(rx, key) for _, rx, key in sorted(out, key=lambda x: x[0])]

    def segment(self, item, name):
        for prm in item.get('parameters', []):
            prm = self.deref(prm)
            pat = prm.get('schema', {}).get('pattern', '')
            if prm['name'] == name and prm['in'] == 'path' and pat.startswith('^') and pat.endswith('$'):
                return '(?:%s)' % pat[1:-1]
        return '[^/]+'

    def validate(self, schema, value):
        v = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        errs = sorted(v.iter_errors(value), key=lambda e: list(e.path))
        return ['%s: %s' % ('/'.join(map(str, e.path)) or 'body', e.message) for e in errs[:3]]


def media_key(ctype):
    """'application/json; charset=UTF-8' -> ('application/json', 'charset=utf-8')."""
    parts = [x.strip() for x in (ctype or '').split(';')]
    return parts[0].lower(), ';'.join(sorted(p.lower().replace(' ', '') for p in parts[1:] if p))


def pick_media(content, ctype):
    """The documented media type of content the answer's Content-Type is: an exact match
    first (type and parameters, case-insensitive), else a key without parameters of the
    same type."""
    want = media_key(ctype)
    for key, media in content.items():
        if media_key(key) == want:
            return key, media
    for key, media in content.items():
        k = media_key(key)
        if k[1] == '' and k[0] == want[0]:
            return key, media
    return None, None


def check_answer(doc, resp, a):
    """Problems of answer a against the documented response resp."""
    problems = []
    headers = collections.defaultdict(list)
    for k, v in a['headers']:
        headers[k.lower()].append(v)
    ctype = ', '.join(headers.get('content-type', [])) or None
    content = resp.get('content', {})
    if not content:
        if a['kind'] != 'empty':
            problems.append('a body where none is documented')
    else:
        key, media = pick_media(content, ctype)
        if key is None:
            problems.append('Content-Type %r is none of %s' % (ctype, ', '.join(content)))
        elif 'schema' in media and not (a['method'] == 'HEAD' and a['kind'] == 'empty'):
            schema = media['schema']
            if a['kind'] == 'json':
                problems += doc.validate(schema, a['body'])
            elif a['kind'] == 'empty':
                problems += doc.validate(schema, '')
            else:
                problems += ['%s (a body that is not JSON)' % e for e in doc.validate(schema, '<non-JSON body>')]
    for name, h in resp.get('headers', {}).items():
        h = doc.deref(h)
        vals = headers.get(name.lower())
        if not vals:
            if h.get('required'):
                problems.append('no %s header' % name)
            continue
        if 'schema' in h:
            problems += ['header %s: %s' % (name, e) for e in doc.validate(h['schema'], ', '.join(vals))]
    return problems


def run(spec, answers_path, complete):
    """Yields (ok, name, detail, skip)."""
    doc = Doc(spec)
    doc.check_document()
    yield (not doc.problems, 'openapi.yaml is a well-formed OpenAPI 3.1 document', '\n'.join(doc.problems[:40]), None)
    if doc.problems:
        return
    matchers = doc.matchers()
    web = doc.root.get('x-web-server-responses', {})

    # Every documented (path, method, status): what coverage must see.
    documented = collections.OrderedDict()
    for key, item in doc.root['paths'].items():
        item = doc.deref(item)
        for m in METHODS:
            if m in item:
                for st in item[m]['responses']:
                    documented[(key, m.upper(), str(st))] = []
        if 'x-other-methods' in item:
            for st in doc.deref(item['x-other-methods'])['responses']:
                documented[(key, OTHER, str(st))] = []

    outside = collections.Counter()
    undocumented = collections.defaultdict(list)
    invalid = collections.defaultdict(list)
    web_seen = collections.Counter()
    n = 0
    with open(answers_path) as fh:
        for line in fh:
            a = json.loads(line)
            n += 1
            key = next((k for rx, k in matchers if rx.match(a['path'])), None)
            where = '%s %s' % (a['tag'], a['method'])
            if key is None:
                outside['%s %s -> %d' % (a['method'], a['path'], a['status'])] += 1
                continue
            item = doc.deref(doc.root['paths'][key])
            m = a['method'].lower()
            if m in METHODS and m in item:
                responses, mk = item[m]['responses'], a['method']
            else:
                responses, mk = doc.deref(item.get('x-other-methods', {})).get('responses', {}), OTHER
            st = str(a['status'])
            if st in responses:
                resp = doc.deref(responses[st])
                documented[(key, mk, st)].append(where)
                problems = check_answer(doc, resp, a)
                if problems:
                    invalid[(key, mk, st)].append('%s %s: %s' % (where, a['path'], '; '.join(problems)))
            elif st in web:
                web_seen['%s %s' % (a['method'], st)] += 1
                problems = check_answer(doc, doc.deref(web[st]), a)
                if problems:
                    invalid[('*', a['method'], st)].append('%s %s: %s' % (where, a['path'], '; '.join(problems)))
            else:
                undocumented[(key, mk, st)].append('%s %s: %s' % (where, a['path'], json.dumps(a['body'])[:200]))

    yield (n > 0, 'the e2e tests recorded their answers (%d)' % n, answers_path, None)
    for (key, mk, st), seen in documented.items():
        name = 'openapi: %s %s -> %s' % (mk if mk != OTHER else 'any other method on', key, st)
        bad = invalid.pop((key, mk, st), [])
        if bad:
            yield (False, '%s: %d of %d answers match the document' % (name, len(seen) - len(bad), len(seen)),
                   '\n'.join(bad[:10]), None)
        elif seen:
            yield (True, '%s: %d answers, all as documented' % (name, len(seen)), None, None)
        elif complete:
            yield (False, '%s: documented, never answered by the e2e tests' % name, None, None)
        else:
            yield (True, name, None, 'not answered in this partial run')
    for (key, mk, st), bad in invalid.items():
        yield (False, 'openapi: the web server\'s %s %s pages match the document' % (mk, st), '\n'.join(bad[:10]), None)
    for (key, mk, st), what in sorted(undocumented.items()):
        yield (False, 'openapi: %s %s -> %s answered %d times, not documented' % (
            mk if mk != OTHER else 'another method on', key, st, len(what)), '\n'.join(what[:10]), None)
    if web_seen:
        yield (True, 'openapi: the web server\'s own pages: %s' % ', '.join(
            '%s (%d)' % kv for kv in sorted(web_seen.items())), None, None)
    if outside:
        yield (True, 'openapi: answers outside /api, not the API\'s: %s' % ', '.join(
            '%s (%d)' % kv for kv in sorted(outside.items())), None, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--complete', action='store_true', help='every test ran on every front end: require coverage')
    ap.add_argument('--json', action='store_true', help='JSON lines for run-e2e instead of TAP')
    ap.add_argument('spec')
    ap.add_argument('answers')
    a = ap.parse_args()
    failed = 0
    i = 0
    for ok, name, detail, skip in run(a.spec, a.answers, a.complete):
        i += 1
        failed += not ok
        if a.json:
            print(json.dumps({'ok': ok, 'name': name, 'detail': detail, 'skip': skip}), flush=True)
            continue
        print('%sok %d - %s%s' % ('' if ok else 'not ', i, name, ' # SKIP ' + skip if skip else ''))
        if not ok and detail:
            for line in detail.splitlines()[:40]:
                print('#   ' + line)
    if not a.json:
        print('1..%d' % i)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
