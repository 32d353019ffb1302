"""The JSON API of 发展党员 under /api/v1/development/."""

from ninja import Router

router = Router(tags=["development"])
