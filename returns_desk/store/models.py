"""Every table of the desk in one import, so metadata is complete for migrations."""

from returns_desk.store.tables.audit import AuditEvent, AuditHead, PolicyAssignment, PolicyVersion
from returns_desk.store.tables.care import Complaint, ComplaintEvent, Feedback
from returns_desk.store.tables.catalog import Product, ProductPrice, Register, Store, User
from returns_desk.store.tables.complaint_records import (
    ComplaintDecision,
    ComplaintDispute,
    ComplaintEscalation,
    ComplaintNote,
    ComplaintPause,
    ComplaintRemedy,
    ComplaintSatisfaction,
    CorrectiveAction,
    CorrectiveActionComplaint,
)
from returns_desk.store.tables.prereturns import (
    PreReturn,
    PreReturnCheck,
    PreReturnLine,
    PreReturnLookup,
)
from returns_desk.store.tables.printing import SlipPrint
from returns_desk.store.tables.returns import (
    Exchange,
    RefundTender,
    ReturnLine,
    ReturnTxn,
    Voucher,
    VoucherUse,
)
from returns_desk.store.tables.sales import JournalImport, Sale, SaleLine, Tender

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Complaint",
    "ComplaintDecision",
    "ComplaintDispute",
    "ComplaintEscalation",
    "ComplaintEvent",
    "ComplaintNote",
    "ComplaintPause",
    "ComplaintRemedy",
    "ComplaintSatisfaction",
    "CorrectiveAction",
    "CorrectiveActionComplaint",
    "Exchange",
    "Feedback",
    "JournalImport",
    "PolicyAssignment",
    "PolicyVersion",
    "PreReturn",
    "PreReturnCheck",
    "PreReturnLine",
    "PreReturnLookup",
    "Product",
    "ProductPrice",
    "RefundTender",
    "Register",
    "ReturnLine",
    "ReturnTxn",
    "Sale",
    "SaleLine",
    "SlipPrint",
    "Store",
    "Tender",
    "User",
    "Voucher",
    "VoucherUse",
]
