"""django-axes with two limits: per account, and (higher) per client address.

``AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]`` makes axes count failures per
account and per address, but it compares the larger count with one limit: ten failures
from one address would lock out every account signing in from it (a clinic behind NAT).
This handler locks an account at ``AXES_FAILURE_LIMIT`` and an address at
``CMEPATH_AXES_ADDRESS_FAILURE_LIMIT``. The address is the client's as seen through the
trusted proxies (``accounts.clientip``), never the proxy's.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AxesHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The account's failures, or the account limit once the address passed its own."""
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.CMEPATH_AXES_ADDRESS_FAILURE_LIMIT:
            return max(int(per_account), int(get_failure_limit(request, credentials)))
        return int(per_account)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """A successful sign-in clears that account's failures only.

        Axes would also clear every failure from the address, letting someone with an
        account reset the count against another account by signing in between guesses.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)
