"""A test-only in-process consumer for `nara worker` (loaded with NARA_WORKER_PLUGINS).

`test.recorder` inserts each event it is given into `test_pubsub_consumed`, a table the crash
test creates without any unique constraint, so a duplicate effect would be counted. With
`NARA_TEST_HANG_AT=N` it hangs inside its transaction once it has inserted the N-th row,
after touching the file `NARA_TEST_HANG_FILE`: the test then kills the worker there.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.exchange.pubsub import Event

TABLE_SQL = "CREATE TABLE test_pubsub_consumed (event_id BIGINT NOT NULL, pid INTEGER NOT NULL)"


def record(session: Session, event: Event) -> None:
    session.execute(
        text("INSERT INTO test_pubsub_consumed (event_id, pid) VALUES (:event, :pid)"),
        {"event": event.id, "pid": os.getpid()},
    )
    hang_at = int(os.environ.get("NARA_TEST_HANG_AT", "0"))
    if hang_at:
        rows = session.execute(text("SELECT count(*) FROM test_pubsub_consumed")).scalar_one()
        if rows >= hang_at:
            Path(os.environ["NARA_TEST_HANG_FILE"]).write_text(str(event.id))
            time.sleep(120)


CONSUMERS = {"test.recorder": record}
