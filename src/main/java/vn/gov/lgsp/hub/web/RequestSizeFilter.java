package vn.gov.lgsp.hub.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body larger than {@code hub.http.max-body-size} with 413 problem+json before any endpoint
 * reads it (the endpoints read bodies whole, and the database would be the next to refuse). A declared length is
 * checked at once; a chunked body is read up to the limit. The refused body is read and dropped (up to
 * {@link #DRAIN_LIMIT}) so the client, still sending, gets the answer rather than a reset connection.
 */
public class RequestSizeFilter extends OncePerRequestFilter {
    static final long DRAIN_LIMIT = 64L * 1024 * 1024;
    private final long maxBody;

    public RequestSizeFilter(long maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            drain(request.getInputStream(), declared);
            tooLarge(response);
            return;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            InputStream in = request.getInputStream();
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (body.length > maxBody) {
                drain(in, DRAIN_LIMIT);
                tooLarge(response);
                return;
            }
            chain.doFilter(new BufferedBody(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        Problems.write(response, 413, "payload-too-large",
                "The request body is larger than the hub accepts (" + maxBody + " bytes).");
    }

    private static void drain(InputStream in, long upTo) {
        try {
            long left = Math.min(upTo, DRAIN_LIMIT);
            byte[] buffer = new byte[64 * 1024];
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) left -= n;
        } catch (IOException e) {
            // the client gave up; the answer goes out if it can
        }
    }

    /** A chunked body already read (it was within the limit), offered again to the endpoint. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String enc = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), java.nio.charset.Charset.forName(enc)));
        }
    }
}
