"""servicekit.batching: concurrent calls joined, each answered its own results in order, groups kept apart."""

import asyncio

from servicekit.batching import Batcher


async def test_calls_that_wait_go_out_together_each_answered_its_own_and_groups_apart():
    sent: list[list[str]] = []
    release = asyncio.Event()

    async def send(items: list[str]) -> list[str]:
        sent.append(list(items))
        await release.wait()
        return [item.upper() for item in items]

    batcher: Batcher[str, str] = Batcher(send, in_flight=1, max_items=3)
    calls = [asyncio.create_task(batcher([item], group=item[0])) for item in ("a1", "a2", "b1", "a3", "a4", "a5")]
    await asyncio.sleep(0.01)
    release.set()
    assert [call.result() if call.done() else await call for call in calls] == [
        ["A1"], ["A2"], ["B1"], ["A3"], ["A4"], ["A5"]]
    # a1 alone (nothing was out); then the a's that waited, at most three; b1 on its own; the last a.
    assert sent == [["a1"], ["a2", "a3", "a4"], ["b1"], ["a5"]]


async def test_a_failed_send_fails_every_call_it_carried_and_not_the_others():
    async def send(items: list[int]) -> list[int]:
        await asyncio.sleep(0.01)
        if 2 in items:
            raise RuntimeError("down")
        return items

    batcher: Batcher[int, int] = Batcher(send, in_flight=1)
    results = await asyncio.gather(*(batcher([n]) for n in (1, 2, 3)), return_exceptions=True)
    assert results[0] == [1]
    assert all(isinstance(r, RuntimeError) for r in results[1:])  # 2 and 3 went out together
