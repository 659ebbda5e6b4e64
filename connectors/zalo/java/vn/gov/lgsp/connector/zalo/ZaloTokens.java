package vn.gov.lgsp.connector.zalo;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.hub.audit.AuditChain;
import vn.gov.lgsp.hub.audit.AuditEntry;
import vn.gov.lgsp.hub.audit.AuditLog;

/**
 * The OA access token. Zalo's refresh token works once (reuse answers -14020), so a refresh is done only while
 * holding the zalo_token row lock (SELECT ... FOR UPDATE): across all hub instances one refresh at a time, and
 * whoever waited on the lock finds the fresh token already stored and uses it. The rotated refresh token is
 * written in the same transaction as the new access token. Tokens are refreshed {@code refresh-before} their
 * expiry, and at once when Zalo calls the one we used invalid or expired.
 */
@Component
public class ZaloTokens {
    private static final Logger log = LoggerFactory.getLogger(ZaloTokens.class);

    private record Token(String access, Instant expiresAt) {}

    /** What asking Zalo for a token gave: the token, or Zalo's refusal (its error code and name). */
    private record Refresh(Token token, String refusal) {}

    private final ZaloProperties props;
    private final ZaloApi api;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditLog audit;
    private final Clock clock;
    private final AtomicReference<Token> cached = new AtomicReference<>();

    public ZaloTokens(ZaloProperties props, ZaloApi api, JdbcTemplate jdbc, TransactionTemplate tx, AuditLog audit,
                      @Qualifier("zaloClock") Clock clock) {
        this.props = props;
        this.api = api;
        this.jdbc = jdbc;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    /** A valid access token, refreshing it first when it is missing or about to expire. */
    public String accessToken() {
        Token t = cached.get();
        if (fresh(t)) return t.access();
        return refreshUnlessDone(null);
    }

    /** Zalo refused {@code rejected}: refresh, unless another sender (here or on another instance) already did. */
    public String replace(String rejected) {
        return refreshUnlessDone(rejected);
    }

    /** Refreshes ahead of expiry even when nothing is being sent. */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT1M")
    @SchedulerLock(name = "zalo-token-refresh-ahead") // one instance at a time (vn.gov.lgsp.hub.cluster.SingletonJobs)
    public void refreshAhead() {
        try {
            if (!fresh(cached.get()) && jdbc.queryForObject("SELECT count(*) FROM zalo_token", Integer.class) > 0) {
                refreshUnlessDone(null);
            }
        } catch (Exception e) {
            log.warn("zalo token refresh ahead of expiry failed: {}", e.getMessage());
        }
    }

    private boolean fresh(Token t) {
        return t != null && t.access() != null && t.expiresAt().minus(props.getRefreshBefore()).isAfter(clock.instant());
    }

    /** In-process callers queue on the monitor so the database lock sees one waiter per instance. */
    private synchronized String refreshUnlessDone(String rejected) {
        Token mine = cached.get();
        if (fresh(mine) && !mine.access().equals(rejected)) return mine.access();
        // a refusal is committed (the seeded token's record with it) before it is thrown
        Refresh outcome = tx.execute(status -> {
            if (jdbc.update("INSERT INTO zalo_token (id, refresh_token) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                    props.getInitialRefreshToken()) > 0) {
                markSeeded(props.getInitialRefreshToken());
            }
            Map<String, Object> row = jdbc.queryForMap(
                    "SELECT access_token, access_expires_at, refresh_token FROM zalo_token WHERE id = 1 FOR UPDATE");
            String access = (String) row.get("access_token");
            Timestamp expires = (Timestamp) row.get("access_expires_at");
            Token stored = access == null ? null : new Token(access, expires.toInstant());
            if (fresh(stored) && !stored.access().equals(rejected)) {
                return new Refresh(stored, null); // another instance refreshed while we waited for the lock
            }
            Refresh refreshed = refresh((String) row.get("refresh_token"));
            if (refreshed.refusal() != null && markSeeded(props.getInitialRefreshToken())) {
                // the stored token is dead; the operator has configured one never used before: recover with it
                log.warn("zalo refused the stored refresh token ({}); trying the newly configured one", refreshed.refusal());
                refreshed = refresh(props.getInitialRefreshToken());
            }
            return refreshed;
        });
        if (outcome.refusal() != null) {
            throw new ZaloApi.ZaloUnavailableException("Zalo token refresh refused: " + outcome.refusal()
                    + " (configure a new refresh token from the Zalo console: HUB_ZALO_REFRESH_TOKEN, then restart)", null);
        }
        cached.set(outcome.token());
        return outcome.token().access();
    }

    /** One refresh call: the new token, stored with the rotated refresh token, or Zalo's refusal. */
    private Refresh refresh(String refreshToken) {
        long started = System.nanoTime();
        JsonNode answer = api.refresh(refreshToken);
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (!answer.hasNonNull("access_token") || !answer.hasNonNull("refresh_token")) {
            String error = (answer.path("error").asText() + " " + answer.path("error_name").asText()).strip();
            audit.record(AuditEntry.out("zalo", null, "TOKEN_REFRESH", "FAILED", ms, null, null, error));
            return new Refresh(null, error);
        }
        Instant expiresAt = clock.instant().plusSeconds(answer.path("expires_in").asLong(90_000));
        jdbc.update("UPDATE zalo_token SET access_token = ?, access_expires_at = ?, refresh_token = ?, refreshed_at = now(),"
                + " refresh_count = refresh_count + 1 WHERE id = 1",
                answer.get("access_token").asText(), Timestamp.from(expiresAt), answer.get("refresh_token").asText());
        audit.record(AuditEntry.out("zalo", null, "TOKEN_REFRESH", "REFRESHED", ms, null, null,
                "access token valid until " + expiresAt));
        log.info("zalo access token refreshed, valid until {}", expiresAt);
        return new Refresh(new Token(answer.get("access_token").asText(), expiresAt), null);
    }

    /** Records a configured refresh token as used; false if it was already (or none is configured). */
    private boolean markSeeded(String token) {
        if (token == null || token.isBlank()) return false;
        return jdbc.update("INSERT INTO zalo_seeded_refresh_token (token_sha256) VALUES (?) ON CONFLICT DO NOTHING",
                AuditChain.sha256(token)) > 0;
    }

    /** Forgets the in-memory token (tests, and an operator rotating tokens by hand in the database). */
    public void forget() {
        cached.set(null);
    }

}
