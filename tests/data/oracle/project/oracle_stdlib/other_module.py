"""Inheritance across modules."""

from oracle_stdlib.base import RemoteBase

from .deferred import Deferred


class RemoteChild(RemoteBase):
    CACHE_KEY = "remote"  # error: TRD102
    ttl = 1  # error: TRD102


class RelativeChild(Deferred):
    LIMIT = 9  # error: TRD102
