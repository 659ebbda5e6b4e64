package vn.gov.lgsp.hub.web;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/** The HTTP interface's limits and error shape, for every path (Spring MVC endpoints and plain servlets alike). */
@Configuration(proxyBeanMethods = false)
public class WebConfig {

    @Bean
    public FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(@Value("${hub.http.max-body-size:1MB}") DataSize max) {
        FilterRegistrationBean<RequestSizeFilter> r = new FilterRegistrationBean<>(new RequestSizeFilter(max.toBytes()));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        r.addUrlPatterns("/*");
        return r;
    }

    /** Tomcat's own error report (requests it refuses before any servlet) in problem+json. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    if (!(context.getParent() instanceof StandardHost host)) return;
                    // Spring Boot adds a plain ErrorReportValve (no server info); this one replaces it
                    for (Valve v : host.getPipeline().getValves()) {
                        if (v instanceof ErrorReportValve && !(v instanceof ProblemErrorReportValve)) host.getPipeline().removeValve(v);
                    }
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    host.getPipeline().addValve(new ProblemErrorReportValve());
                });
            }
        };
    }
}
