"""Complete requests for every document of the test world: with them nothing is missing, so
each issues with a number and no placeholder. Tests leave parts out to see the refusal."""

from typing import Any

from tests.documents.world import SIGNER_2019, World

SECRETARY = "Trung tá Lê Thị Thư"
MEETING = {"secretary": SECRETARY, "started_at": "08 giờ 00", "ended_at": "11 giờ 30",
           "discussion": ["Các đơn vị thống nhất với báo cáo."]}


def decree(world: World, **over: Any) -> dict[str, Any]:
    return {"legal_basis_ids": [world.law], "proposer": "Trưởng phòng Tổ chức cán bộ",
            "award_money": "Tiền thưởng theo quy định; nguồn kinh phí: quỹ thi đua, khen thưởng",
            "executors": "Chánh Văn phòng và các đơn vị có tên tại Điều 1", **over}


def review_minutes(**over: Any) -> dict[str, Any]:
    return {**MEETING, "report": ["Đồng chí Trưởng phòng Tham mưu trình bày báo cáo tổng kết."],
            "next_pledge": ["Hội nghị thống nhất nội dung giao ước năm 2020."], **over}


def pledge_minutes(**over: Any) -> dict[str, Any]:
    return {**MEETING, "chair": SIGNER_2019, "venue": "Hội trường Phòng Tham mưu", **over}


def flag_minutes(**over: Any) -> dict[str, Any]:
    return {"giver_representative": "Đại tá Trần Văn Giao", "receiver_representative": "Đại tá Phạm Văn Nhận",
            "ended_at": "11 giờ 45", **over}


def report(**over: Any) -> dict[str, Any]:
    return {"signer": "Đại tá Nguyễn Văn Báo", "signer_title": "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG",
            "results": ["Hoàn thành các chỉ tiêu công tác năm 2019."], "lessons": ["Bám sát chỉ đạo."], **over}


def pledge(**over: Any) -> dict[str, Any]:
    return {"targets": [{"content": "Tỷ lệ điều tra, khám phá án", "unit": "%", "plan": "80"}],
            "titles": ["Cờ thi đua của Bộ Công an"], **over}


def proposal(**over: Any) -> dict[str, Any]:
    return {"signer": "Đại tá Nguyễn Văn Trình", "signer_title": "TRƯỞNG PHÒNG",
            "attachments": ["Báo cáo thành tích", "Biên bản bình xét"], **over}


def cluster_year(world: World, year: int = 2019) -> str:
    return f"/documents/clusters/{world.cluster}/years/{year}"


def every_document(world: World) -> list[tuple[str, dict[str, Any]]]:
    """(path, request) of every kind the world can issue, each complete, in the order of their
    dates (a book runs forward in time)."""
    year = cluster_year(world)
    return [
        (f"/documents/decrees/{world.decree_2016}", decree(world)),
        (f"{year}/pledge-minutes", pledge_minutes()),
        (f"{year}/pledge", pledge()),
        (f"{year}/review-minutes", review_minutes()),
        (f"{year}/flag-handover-minutes", flag_minutes()),
        (f"{year}/report", report()),
        (f"/documents/proposals/{world.proposal_2019}", proposal()),
    ]
