package vn.gov.lgsp.connector.sms.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A ticking clock whose "now" can be moved. It starts at 10:00 Vietnam time today, so runs at any real hour see
 * the same daytime behaviour (no quiet hours) unless a test moves it.
 */
public class SimulatedClock extends Clock {
    public static final ZoneId VN = ZoneId.of("Asia/Ho_Chi_Minh");
    private final Clock real = Clock.system(VN);
    private volatile Duration offset;

    public SimulatedClock() {
        daytime();
    }

    /** Puts the clock at {@code at}; it keeps ticking from there. */
    public void set(Instant at) {
        offset = Duration.between(real.instant(), at);
    }

    public void set(LocalTime time, int plusDays) {
        set(ZonedDateTime.now(real).plusDays(plusDays).with(time).toInstant());
    }

    public void daytime() {
        set(LocalTime.of(10, 0), 0);
    }

    @Override public ZoneId getZone() { return VN; }
    @Override public Clock withZone(ZoneId zone) { return Clock.offset(real, offset).withZone(zone); }
    @Override public Instant instant() { return real.instant().plus(offset); }
}
