"""The JSON API of 三会一课与组织生活会议 under /api/v1/meetings/."""

from ninja import Router

router = Router(tags=["meetings"])
