#!/usr/bin/env python3
"""Writes a realistic directory export as NDJSON request envelopes, for `atlscim check`.

    python3 examples/generate_export.py 150000 > export.ndjson
    cargo run --release -p atlscim-cli -- check --summary-only export.ndjson

The users are shaped like Microsoft Entra ID and Okta create requests (about half each), with
the mistakes connectors really make sprinkled in at a fixed rate: no primary email, a cut-off
address, active sent as "False", the enterprise URN written 2.1, a userName sent twice, an Okta
password and locale. The output is the same for the same arguments (seeded), so runs compare.
"""

import json
import random
import sys
import unicodedata

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GIVEN = ["Adele", "Alex", "Diego", "Grady", "Isaiah", "Johanna", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Patti", "Pradeep", "Barbara", "José", "Zoë", "Mei", "Olumide", "Søren"]
FAMILY = ["Vance", "Wilber", "Siciliani", "Archie", "Langer", "Lauer", "Gu", "Holloway", "Robbins", "Bowen", "Graham", "Wilke", "Fernandez", "Gupta", "Jensen", "García López", "Müller", "Chen", "Adeyemi", "Kierkegaard"]
DEPARTMENTS = ["Retail", "Sales", "Engineering", "HR", "Finance", "Operations", "Legal"]
TITLES = ["Manager", "Engineer", "Analyst", "Designer", "Director", "Consultant"]
ZONES = ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Pacific Standard Time", "Europe/London"]


def ascii_local(s):
    """Directories transliterate names for sign-in addresses: José García → jose.garcia."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().replace(" ", "").lower()


def entra(i, rnd):
    g, f = rnd.choice(GIVEN), rnd.choice(FAMILY)
    upn = f"{ascii_local(g)}.{ascii_local(f)}{i}@contoso.com"
    body = {
        "schemas": [USER, ENTERPRISE],
        "externalId": f"{rnd.getrandbits(128):032x}",
        "userName": upn,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": upn}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{g} {f}", "familyName": f, "givenName": g},
        "displayName": f"{g} {f}",
        "title": rnd.choice(TITLES),
        "roles": [],
        ENTERPRISE: {"department": rnd.choice(DEPARTMENTS)},
    }
    return body


def okta(i, rnd):
    g, f = rnd.choice(GIVEN), rnd.choice(FAMILY)
    login = f"{ascii_local(g)[0]}{ascii_local(f)}{i}@example.com"
    return {
        "schemas": [USER],
        "userName": login,
        "name": {"givenName": g, "familyName": f},
        "emails": [{"primary": True, "value": login, "type": "work"}],
        "displayName": f"{g} {f}",
        "locale": "en-US",
        "timezone": rnd.choice(ZONES),
        "externalId": f"00u{rnd.getrandbits(64):016x}",
        "groups": [],
        "password": "generated-only",
        "active": True,
    }


def broken(body, i, rnd, last_user_name):
    """One of the mistakes connectors make, chosen by i."""
    kind = i % 6
    if kind == 0:
        body["emails"][0].pop("primary", None)
    elif kind == 1:
        body["emails"][0]["value"] = body["emails"][0]["value"].split("@")[0] + "@"
    elif kind == 2:
        body["active"] = "False"
    elif kind == 3 and ENTERPRISE in body:
        body["schemas"][1] = ENTERPRISE.replace("2.0", "2.1")
        body[ENTERPRISE.replace("2.0", "2.1")] = body.pop(ENTERPRISE)
    elif kind == 4 and last_user_name:
        body["userName"] = last_user_name.upper()
    else:
        body["userName"] = ""
    return body


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 150_000
    broken_every = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rnd = random.Random(7643)
    out = sys.stdout
    last = None
    for i in range(count):
        body = entra(i, rnd) if i % 2 == 0 else okta(i, rnd)
        if i % broken_every == broken_every - 1:
            body = broken(body, i // broken_every, rnd, last)
        last = body.get("userName")
        out.write(json.dumps({"method": "POST", "path": "/Users", "body": body}, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
