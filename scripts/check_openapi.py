"""Validates the server's OpenAPI document with an independent implementation (openapi-spec-validator)."""
import json
import sys

from openapi_spec_validator import validate

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    spec = json.load(f)
validate(spec)
print(f"openapi: {path} is a valid OpenAPI {spec['openapi']} document with {len(spec['paths'])} paths")
