"""The JSON API of 政治生日 under /api/v1/birthdays/."""

from ninja import Router

router = Router(tags=["birthdays"])
