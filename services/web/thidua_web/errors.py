"""How refusals become pages: in Vietnamese, with the backend's rule, and never a 500 for
anything a backend answered. A form page catches RuleRefused and Invalid itself (to keep the
clerk's input); these handlers are for everything else."""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from thidua_events.body_limit import RULE as BODY_RULE
from thidua_events.body_limit import ASGIApp, Receive, Scope, Send
from thidua_events.rules_vi import rule_message

from thidua_web.clients import BackendRefused, Forbidden, NotFound, RuleRefused, ServiceBusy
from thidua_web.clocks import ClockInvalid
from thidua_web.jobs import RETRY_AFTER_SECONDS, TooManyJobs
from thidua_web.session import CsrfRefused, SignInNeeded, asked_for, sign_in_url, sign_out
from thidua_web.templating import render

TITLES = {
    403: "Không được phép",
    404: "Không tìm thấy",
    409: "Sổ cái không chấp nhận",
    422: "Dữ liệu không hợp lệ",
    413: "Dữ liệu gửi lên quá lớn",
    429: "Quá nhiều lần thử",
}
# The routes that take a file, each allowed the upload limit (WEB_MAX_UPLOAD_BYTES).
UPLOAD_PATHS = ("/proposals/import", "/audit/digest/check")


def size_vi(size: int) -> str:
    """A size in bytes as a clerk reads it: MB from one MB up, else KB, with a decimal comma
    (a limit under a megabyte printed as "0 MB" said the form could take nothing)."""
    unit, scale = ("MB", 1024 * 1024) if size >= 1024 * 1024 else ("KB", 1024)
    return f"{size / scale:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"


def body_too_large(limit: int) -> ASGIApp:
    """The page for a form above `limit` bytes (thidua_events.body_limit): it was not read."""
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = render(request, "error.html", {
            "title": "Dữ liệu gửi lên quá lớn",
            "message": f"{rule_message(BODY_RULE)} Giới hạn của biểu mẫu này: {size_vi(limit)}.",
            "rule": BODY_RULE,
        }, status_code=413)
        await response(scope, receive, send)

    return page


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    def _sign_in(request: Request, error: SignInNeeded) -> Response:
        sign_out(request)  # a token the ledger refuses is worth nothing: forget it
        back = error.next_url or (asked_for(request) if request.method == "GET" else "/")
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": sign_in_url(back)})
        return RedirectResponse(sign_in_url(back), status_code=303)

    @app.exception_handler(CsrfRefused)
    def _csrf(request: Request, _: CsrfRefused) -> HTMLResponse:
        return render(request, "error.html", {
            "title": "Phiên làm việc không khớp",
            "message": "Biểu mẫu này đã cũ hoặc không gửi từ trang của hệ thống. Hãy tải lại trang rồi gửi lại.",
        }, status_code=403)

    @app.exception_handler(ServiceBusy)
    def _busy(request: Request, error: ServiceBusy) -> HTMLResponse:
        response = render(request, "error.html", {
            "title": "Hệ thống đang bận",
            "message": "Dịch vụ đang bận hoặc tạm thời không trả lời. Vui lòng thử lại sau ít phút.",
        }, status_code=503)
        response.headers["Retry-After"] = str(error.retry_after or 2)
        return response

    @app.exception_handler(TooManyJobs)
    def _too_many_jobs(request: Request, error: TooManyJobs) -> HTMLResponse:
        whose = "Bạn đang có" if error.of_owner else "Hệ thống đang chạy"
        response = render(request, "error.html", {
            "title": "Đang có quá nhiều việc dài",
            "message": f"{whose} {error.running} việc dài (đọc danh sách đề nghị, ban hành nhiều văn bản) "
                       "chưa xong. Hãy chờ một việc xong rồi thử lại.",
        }, status_code=429)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.exception_handler(BackendRefused)
    def _refused(request: Request, error: BackendRefused) -> HTMLResponse:
        rule = error.rule if isinstance(error, Forbidden | RuleRefused) else _named_rule(error)
        return render(request, "error.html", {
            "title": TITLES.get(error.status, "Không thực hiện được"),
            "message": _message(error), "rule": rule, "detail": error.detail,
        }, status_code=error.status)

    @app.exception_handler(ClockInvalid)
    def _clock(request: Request, error: ClockInvalid) -> HTMLResponse:
        request.state.clocks = None  # the links of the error page leave the broken clock out
        return render(request, "error.html", {
            "title": "Mốc thời gian không hợp lệ", "message": f"{error.parameter}: {error.message}",
        }, status_code=400)


def _named_rule(error: BackendRefused) -> str | None:
    """The rule a backend named in another refusal (body-within-size-limit's 413)."""
    rule = error.body.get("rule") if isinstance(error.body, dict) else None
    return rule if isinstance(rule, str) and rule else None


def _message(error: BackendRefused) -> str:
    if isinstance(error, Forbidden):
        return "Tài khoản của bạn không có quyền thực hiện việc này."
    if isinstance(error, NotFound):
        return "Sổ cái không có mục này."
    if isinstance(error, RuleRefused):
        return "Sổ cái từ chối vì vi phạm một quy tắc."
    if (rule := _named_rule(error)) is not None:
        return rule_message(rule)
    return "Yêu cầu không thực hiện được."
