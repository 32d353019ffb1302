"""The party chain's JSON API under /api/v1/party/."""

from ninja import Router

router = Router(tags=["party"])
