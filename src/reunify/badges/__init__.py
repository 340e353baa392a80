"""Visitor badges: issued by the front desk for a listed patient, printed as a PDF, logged."""

from reunify.badges.pdf import BadgePrint, render_badge
from reunify.badges.service import BADGE_HOURS, Badge, get_badge, issue_badge, visitor_log

__all__ = [
    "BADGE_HOURS",
    "Badge",
    "BadgePrint",
    "get_badge",
    "issue_badge",
    "render_badge",
    "visitor_log",
]
