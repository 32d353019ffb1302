"""Sinking units and in-service members' JSON API under /api/v1/units/."""

from ninja import Router

router = Router(tags=["units"])
