#!/usr/bin/env python3
"""Flattens the directory vectors (tests/vectors/directory/*.json and the Entra ID and Okta replays
in examples/replays/, tests/vectors/README.md "Kinds") into records test_directory_vectors.c reads
without a JSON parser. Usage: flatten_directory_vectors.py FILE... > directory_vectors.txt

A file whose kind is not "directory", or a case of a form this runner does not know (an unknown or
missing key: the table KEYS), stops the flattening with exit status 1: a misspelt key must not
switch an assertion off.

The output starts with "atlscim-directory-vectors 1 <number of cases>\\n", then each case is a run
of records "<tag> <length>\\n<length bytes>\\n" (the format of flatten_vectors.py):

  case          the case's name, first
  config        the profile config as JSON text ("{}" when the case has none)
  step          empty; starts a step, followed by its records:
  method, path  the request's method and path ("{name}" stands for a value an earlier step saved)
  body          the body text exactly as sent, "{name}" not yet substituted (absent: no body)
  header        "<name>\\n<value>", once per header: the step's headers, or Content-Type
                application/scim+json when it has a body and none
  status        the expected HTTP status
  expect-body   the expected body, canonical (keys sorted, no spaces), "{name}" not yet substituted;
                the answer must contain it (objects by key, arrays element by element, same length)
  absent        a JSON pointer that must not resolve in the answer, once per pointer
  save          "<name>\\n<pointer>": the string at the pointer in the answer, for later steps
  end           empty; ends the case
"""

import json
import pathlib
import sys

from flatten_vectors import Buffer, canonical, dump, get, has, load, record, shape_problems, text_of

#: Every key a directory vector may use (inputs, bodies and configs are data).
KEYS = {
    "file": ["kind", "description", "cases"],
    "directory": ["name", "config?", "steps"],
    "directory.steps[]": ["request", "expect", "save?"],
    "directory.steps[].request": ["method", "path", "body?", "headers?"],
    "directory.steps[].expect": ["status", "body?", "absent?"],
}


def problems(case):
    out = shape_problems("directory", case, KEYS)
    for step in get(case, "steps") or []:
        out += shape_problems("directory.steps[]", step, KEYS)
        out += shape_problems("directory.steps[].request", get(step, "request"), KEYS)
        out += shape_problems("directory.steps[].expect", get(step, "expect"), KEYS)
    return out


def flatten(case, out):
    record(out, "case", get(case, "name"))
    config = get(case, "config")
    record(out, "config", "{}" if config is None else dump(config))
    for step in get(case, "steps"):
        request, expect = get(step, "request"), get(step, "expect")
        record(out, "step", "")
        record(out, "method", get(request, "method"))
        record(out, "path", get(request, "path"))
        body = get(request, "body")
        if has(request, "body"):
            record(out, "body", text_of(body))  # a string body is the raw body text itself
        headers = get(request, "headers")
        if headers is not None:
            for name, value in headers:
                record(out, "header", f"{name}\n{value}")
        elif has(request, "body"):
            record(out, "header", "Content-Type\napplication/scim+json")
        record(out, "status", dump(get(expect, "status")))
        if has(expect, "body"):
            record(out, "expect-body", canonical(get(expect, "body")))
        for pointer in get(expect, "absent") or []:
            record(out, "absent", pointer)
        for name, pointer in get(step, "save") or []:
            record(out, "save", f"{name}\n{pointer}")
    record(out, "end", "")


def main():
    files = [pathlib.Path(p) for p in sys.argv[1:]]
    if not files:
        sys.exit("usage: flatten_directory_vectors.py FILE...")
    found, cases = [], []
    for f in sorted(files):
        v = load(f.read_text(encoding="utf-8"))
        found += [f"{f.name}: {p}" for p in shape_problems("file", v, KEYS)]
        if get(v, "kind") != "directory":
            found.append(f"{f.name}: kind {get(v, 'kind')!r} is not directory")
            continue
        for case in get(v, "cases"):
            found += [f"{f.name}: {get(case, 'name')!r}: {p}" for p in problems(case)]
            cases.append(case)
    if found:
        print("\n".join(["flatten_directory_vectors: vectors of a form the C runner does not know:"] + found),
              file=sys.stderr)
        sys.exit(1)
    out = Buffer()
    for case in cases:
        flatten(case, out)
    sys.stdout.buffer.write(f"atlscim-directory-vectors 1 {len(cases)}\n".encode("ascii") + out.getvalue())


if __name__ == "__main__":
    main()
