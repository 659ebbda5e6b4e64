package vn.gov.lgsp.hub.audit;

/**
 * One exchange with one party, as the audit log records it.
 *
 * @param direction     IN (to the hub), OUT (from the hub) or INTERNAL (a hub decision, e.g. a replay)
 * @param party         onestop, vnpost, vietinbank, zalo, sms, national-portal, police, tax, operator, hub
 * @param correlationId the business key tying related records together (eventId, work id, transId, ...)
 * @param payload       the raw payload; only its digest and a masked copy are stored
 */
public record AuditEntry(
        Direction direction,
        String party,
        String dossierCode,
        String messageType,
        String outcome,
        Long latencyMs,
        String correlationId,
        String payload,
        String detail) {

    public enum Direction { IN, OUT, INTERNAL }

    /**
     * The columns the table requires are never left empty: records are written in group commits, and one record the
     * table refuses would fail every record of its group (other requests' answers included).
     */
    public AuditEntry {
        if (messageType == null || messageType.isBlank()) messageType = "UNKNOWN";
        if (party == null || party.isBlank()) party = "unknown";
        if (outcome == null || outcome.isBlank()) outcome = "UNKNOWN";
        if (direction == null) direction = Direction.INTERNAL;
        // nor too long for their columns (V1__hub_core.sql)
        party = cut(party, 40);
        dossierCode = cut(dossierCode, 64);
        messageType = cut(messageType, 60);
        outcome = cut(outcome, 40);
        correlationId = cut(correlationId, 160);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    public static AuditEntry in(String party, String dossierCode, String messageType, String outcome,
                                String correlationId, String payload) {
        return new AuditEntry(Direction.IN, party, dossierCode, messageType, outcome, null, correlationId, payload, null);
    }

    public static AuditEntry out(String party, String dossierCode, String messageType, String outcome,
                                 Long latencyMs, String correlationId, String payload, String detail) {
        return new AuditEntry(Direction.OUT, party, dossierCode, messageType, outcome, latencyMs, correlationId, payload, detail);
    }

    public static AuditEntry internal(String party, String dossierCode, String messageType, String outcome,
                                      String correlationId, String detail) {
        return new AuditEntry(Direction.INTERNAL, party, dossierCode, messageType, outcome, null, correlationId, null, detail);
    }
}
