package vn.gov.lgsp.hub.infra;

import java.io.IOException;
import java.net.ServerSocket;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;

/** The SOAP partner simulators' services: CXF on Jetty on a free loopback port. */
public final class LoopbackSoapServices {
    private LoopbackSoapServices() {}

    /**
     * A service factory for {@code implementation} at {@code http://127.0.0.1:<free port><path>} (its address:
     * {@link JaxWsServerFactoryBean#getAddress()}); the simulator adds what its partner checks, then creates it.
     */
    public static JaxWsServerFactoryBean onFreePort(String path, Class<?> portType, Object implementation) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(portType);
        factory.setAddress("http://127.0.0.1:" + port + path);
        factory.setServiceBean(implementation);
        return factory;
    }
}
