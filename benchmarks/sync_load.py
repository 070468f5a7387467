"""Load benchmark for :class:`identity.sync.SyncService` against the loopback SAP and Shopify fakes.

Run from the project root (needs the test extra and ``../shared/reference`` for the Shopify fake)::

    python -m benchmarks.sync_load [--seconds 60] [--partners 1200] [--voice-share 0.05] [--workers 1]
                                   [--json out.json]

The fakes run in a child process (so they do not share this process's interpreter lock) and are served on
127.0.0.1 over real HTTP (persistent HTTP/1.1 connections, as the service's HTTP clients keep them to the
real Service Layer and Shopify). This process pushes a stream of signed webhooks and voice orders through
one service over a fresh SQLite file, one after another (the next event starts when the previous one has
its answer), as fast as it can, for ``--seconds``:

- 40 % ``customers/create`` of a customer the ERP knows (found by email -> ``linked``),
- 20 % ``customers/create`` of a new customer (ERP partner created -> ``created``),
- 30 % ``customers/update`` of a customer seen before (already linked: the ERP partner read by key, and
  patched when its contact fields differ),
- 10 % redeliveries of an earlier webhook (answered from the store),
- and ``--voice-share`` of all events are voice orders (Shopify lookup, ERP discount, draft order).

With ``--workers N`` (default 1) there are N such streams in N threads, each with its own service,
store connection, HTTP clients and customers, over the one SQLite file (events partitioned by customer, as
docs/sync.md allows for several services); the default measures one service handling one event at a time.

It reports events per second overall and per 10-second window (the minimum shows whether the rate is
sustained), the CPU this process spent per event (the service's own cost, without the fakes) and the CPU
the fakes' process spent per event, latency percentiles per event, overall and per kind of event (wall
clock around ``handle_webhook`` / ``handle_voice_order``), the outcomes, and checks that nothing is left
queued. The load average before the run is reported too: other work on the machine slows it down. It exits
with status 1 if any event ended queued, rejected or dead-lettered.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


def _serve_fakes(conn: Connection, partners: int) -> None:
    from tests.adapters.conftest import serve
    from tests.adapters.fakes.sap_b1 import SPECIALS, WritableSapFake, generate_partners
    from tests.adapters.fakes.shopify import ShopifyFake

    sap = WritableSapFake(partners=generate_partners(partners) + [dict(p) for p in SPECIALS])
    with serve(sap) as sap_url, serve(ShopifyFake()) as shop_url:
        emails = [p["EmailAddress"] for p in sap.partners if p["CardType"] == "cCustomer" and p["EmailAddress"]]
        conn.send((sap_url, shop_url, emails))
        conn.recv()  # "go": the workers start now
        cpu = time.process_time()
        conn.recv()  # wait for "stop"
        conn.send({"erp_partners_created": len(sap.created), "erp_posts": sap.posts,
                   "cpu_seconds": time.process_time() - cpu})


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _percentiles_ms(values: list[float]) -> dict[str, float]:
    return {q: round(_quantile(values, p) * 1000, 2)
            for q, p in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))}


def _worker(
    index: int, seconds: float, voice_share: float, seed: int, db: Path, urls: tuple[str, str],
    erp_emails: list[str], out: list[dict[str, Any]],
) -> None:
    """One worker: its own service, connections and customers (events are partitioned by customer)."""
    from identity.adapters import SapB1Client, ShopifyClient, Timeouts
    from identity.sync import SqliteStore, SyncService
    from tests.adapters.conftest import sap_settings, shopify_settings
    from tests.sync.conftest import SECRET, webhook

    rng = random.Random(seed * 1000 + index)
    sap_url, shop_url = urls
    latencies: list[float] = []
    kinds: list[str] = []
    finished: list[float] = []
    outcomes: Counter[str] = Counter()
    with (
        SqliteStore(db) as store,
        SapB1Client(sap_settings(sap_url, timeouts=Timeouts())) as erp,
        ShopifyClient(shopify_settings(shop_url, timeouts=Timeouts())) as shop,
    ):
        service = SyncService(store, shop, erp, webhook_secrets=[SECRET])
        seen: list[tuple[dict[str, str], bytes]] = []
        customers: list[dict[str, Any]] = []
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            n += 1
            uid = index * 100_000_000 + n
            if rng.random() < voice_share:
                order = {"idempotency_key": f"call-{uid}", "email": rng.choice(erp_emails),
                         "line_items": [{"variant_id": "gid://shopify/ProductVariant/1", "quantity": 1}]}
                label = "voice_order"
                t0 = time.perf_counter()  # latency: the service's call alone, not building the event
                result = service.handle_voice_order(order)
            else:
                kind = rng.random()
                if kind < 0.1 and seen:
                    label = "redelivery"
                    headers, body = rng.choice(seen)
                elif kind < 0.4 and customers:
                    label = "update"
                    payload = {**rng.choice(customers), "note": f"update {uid}"}
                    headers, body = webhook("customers/update", payload, f"w-{uid}")
                else:
                    label = "create_known" if kind < 0.8 else "create_new"
                    email = rng.choice(erp_emails) if kind < 0.8 else f"new{uid}@example.org"
                    payload = {"id": 9_000_000_000 + uid, "email": email, "first_name": "Load",
                               "last_name": f"Test{uid}", "phone": None}
                    customers.append(payload)
                    headers, body = webhook("customers/create", payload, f"w-{uid}")
                seen.append((headers, body))
                t0 = time.perf_counter()
                result = service.handle_webhook(headers, body)
            t1 = time.perf_counter()
            latencies.append(t1 - t0)
            kinds.append(label)
            finished.append(t1 - start)
            outcomes[result.outcome.value] += 1
        replay = service.replay()
    out.append({"latencies": latencies, "kinds": kinds, "finished": finished, "outcomes": outcomes,
                "elapsed": time.perf_counter() - start, "replay": replay.__dict__})


def run(seconds: float, partners: int, voice_share: float, seed: int, workers: int = 1) -> dict[str, Any]:
    from identity.sync import Outcome, SqliteStore

    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=_serve_fakes, args=(child, partners), daemon=True)
    proc.start()
    sap_url, shop_url, erp_emails = parent.recv()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sync.db"
        SqliteStore(db).close()  # create the schema once, before the workers race for it
        threads = [
            threading.Thread(target=_worker, args=(i, seconds, voice_share, seed, db, (sap_url, shop_url),
                                                   erp_emails, results))
            for i in range(workers)
        ]
        load_before = os.getloadavg()
        parent.send("go")
        cpu = time.process_time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cpu = time.process_time() - cpu
        with SqliteStore(db) as store:
            final = store.outcome_counts()
            rejected = Counter(e.reason for e in store.events() if e.outcome is Outcome.REJECTED)
    parent.send("stop")
    fake_counts = parent.recv()
    proc.join(timeout=10)
    latencies = [x for r in results for x in r["latencies"]]
    by_kind: dict[str, list[float]] = {}
    for r in results:
        for label, latency in zip(r["kinds"], r["latencies"], strict=True):
            by_kind.setdefault(label, []).append(latency)
    finished = [x for r in results for x in r["finished"]]
    elapsed = max(r["elapsed"] for r in results)
    outcomes: Counter[str] = sum((r["outcomes"] for r in results), Counter())
    windows = [sum(1 for f in finished if w <= f < w + 10) / 10 for w in range(0, int(elapsed) - 9, 10)]
    return {
        "workers": workers,
        "seconds": round(elapsed, 2),
        "events": len(latencies),
        "events_per_second": round(len(latencies) / elapsed, 1),
        "min_10s_window_events_per_second": min(windows) if windows else None,
        "events_per_second_by_10s_window": windows,
        "latency_ms": _percentiles_ms(latencies),
        "latency_ms_by_kind": {label: {"n": len(values), **_percentiles_ms(values)}
                               for label, values in sorted(by_kind.items())},
        # CPU of this process only (service, store, HTTP clients; the fakes run in the child process):
        # the service's own cost per event, and the rate one core could sustain at that cost.
        "client_cpu_ms_per_event": round(cpu / len(latencies) * 1000, 2),
        "client_cpu_bound_events_per_second": round(len(latencies) / cpu, 1),
        # CPU of the fakes' process (SAP and Shopify servers) over the same run.
        "fake_cpu_ms_per_event": round(fake_counts.pop("cpu_seconds") / len(latencies) * 1000, 2),
        "first_answers": dict(outcomes),
        "stored_outcomes": final,
        "rejections": dict(rejected),
        "queued_left_after_replay": final.get(Outcome.QUEUED.value, 0),
        "replays": [r["replay"] for r in results],
        "fake": fake_counts,
        "machine": {"cpus": mp.cpu_count(), "python": sys.version.split()[0],
                    "load_average_before": [round(x, 2) for x in load_before]},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--partners", type=int, default=1200, help="ERP business partners in the fake")
    p.add_argument("--voice-share", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=1,
                   help="threads, each with its own service and customers (events partitioned by customer)")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = p.parse_args(argv)
    results = run(args.seconds, args.partners, args.voice_share, args.seed, args.workers)
    text = json.dumps(results, indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    unfinished = {o: n for o, n in results["stored_outcomes"].items()
                  if o in ("queued", "rejected", "dead_lettered")}
    if unfinished:
        print(f"not every event ended linked, created or needs_review: {unfinished}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
