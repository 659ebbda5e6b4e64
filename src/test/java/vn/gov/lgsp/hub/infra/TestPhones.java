package vn.gov.lgsp.hub.infra;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import vn.gov.lgsp.connector.sms.simulator.SmsGatewaySimulator;
import vn.gov.lgsp.connector.zalo.simulator.ZaloSimulator;

/**
 * Citizens' mobile numbers for tests that count messages by number. The database and the simulators are shared by
 * every test class of a run, so a number drawn at random could already have messages (a full run timed out so, when
 * two dossiers got the same number and "one message per number" could no longer hold). A number given here is new
 * to this JVM and has no message at the simulators nor in {@code notify_message}.
 */
public final class TestPhones {
    private static final Random RANDOM = new Random();
    private static final Set<String> GIVEN = ConcurrentHashMap.newKeySet();

    private TestPhones() {}

    /**
     * A mobile number ("09" + seven digits) ending in {@code ending}, whose three digits pick the simulators'
     * behaviour (555: the citizen has Zalo; 118: no Zalo).
     */
    public static String fresh(String ending, JdbcTemplate jdbc, ZaloSimulator zalo, SmsGatewaySimulator sms) {
        if (!ending.matches("\\d{3}")) throw new IllegalArgumentException("three digits, not " + ending);
        while (true) {
            String phone = "09" + String.format("%05d", RANDOM.nextInt(100_000)) + ending;
            if (!GIVEN.add(phone)) continue;
            String intl = "84" + phone.substring(1);
            boolean messaged = zalo.znsReceived().stream().anyMatch(z -> z.path("phone").asText().equals(intl))
                    || sms.received().stream().anyMatch(s -> s.phone().equals(intl))
                    || jdbc.queryForObject("SELECT count(*) FROM notify_message WHERE recipient = ?", Integer.class, phone) > 0;
            if (!messaged) return phone;
        }
    }
}
