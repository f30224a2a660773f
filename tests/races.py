"""One way to run a race in tests (CONVENTIONS.md, "Race tests"): real threads, each with its own
database connection, released together by a barrier.

    outcomes = run_together(lambda i: services.approve_shipment(shipment, actor=approvers[i]), 4)
    assert len(successes(outcomes)) == 1
    assert len(errors(outcomes, of_type=TransitionNotAllowed)) == 3

Run these on PostgreSQL in transactional tests (`django_db(transaction=True)` / `transactional_db`):
every thread opens its own connection, so it sees only committed rows, and SQLite would serialise them.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections

START_TIMEOUT = 30  # seconds for every thread to reach the barrier (50 threads start well within it)
JOIN_TIMEOUT = 120  # seconds for all of them to finish; a thread still running then has hung


@dataclass(frozen=True)
class Outcome:
    """What thread `index` got: the value `work(index)` returned, or the exception it raised."""

    index: int
    value: Any = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_together(work: Callable[[int], Any], count: int, *, start_timeout: float = START_TIMEOUT,
                 join_timeout: float = JOIN_TIMEOUT) -> list[Outcome]:
    """Run `work(i)` in `count` threads released together; → their outcomes in thread order.

    Each thread closes its database connections when done. Fails the test if a thread is still
    running after `join_timeout` seconds (a deadlock or a lock wait that never ends)."""
    barrier = threading.Barrier(count)
    outcomes: list[Outcome | None] = [None] * count

    def main(i):
        try:
            barrier.wait(timeout=start_timeout)
            outcomes[i] = Outcome(i, value=work(i))
        except Exception as exc:  # noqa: BLE001 - the losers' refusals; the test asserts on them
            outcomes[i] = Outcome(i, error=exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=main, args=(i,), name=f"race-{i}", daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + join_timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = [thread.name for thread in threads if thread.is_alive()]
    assert not hung, f"{len(hung)} of {count} threads still running after {join_timeout} s: {hung}"
    return outcomes


def successes(outcomes: list[Outcome]) -> list[Any]:
    """The values returned by the threads that succeeded, in thread order."""
    return [outcome.value for outcome in outcomes if outcome.ok]


def errors(outcomes: list[Outcome], of_type: type[Exception] | tuple[type[Exception], ...] = Exception,
           ) -> list[Exception]:
    """The exceptions raised by the threads that failed (only those of `of_type` if given), in thread order."""
    return [outcome.error for outcome in outcomes if not outcome.ok and isinstance(outcome.error, of_type)]
