"""What the credits operations share: the one router they register on (tagged
``credits``), so tags and operation order are as when this package was one module.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["credits"])
