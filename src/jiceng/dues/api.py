"""The JSON API of 党费 under /api/v1/dues/."""

from ninja import Router

router = Router(tags=["dues"])
