"""The JSON API under /api/v1: one router per resource."""

from fastapi import APIRouter

from reunify.web.api import (
    audit,
    auth,
    centre,
    facilities,
    incidents,
    inquiries,
    match,
    movements,
    people,
    pfif,
    safe,
    subscriptions,
    tasks,
)

router = APIRouter()
router.include_router(auth.router)
router.include_router(incidents.router)
router.include_router(facilities.router)
router.include_router(people.router)
router.include_router(movements.router)
router.include_router(inquiries.router)
router.include_router(safe.router)
router.include_router(subscriptions.router)
router.include_router(tasks.router)
router.include_router(audit.router)
router.include_router(match.router)
router.include_router(pfif.router)
router.include_router(centre.router)
