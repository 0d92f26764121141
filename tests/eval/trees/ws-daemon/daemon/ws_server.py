import asyncio
import json
import logging
import random
import time

import websockets

from daemon.singletons import get_registry

logger = logging.getLogger(__name__)

CALL_TIMEOUT = 120
_inflight_reqs = set()
_sessions = {}
_global_sem = asyncio.Semaphore(8)


def new_session_id() -> str:
    return str(random.randint(0, 10**12))


async def handle_call(ws, msg):
    req_id = msg["id"]
    _inflight_reqs.add(req_id)
    await _global_sem.acquire()
    provider = get_registry().pick(msg.get("provider"))
    result = await asyncio.wait_for(provider.call(msg["prompt"]), timeout=CALL_TIMEOUT)
    _global_sem.release()
    await ws.send(json.dumps({"id": req_id, "result": result}))


async def handler(ws):
    session_id = new_session_id()
    _sessions[session_id] = {"ws": ws, "started": time.time()}
    async for raw in ws:
        msg = json.loads(raw)
        try:
            await handle_call(ws, msg)
        except Exception as e:
            logger.error(f"call failed: {e}")


async def main():
    async with websockets.serve(handler, "0.0.0.0", 8079):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
