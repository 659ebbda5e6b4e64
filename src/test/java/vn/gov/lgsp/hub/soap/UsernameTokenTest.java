package vn.gov.lgsp.hub.soap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.message.MessageImpl;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The UsernameToken check of incoming requests: a captured token cannot be used again within the window. */
class UsernameTokenTest {
    private final UsernameToken.Server server = new UsernameToken.Server(() -> "tax-office", () -> "s3cret", Duration.ofMinutes(5));

    private static SoapMessage request(Element security) {
        SoapMessage m = new SoapMessage(new MessageImpl());
        m.getHeaders().add(new SoapHeader(UsernameToken.SECURITY, security));
        return m;
    }

    private static Element nonce(Element security) {
        return (Element) security.getElementsByTagNameNS(UsernameToken.WSSE, "Nonce").item(0);
    }

    @Test
    void freshTokensPassAndTheSameTokenTwiceIsARefusedReplay() {
        assertThatCode(() -> server.handleMessage(request(UsernameToken.header("tax-office", "s3cret", Instant.now())))).doesNotThrowAnyException();
        Element captured = UsernameToken.header("tax-office", "s3cret", Instant.now());
        assertThatCode(() -> server.handleMessage(request(captured))).doesNotThrowAnyException();
        assertThatThrownBy(() -> server.handleMessage(request(captured))).isInstanceOf(SoapFault.class).hasMessageContaining("replay");
    }

    @Test
    void aCapturedTokenWithItsNonceSpeltAnotherWayIsStillAReplay() {
        Element captured = UsernameToken.header("tax-office", "s3cret", Instant.now());
        String spelt = nonce(captured).getTextContent(); // 16 bytes: 22 characters and "=="
        byte[] bytes = Base64.getDecoder().decode(spelt);
        String unpadded = spelt.replace("=", "");
        // the last character carries 4 bits the 16 bytes do not use: another letter there decodes to the same bytes
        char last = unpadded.charAt(unpadded.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        String otherBits = unpadded.substring(0, unpadded.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1) + "==";
        // the premise: the decoder takes each spelling as the same nonce (so the digest still matches)
        org.assertj.core.api.Assertions.assertThat(Base64.getDecoder().decode(unpadded)).isEqualTo(bytes);
        org.assertj.core.api.Assertions.assertThat(Base64.getDecoder().decode(otherBits)).isEqualTo(bytes);

        assertThatCode(() -> server.handleMessage(request(captured))).doesNotThrowAnyException();
        for (String respelt : new String[] {unpadded, otherBits, " " + spelt + "\n"}) {
            nonce(captured).setTextContent(respelt);
            assertThatThrownBy(() -> server.handleMessage(request(captured))).as(respelt)
                    .isInstanceOf(SoapFault.class).hasMessageContaining("replay");
        }
    }
}
