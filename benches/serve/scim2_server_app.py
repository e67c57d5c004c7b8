"""python-scim's scim2-server as a WSGI app for gunicorn, seeded like atlscim serve in the bench:
the same N users (BENCH_USERS) under the same ids (uuid5 of the userName, seed.py), in each
worker's own in-memory storage (scim2-server keeps state per process), behind a bearer token.

    gunicorn -w 2 -b 127.0.0.1:PORT 'scim2_server_app:app'
"""

import os
import uuid
from typing import Any

from scim2_models import ScimProvider, User
from scim2_server.memory import InMemoryStorage
from scim2_server.service import ScimService
from scim2_server.testserver.application import BEARER_TOKEN_SCHEME, BearerTokenApplication
from scim2_server.utils import load_default_resource_types, load_default_schemas, load_default_service_provider_config

from seed import user_id


class SeededStorage(InMemoryStorage):
    """Ids from the userName, so both workers and atlscim hold the same ids."""

    def generate_id(self, resource_type: Any, resource: Any) -> str:
        name = getattr(resource, "user_name", None)
        return user_id(name) if name else str(uuid.uuid4())


def build() -> BearerTokenApplication:
    config = load_default_service_provider_config()
    config.authentication_schemes = [*(config.authentication_schemes or []), BEARER_TOKEN_SCHEME]
    provider = ScimProvider.from_discovery(load_default_schemas().values(), load_default_resource_types().values(), config=config)
    storage = SeededStorage()
    user_type = next(rt for rt in provider.resource_types if rt.name == "User")
    model = provider.get_model_by_resource_type(user_type) if hasattr(provider, "get_model_by_resource_type") else User
    for i in range(1, int(os.environ.get("BENCH_USERS", "1000")) + 1):
        name = f"user{i}@example.com"
        storage.create(user_type, model.model_validate({
            "userName": name, "displayName": f"User {i}", "name": {"givenName": "User", "familyName": str(i)},
            "emails": [{"value": name, "type": "work", "primary": True}], "title": "Engineer", "active": True}))
    service = ScimService(provider, secret=os.environ.get("SCIM2_SERVER_SECRET", "bench-secret"))
    return BearerTokenApplication(storage, provider, service=service, bearer_tokens=[os.environ.get("BENCH_TOKEN", "t")])


app = build()
