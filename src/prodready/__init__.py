"""prodready: is this service ready for production, and exactly what must change?"""

__version__ = "0.1.0"

from prodready.api import audit  # noqa: E402
from prodready.model import AuditReport, Finding  # noqa: E402

__all__ = ["AuditReport", "Finding", "__version__", "audit"]
