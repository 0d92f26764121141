import asyncio

from openai import AsyncOpenAI

from app.config import settings

client = AsyncOpenAI(api_key=settings.OPENAI_API_KEY)
_summaries = {}


async def summarise(order_id: str, text: str) -> str:
    reply = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": text}]
    )
    _summaries[order_id] = reply.choices[0].message.content
    return _summaries[order_id]


def summarise_later(order_id: str, text: str) -> None:
    asyncio.create_task(summarise(order_id, text))
