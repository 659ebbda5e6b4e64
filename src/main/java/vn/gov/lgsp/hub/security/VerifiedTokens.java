package vn.gov.lgsp.hub.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Bearer tokens already verified, so that a machine client sending many requests with one token (the one-stop system
 * posts every event with the token its client credentials gave it) has its signature checked once, not per request.
 * Checking a token (parsing, RSA signature, claim conversion) cost more than the rest of the intake's security on
 * every request (bench/PROFILING.md, "A seventh look").
 *
 * <p>Only tokens the decoder accepted are kept, keyed by their exact text (the same text carries the same signature).
 * A kept token is checked again against the validators (expiry, not-before, issuer, audience) at every use, and is
 * verified afresh at the latest {@code reverifyAfter} after it was kept, so a signing key the identity provider
 * withdraws stops being honoured within that time. At most {@code maxTokens} are kept: the oldest half is dropped
 * when full.
 */
final class VerifiedTokens implements JwtDecoder {
    private final JwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Duration reverifyAfter;
    private final int maxTokens;
    private final Clock clock;
    private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();

    private record Kept(Jwt jwt, Instant verifiedAt) {}

    VerifiedTokens(JwtDecoder decoder, OAuth2TokenValidator<Jwt> validator, Duration reverifyAfter, int maxTokens, Clock clock) {
        this.decoder = decoder;
        this.validator = validator;
        this.reverifyAfter = reverifyAfter;
        this.maxTokens = maxTokens;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Kept k = kept.get(token);
        if (k != null) {
            OAuth2TokenValidatorResult still = validator.validate(k.jwt());
            if (!still.hasErrors() && clock.instant().isBefore(k.verifiedAt().plus(reverifyAfter))) return k.jwt();
            kept.remove(token); // expired, or due to be verified again: the decoder says why it refuses, if it does
        }
        Jwt jwt = decoder.decode(token);
        if (kept.size() >= maxTokens) dropOldestHalf();
        kept.put(token, new Kept(jwt, clock.instant()));
        return jwt;
    }

    int size() {
        return kept.size();
    }

    private void dropOldestHalf() {
        Instant[] times = kept.values().stream().map(Kept::verifiedAt).sorted().toArray(Instant[]::new);
        if (times.length == 0) return;
        Instant median = times[times.length / 2];
        kept.values().removeIf(k -> !k.verifiedAt().isAfter(median));
    }
}
