package io.exprun.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Remembers the last answer the server sent, byte for byte, while the client's generated code reads it as usual.
 * {@code --json} prints exactly what the API said without a second HTTP code path: every request still goes through
 * {@link io.exprun.client.ExprunClient} (base URL, key, retries, typed errors); this only copies the body bytes as
 * they stream past. It is handed to the client as its {@link HttpClient.Builder}, the client's documented hook.
 *
 * <p>Most of this class is delegation: {@link HttpClient} and its builder have many small abstract methods.
 */
final class WireTap {

    /** One answer: which request it answered, its status and its body exactly as received. */
    record Exchange(String method, String path, int status, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private volatile Exchange last;

    /** The last complete answer, if any arrived. */
    Optional<Exchange> last() {
        return Optional.ofNullable(last);
    }

    HttpClient.Builder builder() {
        return new TappedBuilder(HttpClient.newBuilder());
    }

    /** Tees the response body into a buffer and records it when the body is complete. */
    private <T> HttpResponse.BodyHandler<T> tap(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return info -> {
            HttpResponse.BodySubscriber<T> target = handler.apply(info);
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            return new HttpResponse.BodySubscriber<>() {
                @Override
                public CompletionStage<T> getBody() {
                    return target.getBody();
                }

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    target.onSubscribe(subscription);
                }

                @Override
                public void onNext(List<ByteBuffer> buffers) {
                    for (ByteBuffer b : buffers) {
                        ByteBuffer view = b.duplicate(); // the target reads the original, at its own pace
                        byte[] bytes = new byte[view.remaining()];
                        view.get(bytes);
                        copy.writeBytes(bytes);
                    }
                    target.onNext(buffers);
                }

                @Override
                public void onError(Throwable error) {
                    target.onError(error);
                }

                @Override
                public void onComplete() {
                    last = new Exchange(
                            request.method(), request.uri().getRawPath(), info.statusCode(), copy.toByteArray());
                    target.onComplete();
                }
            };
        };
    }

    private final class TappedClient extends HttpClient {
        private final HttpClient delegate;

        TappedClient(HttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            return delegate.send(request, tap(request, handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(
                HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return delegate.sendAsync(request, tap(request, handler));
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(
                HttpRequest request, HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
            return delegate.sendAsync(request, tap(request, handler), push);
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return delegate.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return delegate.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return delegate.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return delegate.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return delegate.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return delegate.authenticator();
        }

        @Override
        public Version version() {
            return delegate.version();
        }

        @Override
        public Optional<Executor> executor() {
            return delegate.executor();
        }
    }

    private final class TappedBuilder implements HttpClient.Builder {
        private final HttpClient.Builder delegate;

        TappedBuilder(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler v) {
            delegate.cookieHandler(v);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration v) {
            delegate.connectTimeout(v);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext v) {
            delegate.sslContext(v);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters v) {
            delegate.sslParameters(v);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor v) {
            delegate.executor(v);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect v) {
            delegate.followRedirects(v);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version v) {
            delegate.version(v);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int v) {
            delegate.priority(v);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector v) {
            delegate.proxy(v);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator v) {
            delegate.authenticator(v);
            return this;
        }

        @Override
        public HttpClient build() {
            return new TappedClient(delegate.build());
        }
    }
}
