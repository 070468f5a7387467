"""A sync process for the SIGKILL test: deliver every event of a file, then replay; print progress.

Run as ``python -m tests.sync._worker DB SAP_URL SHOP_URL EVENTS_JSON``.
"""

from __future__ import annotations

import json
import sys
import time

from identity.adapters import SapB1Client, ShopifyClient
from identity.sync import SqliteStore, SyncService
from tests.adapters.conftest import sap_settings, shopify_settings
from tests.sync.conftest import SECRET


def main(argv: list[str]) -> int:
    db, sap_url, shop_url, events_path = argv
    with open(events_path, encoding="utf-8") as f:
        events = json.load(f)
    with (
        SqliteStore(db) as store,
        SapB1Client(sap_settings(sap_url, retry_attempts=1)) as erp,
        ShopifyClient(shopify_settings(shop_url, retry_attempts=1)) as shop,
    ):
        # A short claim: after a SIGKILL, the item the killed process was running waits this long.
        service = SyncService(store, shop, erp, webhook_secrets=[SECRET], backoff_base=0.0, claim_seconds=0.5)
        for headers, body in events:
            service.handle_webhook(headers, body.encode())
            print("event", flush=True)
        report = service.replay()
        for _ in range(20):  # an item a killed run held is due again once its claim lapses
            if not report.remaining:
                break
            time.sleep(0.2)
            report = service.replay()
        print(f"done {report.remaining}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
