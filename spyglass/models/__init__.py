"""Typed models that cross module boundaries.

Flow: ``ScanOptions`` goes into capture; capture returns a ``RawCapture`` (what the browser saw,
nothing concluded; ``raw.py``); analysis turns a ``RawCapture`` plus ``TaskInfo`` into a
``Report`` (``result.py``: the urlscan.io result document, plus Spyglass's own keys) made of
typed sections (``sections.py``). The service and the worker keep ``jobs.py``'s records.

Report models serialise with camelCase names (``model_dump(by_alias=True)``) because that is the
urlscan document's spelling; Python code uses snake_case.
"""

from spyglass.models.jobs import (
    ClaimedJob,
    ScanRecord,
    ScanRequest,
    ScanStatus,
    Visibility,
)
from spyglass.models.raw import (
    BlockedConnection,
    ClipboardWrite,
    ConsoleMessage,
    Cookie,
    CookieSpec,
    Dialog,
    Download,
    Failure,
    FailureReason,
    Favicon,
    Isolation,
    JSGlobal,
    Navigation,
    Popup,
    RawCapture,
    ScanOptions,
    TLSDetails,
    Transaction,
    Viewport,
    WalletCall,
    tls_origin,
)
from spyglass.models.result import (
    Report,
)
from spyglass.models.sections import (
    Certificate,
    Form,
    FormInput,
    Identifier,
    Link,
    Lists,
    Page,
    Pivots,
    Place,
    Redirect,
    ReportModel,
    Task,
    TaskInfo,
    Technology,
)

__all__ = [
    "BlockedConnection",
    "Certificate",
    "ClaimedJob",
    "ClipboardWrite",
    "ConsoleMessage",
    "Cookie",
    "CookieSpec",
    "Dialog",
    "Download",
    "Failure",
    "FailureReason",
    "Favicon",
    "Form",
    "FormInput",
    "Identifier",
    "Isolation",
    "JSGlobal",
    "Link",
    "Lists",
    "Navigation",
    "Page",
    "Pivots",
    "Place",
    "Popup",
    "RawCapture",
    "Redirect",
    "Report",
    "ReportModel",
    "ScanOptions",
    "ScanRecord",
    "ScanRequest",
    "ScanStatus",
    "TLSDetails",
    "Task",
    "TaskInfo",
    "Technology",
    "Transaction",
    "Viewport",
    "Visibility",
    "WalletCall",
    "tls_origin",
]
