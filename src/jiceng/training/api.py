"""The JSON API of 党员教育培训 under /api/v1/training/."""

from ninja import Router

router = Router(tags=["training"])
