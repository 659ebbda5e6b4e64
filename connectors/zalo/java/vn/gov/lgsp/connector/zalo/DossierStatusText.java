package vn.gov.lgsp.connector.zalo;

/** The national dossier status codes (TrangThaiHoSo 1..10) in the words a citizen reads, and what comes next. */
public final class DossierStatusText {
    private DossierStatusText() {}

    public static String status(int code) {
        return switch (code) {
            case 1 -> "mới tiếp nhận trực tuyến";
            case 2 -> "đã tiếp nhận";
            case 3 -> "không được tiếp nhận";
            case 4 -> "đang xử lý";
            case 5 -> "cần bổ sung giấy tờ";
            case 6 -> "chờ thực hiện nghĩa vụ tài chính";
            case 7 -> "đã rút hồ sơ";
            case 8 -> "đã dừng xử lý";
            case 9 -> "đã có kết quả";
            case 10 -> "đã trả kết quả";
            default -> "đang xử lý";
        };
    }

    public static String nextStep(int code) {
        return switch (code) {
            case 1, 2, 4 -> "cơ quan đang thẩm định, Ông/Bà sẽ được báo khi có kết quả";
            case 3, 7, 8 -> "hồ sơ đã kết thúc, liên hệ Bộ phận Một cửa nếu cần";
            case 5 -> "nộp giấy tờ bổ sung tại Bộ phận Một cửa hoặc trực tuyến";
            case 6 -> "nộp phí, lệ phí theo thông báo";
            case 9 -> "nhận kết quả theo hình thức đã đăng ký";
            case 10 -> "không cần làm gì thêm";
            default -> "chờ thông báo tiếp theo";
        };
    }
}
