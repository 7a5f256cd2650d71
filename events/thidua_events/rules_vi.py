"""What each refusal rule of the ledger and the documents service says to a clerk, in Vietnamese.

The services answer a broken rule with 409 (403 for the scope) and its name, `{"rule": "…"}`;
pages show `rule_message(name)` at the top of the form, with the name itself for the record.
A new rule needs its line here: `tests/unit/test_rules_vi.py` collects every rule name from
the services' code and fails on one without a message."""

RULES_VI: dict[str, str] = {
    # Every fact
    "effective-date-not-in-future": "Ngày hiệu lực không được sau ngày hôm nay.",
    "register-once": "Mục này đã được đăng ký; mỗi mục chỉ đăng ký một lần.",
    "entity-must-exist": "Sổ cái không có mục được nêu (đơn vị, cụm, cá nhân hoặc quyết định).",
    "optimistic-concurrency": "Trong lúc bạn nhập, người khác đã ghi thêm vào mục này. Hãy tải lại rồi ghi lại.",
    "write-within-granted-scope": "Tài khoản của bạn không được giao quyền ghi cho cơ quan hoặc cụm thi đua này.",
    "body-within-size-limit": "Dữ liệu gửi lên quá lớn; không có gì được ghi. Hãy gửi ít dữ liệu hơn "
                              "(chia thành nhiều lần) hoặc dùng tệp nhỏ hơn.",
    "stored-history-consistent": "Dữ liệu đã lưu của mục này bị sửa bên ngoài sổ cái nên không đọc hoặc ghi được; "
                                 "không có gì được ghi. Hãy báo quản trị viên chạy ledger verify để tìm các dòng "
                                 "bị sửa.",
    "idempotency-key-names-one-request": "Biểu mẫu này đã được gửi với nội dung khác. Hãy mở lại biểu mẫu rồi gửi.",
    # Units and people (đơn vị, cán bộ)
    "unit-name-unique-per-authority": "Cơ quan đã có một đơn vị mang tên này; nếu đúng là đơn vị khác, "
                                      "hãy ghi rõ lý do.",
    "authority-must-exist": "Cơ quan chưa được đăng ký vào ngày này.",
    "unit-must-exist": "Vào ngày này đơn vị chưa được đăng ký, hoặc đã giải thể hay sáp nhập: không thể có "
                       "hoạt động mới.",
    "end-once": "Đơn vị này đã giải thể hoặc sáp nhập rồi.",
    "end-after-registration": "Ngày giải thể hoặc sáp nhập phải sau ngày đăng ký đơn vị.",
    "rename-after-current-name": "Ngày đổi tên phải sau ngày của tên hiện tại.",
    "rename-changes-name": "Tên mới trùng với tên hiện tại của đơn vị.",
    "merge-into-another-unit": "Đơn vị không thể sáp nhập vào chính nó.",
    "posting-after-current-posting": "Ngày thay đổi phải sau ngày của cấp bậc, chức vụ hiện tại.",
    # Clusters (cụm thi đua)
    "cluster-must-exist": "Cụm thi đua chưa được thành lập vào ngày này.",
    "open-year-after-formation": "Cụm chưa được thành lập vào năm hoặc ngày này: không thể mở năm thi đua.",
    "join-once": "Đơn vị đã là thành viên của cụm vào ngày này.",
    "join-after-formation": "Đơn vị không thể tham gia cụm trước ngày thành lập cụm.",
    "one-cluster-per-authority-at-a-time": "Đơn vị đang là thành viên của một cụm khác cùng cơ quan; "
                                           "hãy ghi nhận đơn vị rời cụm đó trước.",
    "leave-as-member": "Đơn vị không phải thành viên của cụm vào ngày này.",
    "leave-after-joining": "Ngày rời cụm phải sau ngày tham gia cụm.",
    "count-members-once": "Số đơn vị thành viên của năm này đã được ghi nhận.",
    "one-working-group-per-year": "Tổ giúp việc của năm này đã được thành lập.",
    "member-of-cluster-in-year": "Đơn vị không phải thành viên của cụm trong năm thi đua này.",
    "cluster-award-to-members": "Đối tượng khen thưởng không thuộc đơn vị thành viên của cụm trong năm này.",
    # Rotating flag (cờ luân lưu)
    "flag-handovers-in-order": "Cờ luân lưu đã được bàn giao cho năm này hoặc năm sau đó.",
    "flag-giver-was-a-member": "Đơn vị trao cờ không phải thành viên của cụm.",
    "only-holder-hands-over-flag": "Chỉ đơn vị đang giữ cờ luân lưu mới được bàn giao cờ.",
    "hand-over-after-receiving-flag": "Ngày bàn giao cờ phải sau ngày đơn vị nhận cờ.",
    # Emulation year (năm thi đua)
    "open-year-once": "Năm thi đua này của cụm đã được mở.",
    "fact-names-its-year": "Sự kiện không thuộc năm thi đua này của cụm.",
    "closed-year-accepts-only-corrections-with-reason": "Năm thi đua đã khóa sổ: chỉ nhận đính chính có nêu lý do.",
    "adopt-a-drafted-pledge": "Chưa có dự thảo giao ước thi đua để thông qua.",
    "adopt-after-drafting": "Ngày thông qua giao ước phải từ ngày dự thảo trở đi.",
    "adopt-once": "Giao ước thi đua đã được thông qua.",
    "sign-an-adopted-pledge": "Giao ước thi đua chưa được thông qua nên chưa thể ký.",
    "sign-after-adoption": "Ngày ký phải từ ngày thông qua giao ước trở đi.",
    "sign-after-drafting": "Ngày ký phải từ ngày dự thảo giao ước trở đi.",
    "sign-once": "Đơn vị đã ký giao ước thi đua.",
    "adopt-criteria-once": "Tiêu chí, thang điểm của năm đã được thông qua.",
    "criterion-codes-unique": "Mã tiêu chí bị trùng: mỗi tiêu chí một mã.",
    "launch-drive-once": "Đợt thi đua này đã được phát động.",
    "count-drives-once": "Số đợt thi đua của năm đã được ghi nhận.",
    "close-a-launched-drive": "Đợt thi đua này chưa được phát động.",
    "close-drive-once": "Đợt thi đua này đã kết thúc.",
    "close-after-launch": "Ngày kết thúc đợt phải từ ngày phát động trở đi.",
    "one-mid-year-review": "Sơ kết 6 tháng của năm đã được ghi nhận.",
    "one-year-end-review": "Tổng kết năm đã được ghi nhận.",
    # Scores (chấm điểm)
    "score-id-unique": "Điểm này đã được ghi nhận.",
    "score-an-adopted-criterion": "Mã tiêu chí không có trong tiêu chí, thang điểm đã thông qua.",
    "score-within-maximum": "Số điểm vượt quá điểm tối đa của tiêu chí.",
    "score-a-leaf-criterion": "Chỉ chấm điểm tiêu chí chi tiết nhất (tiêu chí không có tiêu chí thành phần).",
    "cross-score-by-another-member": "Chấm chéo phải do một đơn vị thành viên khác chấm.",
    "self-score-by-the-unit": "Điểm tự chấm phải do chính đơn vị đó chấm.",
    "one-self-score-per-unit-and-criterion": "Đơn vị đã tự chấm tiêu chí này; hãy sửa điểm đã chấm.",
    "one-cross-score-per-inspector-unit-and-criterion": "Đơn vị chấm chéo đã chấm tiêu chí này cho đơn vị này; "
                                                        "hãy sửa điểm đã chấm.",
    "total-within-scale": "Tổng điểm vượt quá tổng điểm của thang điểm.",
    "correction-references-a-score": "Điểm cần sửa không có trong năm thi đua này.",
    "correct-the-current-value": "Điểm này đã được sửa; hãy sửa giá trị hiện hành.",
    "correction-after-the-score": "Ngày sửa điểm phải từ ngày chấm điểm trở đi.",
    # Ballots, honours, election (bỏ phiếu, suy tôn, bầu cụm trưởng)
    "ballot-once": "Cuộc bỏ phiếu này đã được ghi nhận.",
    "honour-names-a-ballot": "Cuộc bỏ phiếu được nêu chưa được ghi nhận.",
    "honour-after-the-ballot": "Ngày suy tôn phải từ ngày bỏ phiếu trở đi.",
    "honoured-unit-is-a-candidate": "Đơn vị được suy tôn không có trong kết quả bỏ phiếu.",
    "honour-reaches-the-ballot-threshold": "Đơn vị được suy tôn không đạt tỷ lệ phiếu theo quy chế của cụm.",
    "elect-once": "Cụm trưởng, cụm phó năm sau đã được bầu.",
    "election-at-or-after-year-end-review": "Bầu cụm trưởng, cụm phó tại hoặc sau hội nghị tổng kết năm; "
                                            "hãy ghi nhận tổng kết năm trước.",
    # Awards (khen thưởng)
    "award-kind-registered-once": "Cơ quan đã có hình thức khen thưởng này.",
    "award-kind-in-catalogue": "Hình thức khen thưởng chưa có trong danh mục của cơ quan.",
    "award-year-not-after-decree": "Năm khen thưởng không được sau năm ký quyết định.",
    "decree-number-unique-per-authority-and-year": "Số quyết định đã được dùng trong năm này của cơ quan.",
    "one-achievement-one-award": "Một thành tích không khen thưởng hai lần: đối tượng đã được khen hình thức "
                                 "này cho năm này.",
    "revoke-a-standing-award": "Khen thưởng này không còn hiệu lực (đã bị thu hồi).",
    "revoke-a-conferral": "Quyết định bị thu hồi phải là quyết định khen thưởng.",
    "revoked-by-the-conferring-authority": "Chỉ cấp đã quyết định khen thưởng mới có thẩm quyền thu hồi quyết định đó.",
    "revocation-matches-conferral": "Hình thức và năm khen thưởng phải trùng với quyết định bị thu hồi.",
    "revoke-after-the-decree": "Quyết định thu hồi không thể có trước quyết định khen thưởng.",
    "revoke-a-conferred-recipient": "Đối tượng không có trong quyết định khen thưởng bị thu hồi.",
    # Corrections (đính chính, hủy bỏ)
    "correction-gives-its-reason": "Đính chính hoặc hủy bỏ phải nêu lý do.",
    "correct-a-recorded-fact": "Sự kiện cần đính chính không có trong sổ cái.",
    "correct-the-fact-in-force": "Sự kiện này đã được đính chính hoặc hủy; hãy sửa bản đang có hiệu lực.",
    "decrees-are-revoked-not-corrected": "Quyết định không đính chính được; hãy ban hành quyết định thu hồi.",
    "access-is-revoked-not-corrected": "Quyền truy cập không đính chính được; hãy thu hồi quyền.",
    "correction-keeps-the-fact-type": "Bản đính chính phải cùng loại sự kiện với bản gốc.",
    "correction-stays-on-its-entity": "Bản đính chính phải thuộc cùng đối tượng với bản gốc.",
    "correction-changes-something": "Bản đính chính không khác gì bản gốc.",
    "first-fact-is-corrected-not-retracted": "Sự kiện đầu tiên của một mục chỉ đính chính được, không hủy được.",
    "correction-keeps-what-depends-on-it": "Một sự kiện ghi sau phụ thuộc vào sự kiện này; hãy đính chính sự kiện "
                                           "đó trước.",
    # Access (quyền truy cập)
    "grant-once": "Tài khoản đã có quyền này.",
    "revoke-a-held-grant": "Tài khoản không có quyền này để thu hồi.",
    "revoke-after-grant": "Ngày thu hồi quyền phải từ ngày cấp quyền trở đi.",
    "revoke-once": "Token này đã bị thu hồi.",
    "disable-once": "Tài khoản này đã bị khóa.",
    # Documents: the registers and the catalogue of legal texts (sổ văn bản, căn cứ pháp lý)
    "issuing-body-registered-once": "Cơ quan ban hành đã được đăng ký; ký hiệu và cách đánh số chỉ đặt một lần.",
    "issuing-body-symbol-unique": "Ký hiệu này đã thuộc một cơ quan ban hành khác.",
    "one-number-one-document": "Số văn bản này đã được cấp cho văn bản khác.",
    "book-runs-forward-in-time": "Số văn bản đi theo thứ tự và ngày ban hành: ngày này không khớp với các văn bản "
                                 "đã vào sổ.",
    "party-book-runs-per-term": "Ngày văn bản không thuộc nhiệm kỳ nào đã đăng ký của cấp ủy; "
                                "hãy đăng ký nhiệm kỳ trước.",
    "party-term-ends-after-it-starts": "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu.",
    "party-terms-never-overlap": "Nhiệm kỳ này trùng thời gian với một nhiệm kỳ đã đăng ký.",
    "party-term-ended-once": "Nhiệm kỳ này đã kết thúc.",
    "party-term-holds-its-documents": "Nhiệm kỳ không thể kết thúc trước ngày của văn bản đã đánh số trong nhiệm kỳ.",
    "legal-basis-precedes-document": "Căn cứ pháp lý ban hành sau văn bản: văn bản không thể dẫn văn bản ban hành sau.",
    "legal-basis-in-force": "Căn cứ pháp lý không có hiệu lực vào ngày của văn bản.",
    "legal-instrument-registered-once": "Văn bản pháp luật số này đã có trong danh mục.",
    "legal-instrument-in-force-span": "Ngày hết hiệu lực không được trước ngày có hiệu lực.",
    "sign-only-what-was-issued": "Tệp văn bản đang lưu không phải tệp đã ban hành (đã bị thay đổi): "
                                 "không ký số; hãy khôi phục tệp đã ban hành.",
    # Accounts, managed by an admin.
    "account-name-unique": "Tên tài khoản này đã có; hãy chọn tên khác.",
    "account-must-exist": "Không có tài khoản nào mang tên này.",
    # The auditor's digests.
    "digest-of-an-intact-chain-only": "Không thể ký bản tóm lược: chuỗi băm của sổ cái không còn nguyên vẹn.",
    "digest-needs-a-configured-key": "Máy chủ sổ cái chưa được cấu hình khóa ký bản tóm lược.",
    "digest-signed-by-this-ledger": "Bản tóm lược không mang chữ ký hợp lệ của sổ cái này, hoặc đã bị sửa.",
}

UNKNOWN_RULE = "Yêu cầu vi phạm một quy tắc của hệ thống."


def rule_message(rule: str | None) -> str:
    """The clerk's sentence for a rule (a general one for a name not in the table)."""
    return RULES_VI.get(rule or "", UNKNOWN_RULE)
