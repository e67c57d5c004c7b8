"""Writes the bench's starting directory: N users with ids derived from their userNames (uuid5),
as an atlscim export (NDJSON, for `atlscim serve --seed`) and as the ids list the wrk scripts read.
scim2_server_app.py derives the same ids, so both servers hold the same users under the same ids.

    python3 benches/serve/seed.py N OUT_DIR
"""

import json
import sys
import uuid
from pathlib import Path

NAMESPACE = uuid.UUID("6f1b1c52-8f4e-4a7d-9b43-2f4e8b1d0a11")


def user_id(user_name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, user_name))


def main() -> None:
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with (out / "seed.ndjson").open("w") as seed, (out / "ids.txt").open("w") as ids:
        for i in range(1, n + 1):
            name = f"user{i}@example.com"
            uid = user_id(name)
            record = {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": uid,
                "userName": name,
                "displayName": f"User {i}",
                "name": {"givenName": "User", "familyName": str(i)},
                "emails": [{"value": name, "type": "work", "primary": True}],
                "title": "Engineer",
                "active": True,
                "meta": {"resourceType": "User", "created": "2026-01-01T00:00:00.000Z", "lastModified": "2026-01-01T00:00:00.000Z"},
            }
            seed.write(json.dumps(record) + "\n")
            ids.write(uid + "\n")


if __name__ == "__main__":
    main()
