package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueuePropertiesTest {
    @Test
    void backoffDoublesFromTenSecondsAndStopsAtThirtyMinutes() {
        QueueProperties.PartnerQueue q = new QueueProperties.PartnerQueue();
        assertThat(q.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(q.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(q.backoffAfter(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(q.backoffAfter(20)).isEqualTo(Duration.ofMinutes(30));
    }
}
