package vn.gov.lgsp.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/** A bearer token's signature is checked once, its expiry at every use, its signature again after a while. */
class VerifiedTokensTest {
    private static final Instant ISSUED = Instant.parse("2026-12-02T08:00:00Z");
    private Instant now = ISSUED;
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    private final JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
    private final AtomicInteger verified = new AtomicInteger();

    /** A decoder that accepts tokens named "good-*" (issued at ISSUED, valid 10 minutes) and refuses others. */
    private final JwtDecoder decoder = token -> {
        verified.incrementAndGet();
        if (!token.startsWith("good-")) throw new BadJwtException("signature does not verify");
        Jwt jwt = Jwt.withTokenValue(token).header("alg", "RS256").subject("service-account-onestop")
                .issuedAt(ISSUED).expiresAt(ISSUED.plus(Duration.ofMinutes(10))).build();
        var result = expiry.validate(jwt);
        if (result.hasErrors()) throw new JwtValidationException("expired", result.getErrors());
        return jwt;
    };

    private VerifiedTokens tokens(int max) {
        expiry.setClock(clock);
        return new VerifiedTokens(decoder, expiry, Duration.ofMinutes(5), max, clock);
    }

    @Test
    void aTokenUsedAgainIsNotVerifiedAgain() {
        VerifiedTokens tokens = tokens(100);
        Jwt first = tokens.decode("good-1");
        for (int i = 0; i < 50; i++) assertThat(tokens.decode("good-1")).isSameAs(first);
        assertThat(verified).hasValue(1);
        tokens.decode("good-2");
        assertThat(verified).hasValue(2);
    }

    @Test
    void aRefusedTokenIsNeverKept() {
        VerifiedTokens tokens = tokens(100);
        for (int i = 0; i < 3; i++) assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(verified).hasValue(3);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aKeptTokenThatExpiredIsRefused() {
        VerifiedTokens tokens = tokens(100);
        Jwt jwt = tokens.decode("good-1");
        now = jwt.getExpiresAt().plusSeconds(1);
        assertThatThrownBy(() -> tokens.decode("good-1")).isInstanceOf(JwtValidationException.class);
        assertThat(verified).as("the kept copy was not handed out; the decoder refused").hasValue(2);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aKeptTokenIsVerifiedAfreshAfterTheReverifyTime() {
        VerifiedTokens tokens = tokens(100);
        tokens.decode("good-1");
        now = now.plus(Duration.ofMinutes(4));
        tokens.decode("good-1");
        assertThat(verified).hasValue(1);
        now = now.plus(Duration.ofMinutes(2)); // 6 minutes after it was kept, still within its 10
        tokens.decode("good-1");
        assertThat(verified).hasValue(2);
    }

    @Test
    void atMostMaxTokensAreKept() {
        VerifiedTokens tokens = tokens(4);
        for (int i = 0; i < 20; i++) {
            now = now.plusMillis(1);
            tokens.decode("good-" + i);
            assertThat(tokens.size()).isLessThanOrEqualTo(4);
        }
        // the newest is still kept
        int before = verified.get();
        tokens.decode("good-19");
        assertThat(verified).hasValue(before);
    }
}
