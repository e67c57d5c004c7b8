"""A small, real connector: sync people and a group from a JSON file into an Atlassian directory.

    python examples/connector/sync_to_atlassian.py BASE_URL TOKEN [people.json]

BASE_URL is the directory's SCIM base URL (``https://api.atlassian.com/scim/directory/{id}``, or
a local ``atlscim serve``). Each user is checked with atlscim before it is sent; existing users are
found by userName (the one user filter Atlassian answers besides externalId) and replaced with PUT;
the group is created or its members patched with adds and removes. It waits on 429 as
``classify_response`` says, retries 5xx, and survives the 409-after-retry trap: a create whose
answer was lost is found by userName when the retry answers 409. Only the standard library and
atlscim are used.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import atlscim

USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Atlassian:
    """The directory's HTTP API, with waits and retries."""

    def __init__(self, base_url: str, token: str, attempts: int = 5) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.attempts = attempts
        self.sent = 0

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(self.attempts):
            request = urllib.request.Request(self.base_url + path, data=data, method=method)
            request.add_header("Authorization", f"Bearer {self.token}")
            request.add_header("Accept", "application/scim+json")
            if data is not None:
                request.add_header("Content-Type", "application/scim+json")
            self.sent += 1
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    raw = response.read()
                    return response.status, json.loads(raw) if raw else None
            except urllib.error.HTTPError as e:
                raw = e.read()
                verdict = atlscim.classify_response(e.code, raw, list(e.headers.items()))
                if verdict.retryable and attempt + 1 < self.attempts:
                    time.sleep(min(verdict.retry_after or 0.05 * 2**attempt, 5.0))
                    continue
                return e.code, json.loads(raw) if raw else None
            except (urllib.error.URLError, ConnectionError) as e:
                # No answer at all: the request may or may not have been applied. Retry; a create
                # that was applied answers 409, which the caller resolves.
                if attempt + 1 < self.attempts:
                    continue
                raise RuntimeError(f"{method} {path}: no answer ({e})") from e
        raise RuntimeError(f"{method} {path}: gave up after {self.attempts} attempts")

    def find(self, kind: str, attribute: str, value: str) -> dict[str, Any] | None:
        query = urllib.parse.quote(f'{attribute} eq "{value}"')
        status, body = self.call("GET", f"/{kind}?filter={query}")
        if status != 200:
            raise RuntimeError(f"looking up {value}: {status} {body}")
        resources = body.get("Resources", [])
        return resources[0] if resources else None


def scim_user(person: dict[str, str]) -> dict[str, Any]:
    return {
        "schemas": [USER_URN],
        "userName": person["email"],
        "externalId": person["id"],
        "name": {"givenName": person["first"], "familyName": person["last"]},
        "displayName": f"{person['first']} {person['last']}",
        "title": person.get("title", ""),
        "emails": [{"value": person["email"], "type": "work", "primary": True}],
        "active": True,
    }


def sync(base_url: str, token: str, people: dict[str, Any], verified_domains: list[str] | None = None) -> dict[str, Any]:
    """Makes the directory hold ``people``; returns what it did."""
    api = Atlassian(base_url, token)
    profile = atlscim.Profile(verified_domains=verified_domains or [])
    done: dict[str, Any] = {"created": [], "updated": [], "refused": [], "groups": {}}
    ids: dict[str, str] = {}
    for person in people["users"]:
        user = scim_user(person)
        report = profile.check("POST", "/Users", user)
        if not report.valid:
            done["refused"].append({"user": person["email"], "issues": [str(i) for i in report.issues]})
            continue
        existing = api.find("Users", "userName", user["userName"])
        if existing is None:
            status, body = api.call("POST", "/Users", report.normalized)
            if status == 409:
                # Our earlier attempt was applied but its answer lost: the user is there.
                body = api.find("Users", "userName", user["userName"])
                status = 201 if body else status
            if status != 201:
                raise RuntimeError(f"creating {user['userName']}: {status} {body}")
            done["created"].append(user["userName"])
        else:
            status, body = api.call("PUT", f"/Users/{existing['id']}", report.normalized)
            if status != 200:
                raise RuntimeError(f"updating {user['userName']}: {status} {body}")
            done["updated"].append(user["userName"])
        ids[person["email"]] = body["id"]
    for group in people.get("groups", []):
        wanted = {ids[m] for m in group["members"] if m in ids}
        existing = api.find("Groups", "displayName", group["name"])
        if existing is None:
            body = {"schemas": [GROUP_URN], "displayName": group["name"], "members": [{"value": i} for i in sorted(wanted)]}
            status, answer = api.call("POST", "/Groups", body)
            if status == 409:
                existing = api.find("Groups", "displayName", group["name"])
            elif status != 201:
                raise RuntimeError(f"creating group {group['name']}: {status} {answer}")
        if existing is not None:
            have = {m["value"] for m in existing.get("members", [])}
            ops: list[dict[str, Any]] = []
            if wanted - have:
                ops.append({"op": "add", "path": "members", "value": [{"value": i} for i in sorted(wanted - have)]})
            ops += [{"op": "remove", "path": f'members[value eq "{i}"]'} for i in sorted(have - wanted)]
            if ops:
                status, answer = api.call("PATCH", f"/Groups/{existing['id']}", {"schemas": [PATCH_URN], "Operations": ops})
                if status != 200:
                    raise RuntimeError(f"updating group {group['name']}: {status} {answer}")
        done["groups"][group["name"]] = sorted(wanted)
    done["requests"] = api.sent
    return done


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    path = argv[3] if len(argv) == 4 else __file__.rsplit("/", 1)[0] + "/people.json"
    with open(path, encoding="utf-8") as f:
        people = json.load(f)
    print(json.dumps(sync(argv[1], argv[2], people), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
