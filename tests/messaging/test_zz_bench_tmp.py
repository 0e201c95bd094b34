import time
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import ingest
from messaging.ingest import IncomingMessage, record_messages

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_bench(org, number):
    pages = []
    for p in range(5):
        pages.append([IncomingMessage(uuid=f"m-{p}-{n}", own_number=number.number,
                                      source=f"+1310555{n:04d}", destinations=[number.number],
                                      text="hi", status="RECEIVED",
                                      sent_at=T0 + timedelta(minutes=p * 100 + n))
                      for n in range(100)])
    cpu = time.process_time()
    with CaptureQueriesContext(connection) as q:
        for page in pages:
            record_messages(organization=org, incoming=page)
    print("\nCPU", time.process_time() - cpu, "queries", len(q))
