"""The server every load generator is measured against: one uvicorn worker, a small JSON answer."""

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def item(request):  # type: ignore[no-untyped-def]
    return JSONResponse({"id": 1, "name": "lamp", "price": 12.5})


app = Starlette(routes=[Route("/item", item)])
