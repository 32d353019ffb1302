"""The JSON API of 组织关系转接 under /api/v1/transfers/."""

from ninja import Router

router = Router(tags=["transfers"])
