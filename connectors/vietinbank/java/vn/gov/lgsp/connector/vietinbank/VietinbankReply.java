package vn.gov.lgsp.connector.vietinbank;

/** The hub's answer to an IPN, signed over transId + errorCode + errorDesc. */
public record VietinbankReply(String transId, String errorCode, String errorDesc, String signature) {

    /**
     * Reply codes (the bank defines "00" and "05"; the others are the hub's, documented in the README).
     * The bank retries on "99" and on no answer; every other code is final.
     */
    public enum Code {
        ACCEPTED("00", "Success"),
        BAD_SIGNATURE("01", "Invalid signature"),
        UNKNOWN_CODE("02", "Payment code not found"),
        WRONG_AMOUNT("03", "Amount does not match the amount owed"),
        EXPIRED("04", "Payment code expired or replaced"),
        DUPLICATE("05", "Duplicate transaction"),
        INVALID("06", "Invalid request"),
        ALREADY_PAID("07", "Payment code already paid by another transaction"),
        DEBIT("08", "Debit transaction is not a payment"),
        TRANS_ID_REUSED("09", "Transaction id already applied to another payment"),
        ERROR("99", "Temporary error, retry");

        public final String code;
        public final String desc;

        Code(String code, String desc) {
            this.code = code;
            this.desc = desc;
        }
    }
}
