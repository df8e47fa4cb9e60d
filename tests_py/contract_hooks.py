"""Schemathesis hooks for the contract test: scenarios are TOML text, sent as the string they are."""
import schemathesis

schemathesis.serializer.alias("application/toml", "text/plain")
