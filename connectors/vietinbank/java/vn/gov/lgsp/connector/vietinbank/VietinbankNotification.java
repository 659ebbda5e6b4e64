package vn.gov.lgsp.connector.vietinbank;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The balance-change notification (IPN) the bank POSTs; every field is a string on the wire. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VietinbankNotification(
        String msgId, String providerId, String transId, String transTime, String transType, String custCode,
        String sendBankId, String sendAcctId, String sendAcctName, String recvAcctId, String recvAcctName,
        String recvVirtualAcctId, String recvVirtualAcctName, String amount, String bankTransId, String remark,
        String currencyCode, String signature) {

    public VietinbankNotification withSignature(String sig) {
        return new VietinbankNotification(msgId, providerId, transId, transTime, transType, custCode, sendBankId,
                sendAcctId, sendAcctName, recvAcctId, recvAcctName, recvVirtualAcctId, recvVirtualAcctName, amount,
                bankTransId, remark, currencyCode, sig);
    }

    public VietinbankNotification withAmount(String newAmount) {
        return new VietinbankNotification(msgId, providerId, transId, transTime, transType, custCode, sendBankId,
                sendAcctId, sendAcctName, recvAcctId, recvAcctName, recvVirtualAcctId, recvVirtualAcctName, newAmount,
                bankTransId, remark, currencyCode, signature);
    }

    /** A copy safe for the audit log: the payer's name and account are personal data. */
    public VietinbankNotification masked() {
        return new VietinbankNotification(msgId, providerId, transId, transTime, transType, custCode, sendBankId,
                maskTail(sendAcctId), initials(sendAcctName), recvAcctId, recvAcctName, recvVirtualAcctId,
                recvVirtualAcctName, amount, bankTransId, remark, currencyCode, signature);
    }

    static String maskTail(String s) {
        if (s == null || s.length() <= 4) return s == null ? null : "****";
        return "*".repeat(s.length() - 4) + s.substring(s.length() - 4);
    }

    static String initials(String name) {
        if (name == null || name.isBlank()) return name;
        StringBuilder sb = new StringBuilder();
        for (String w : name.trim().split("\\s+")) sb.append(sb.length() > 0 ? " " : "").append(w.charAt(0)).append("***");
        return sb.toString();
    }
}
