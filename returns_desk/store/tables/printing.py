"""Every slip the desk printed or saved, so reprints are numbered and marked COPY."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from returns_desk.store.tables._base import time_field


class SlipPrint(SQLModel, table=True):
    """One slip output: where the PDF went, which printer, and whether printing worked.
    ``copy_no`` 0 is the original; a printer error is recorded here, never lost."""

    __tablename__ = "slip_print"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # return | exchange | voucher | complaint | defect-tag
    reference: str = Field(index=True)
    copy_no: int = 0
    paper: str
    path: str
    printer: str | None = None
    status: str  # saved | printed | print_failed
    job: str = ""
    error: str = ""
    printed_by: int = Field(foreign_key="user.id")
    printed_at: datetime = time_field()
