#!/usr/bin/env python3
"""Validates an export's fhir-bundle.json with an independent validator: the R4 models of
the PyPI package fhir.resources 6.4.0 (pydantic 1), installed by scripts/setup.sh into
target/fhir-venv. Beyond the models it checks what makes a transaction bundle safe to post
twice: every entry creates conditionally (POST with ifNoneExist on the resource's own UUID
identifier) or updates conditionally (PUT Type?identifier=...), ids match full URLs, and
every urn:uuid reference points at an entry of the bundle.

Prints the number of resources per type as JSON; exits 1 naming the first problem."""
import json
import sys

from fhir.resources.bundle import Bundle


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def references(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)


def main(path):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    try:
        bundle = Bundle.parse_obj(raw)
    except Exception as e:  # pydantic.ValidationError names the element
        fail(f"not a valid FHIR R4 Bundle: {e}")
    if bundle.type != "transaction":
        fail(f"bundle type is {bundle.type}, not transaction")
    full_urls = set()
    kinds = {}
    for n, entry in enumerate(raw.get("entry", [])):
        res = entry["resource"]
        rid = res["id"]
        url = entry["fullUrl"]
        if url != f"urn:uuid:{rid}":
            fail(f"entry {n}: fullUrl {url} is not urn:uuid:{rid}")
        if url in full_urls:
            fail(f"entry {n}: {url} appears twice")
        full_urls.add(url)
        own = f"identifier=urn:ietf:rfc:3986|urn:uuid:{rid}"
        ids = [i.get("value") for i in res.get("identifier", [])]
        if f"urn:uuid:{rid}" not in ids:
            fail(f"entry {n}: {res['resourceType']} {rid} does not carry its UUID as an identifier")
        req = entry["request"]
        if req["method"] == "POST":
            if req.get("ifNoneExist") != own or req["url"] != res["resourceType"]:
                fail(f"entry {n}: POST {req['url']} is not a conditional create on {own}")
        elif req["method"] == "PUT":
            if req["url"] != f"{res['resourceType']}?{own}":
                fail(f"entry {n}: PUT {req['url']} is not a conditional update on {own}")
        else:
            fail(f"entry {n}: method {req['method']}")
        kinds[res["resourceType"]] = kinds.get(res["resourceType"], 0) + 1
    for entry in raw.get("entry", []):
        for ref in references(entry["resource"]):
            if ref.startswith("urn:uuid:") and ref not in full_urls:
                fail(f"{entry['fullUrl']} refers to {ref}, which is not in the bundle")
    print(json.dumps(kinds, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
