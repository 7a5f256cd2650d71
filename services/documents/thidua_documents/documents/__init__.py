"""The kinds of document the service renders: each names its template, its type symbol
(Phụ lục III), the request model the clerk fills, and how it reads the facts."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thidua_documents.documents import decree, minutes, pledge, report
from thidua_documents.documents.base import DocumentRequest, MissingData, Prepared
from thidua_documents.snapshot import Snapshot


@dataclass(frozen=True)
class Kind:
    name: str
    request_model: type[DocumentRequest]
    prepare: Callable[[Snapshot, dict[str, str], Any], Prepared]
    subject_keys: tuple[str, ...]


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("decree", decree.DecreeRequest, decree.prepare, ("decree_id",)),
    Kind("review-minutes", minutes.ReviewMinutesRequest, minutes.prepare_review, ("cluster_id", "year")),
    Kind("pledge-minutes", minutes.PledgeMinutesRequest, minutes.prepare_pledge_minutes, ("cluster_id", "year")),
    Kind("pledge", pledge.PledgeRequest, pledge.prepare, ("cluster_id", "year")),
    Kind("flag-handover-minutes", minutes.FlagMinutesRequest, minutes.prepare_flag, ("cluster_id", "year")),
    Kind("report", report.ReportRequest, report.prepare_report, ("cluster_id", "year")),
    Kind("proposal", report.ProposalRequest, report.prepare_proposal, ("proposal_id",)),
)}



def request_for(kind_name: str, data: dict[str, Any]) -> DocumentRequest:
    """A stored request as its model: a decree drafted from a proposal has its own."""
    if kind_name == "decree" and "proposal_id" in data:
        return decree.NewDecreeRequest.model_validate(data)
    return KINDS[kind_name].request_model.model_validate(data)


__all__ = ["KINDS", "DocumentRequest", "Kind", "MissingData", "Prepared", "request_for"]
