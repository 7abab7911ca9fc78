#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates the programs' real JSON output against docs/folio-search.schema.json.

  check_json_schema.py INDEXER SEARCHER SCHEMA DATA_DIR [DOCUMENTS_DIR]

Indexes DATA_DIR into a scratch database, then runs the searcher in every JSON mode (--json
with and without the power features, --jsonl, --batch, --stats --json) and the indexer's
--json summary, and validates each document against the schema's definition for it. A second,
strict pass fails on members the schema does not describe, so the schema stays complete (the
published schema allows new members, as the compatibility promise says).
DOCUMENTS_DIR (PDF and other documents), when given, is indexed into a second database whose
hits must have passages that say their page.

Exit status 0 when everything validates, 1 otherwise (each failure printed).
"""
import copy
import json
import shutil
import subprocess
import sys
import tempfile

import jsonschema


def strict(schema):
    """The schema with every object that lists its properties closed to others."""
    schema = copy.deepcopy(schema)

    def close(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["unevaluatedProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


def validator(schema, definition):
    root = {"$schema": schema["$schema"], "$defs": schema["$defs"],
            "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(root)


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    indexer, searcher, schema_path, data = argv[1:5]
    documents = argv[5] if len(argv) == 6 else None
    schema = json.load(open(schema_path, encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    strict_schema = strict(schema)
    failures = []
    checked = 0

    def check(what, definition, document):
        nonlocal checked
        checked += 1
        for label, s in (("schema", schema), ("strict schema", strict_schema)):
            for error in validator(s, definition).iter_errors(document):
                path = "/".join(str(p) for p in error.absolute_path) or "(top)"
                failures.append(f"{what}: {label}, {definition} at {path}: {error.message}")

    work = tempfile.mkdtemp(prefix="folio-schema-")
    try:
        db = f"{work}/db"
        synonyms = f"{work}/synonyms.txt"
        with open(synonyms, "w", encoding="utf-8") as f:
            f.write("harbour, port\n")

        def run(program, *args, stdin=None, ok=(0,)):
            r = subprocess.run([program, *args], input=stdin, capture_output=True, text=True)
            if r.returncode not in ok:
                raise SystemExit(f"{program} {' '.join(args)}: exit {r.returncode}: {r.stderr}")
            return r.stdout

        check("folio-indexer --dry-run --json", "index_plan",
              json.loads(run(indexer, "--json", "--dry-run", "--db", db, data)))
        summary = json.loads(run(indexer, "--json", "--db", db, "--synonyms", synonyms, data))
        check("folio-indexer --json", "index_summary", summary)
        check("folio-indexer --json (update)", "index_summary",
              json.loads(run(indexer, "--json", "--db", db, data)))

        searches = [
            ["cocoa"],
            ["--limit", "2", "--offset", "1", "harbour OR cocoa OR nato"],
            ["--facet", "author,tag,source,year,lang", "harbour OR cocoa"],
            ["--explain", "--expand", "3", "\"harbour pilots\" OR grain* OR title:cocoa"],
            ["--collapse", "source", "harbour OR cocoa OR nato"],
            ["--like", "wire-1"],
            ["coccoa"],
            ["--correct", "coccoa"],
            ["--expand-synonyms", "--sort", "-date", "port"],
            ["--boost-recent", "1y", "--reference-date", "20250101", "cocoa OR nato"],
            ["nothingmatchesthis"],
            ["--passages", "3", "harbour NEAR/3 pilots OR shipments ADJ/3 port"],
        ]
        for args in searches:
            out = run(searcher, "--db", db, "--json", *args, ok=(0, 1))
            check("folio-searcher --json " + " ".join(args), "search_result", json.loads(out))
        lines = run(searcher, "--db", db, "--jsonl", "--explain", "harbour OR cocoa").splitlines()
        if not lines:
            failures.append("folio-searcher --jsonl printed no hits")
        for line in lines:
            check("folio-searcher --jsonl", "hit", json.loads(line))
        # A blank line, one of spaces and a CR, and a CRLF line are answered too, the last
        # without a newline at the end of the input.
        batch = run(searcher, "--db", db, "--batch", "--facet", "tag",
                    stdin="cocoa\n(harbour\nnothingmatchesthis\n\n  \r\ncocoa\r\nport",
                    ok=(2,)).splitlines()
        if len(batch) != 7:
            failures.append(f"folio-searcher --batch printed {len(batch)} lines for 7 queries")
        for line in batch:
            check("folio-searcher --batch", "batch_line", json.loads(line))
        if len(batch) == 7:
            for k, what in ((1, "malformed query"), (3, "blank line"), (4, "spaces")):
                check(f"folio-searcher --batch ({what})", "query_error", json.loads(batch[k]))
            for k in (5, 6):
                check("folio-searcher --batch (CRLF, no newline)", "search_result",
                      json.loads(batch[k]))
        # A malformed query with --json or --jsonl prints the error object on stdout.
        for mode in ("--json", "--jsonl"):
            check(f"folio-searcher {mode} (malformed query)", "query_error",
                  json.loads(run(searcher, "--db", db, mode, "(harbour", ok=(2,))))
        shown = run(searcher, "--db", db, "--files", "cocoa").splitlines()[0]
        check("folio-searcher --show --json", "articles",
              json.loads(run(searcher, "--db", db, "--json", "--show", shown)))
        check("folio-searcher --stats --json", "stats",
              json.loads(run(searcher, "--db", db, "--stats", "--json")))
        # The whole schema (its root) is the --json document.
        for error in jsonschema.Draft202012Validator(schema).iter_errors(
                json.loads(run(searcher, "--db", db, "--json", "cocoa"))):
            failures.append(f"folio-searcher --json against the root: {error.message}")
        checked += 1
        if documents:
            paged = f"{work}/documents"
            run(indexer, "--json", "--db", paged, documents)
            result = json.loads(run(searcher, "--db", paged, "--json", "congress"))
            check("folio-searcher --json (documents)", "search_result", result)
            if not any("page" in p for hit in result["hits"] for p in hit["passages"]):
                failures.append("folio-searcher --json (documents): no passage says its page")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for failure in failures:
        print(failure)
    print(f"{checked} documents checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
