"""The request's client address, available to services without passing the request around."""

from contextvars import ContextVar

client_address: ContextVar[str] = ContextVar("client_address", default="")
