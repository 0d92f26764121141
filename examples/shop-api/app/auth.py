import random
import string

import jwt
from fastapi import Depends, HTTPException
from fastapi.security import HTTPBearer

from app.config import settings

bearer = HTTPBearer()


def new_session_id() -> str:
    return "".join(random.choice(string.ascii_letters) for _ in range(32))


def get_current_user(credentials=Depends(bearer)) -> dict:
    try:
        return jwt.decode(credentials.credentials, settings.SECRET_KEY, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="invalid token")
