package io.exprun.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import io.exprun.server.testing.WithKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 23, item 9, over plain HTTP: every Swagger UI entry point the server has ({@code /docs}, {@code /docs/}, the
 * webjar's own names {@code /docs/index.html} and {@code /docs/swagger-initializer.js}) is exprun's, loading exprun's
 * spec from this server and nothing from another host. {@link SwaggerUiBrowserTest} checks the same in a browser.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsEntryPointsTest {

    /** An absolute URL, or a protocol-relative one: anything the page could fetch from another host. */
    private static final Pattern ELSEWHERE = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+");

    private TestServer server;

    @WithKey(WithKey.NONE)
    private Http anonymous;

    @ParameterizedTest
    @ValueSource(strings = {"/docs", "/docs/", "/docs/index.html"})
    void every_page_is_exprun_s_and_loads_exprun_s_initializer(String path) {
        Http.Answer page = anonymous.get(path);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<title>exprun API</title>", "src=\"/docs/swagger-initializer.js\"");
        assertThat(elsewhere(page.body())).as(path).isEmpty();
        assertThat(page.body()).doesNotContainIgnoringCase("petstore");
    }

    @Test
    void the_initializer_loads_openapi_json_from_this_server_and_nothing_from_elsewhere() {
        Http.Answer initializer = anonymous.get("/docs/swagger-initializer.js");

        assertThat(initializer.status()).isEqualTo(200);
        assertThat(initializer.headers().firstValue("Content-Type").orElseThrow())
                .contains("javascript");
        assertThat(initializer.body())
                .contains("url: \"/openapi.json\"")
                .contains("validatorUrl: null") // else a page served off localhost shows a badge from swagger.io
                .contains("queryConfigEnabled: false") // ?url=… may not swap in someone else's spec
                .doesNotContainIgnoringCase("petstore");
        assertThat(elsewhere(initializer.body())).isEmpty();
    }

    @Test
    void every_page_forbids_the_browser_to_fetch_from_another_host() {
        for (String path : List.of("/docs", "/docs/", "/docs/index.html")) {
            assertThat(anonymous.get(path).headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .hasValueSatisfying(csp -> assertThat(csp)
                            .contains("default-src 'self'")
                            .contains("connect-src 'self'")
                            .doesNotContain("*")
                            .doesNotContain("http"));
        }
    }

    /** Negative control: the checks above do catch the webjar's stock files, which load petstore.swagger.io. */
    @Test
    void the_stock_files_would_fail_these_checks() throws IOException {
        String version = webjarVersion();
        for (String stock : List.of("swagger-initializer.js", "index.html")) {
            String text = webjarFile(version, stock);
            boolean caught = text.toLowerCase(java.util.Locale.ROOT).contains("petstore")
                    || !text.contains("src=\"/docs/swagger-initializer.js\"");
            assertThat(caught).as(stock).isTrue();
        }
        assertThat(elsewhere(webjarFile(version, "swagger-initializer.js"))).contains("https://petstore.swagger.io");
    }

    private static List<String> elsewhere(String text) {
        Matcher m = ELSEWHERE.matcher(text);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String webjarVersion() throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = DocsEntryPointsTest.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }

    private static String webjarFile(String version, String name) throws IOException {
        try (InputStream in = DocsEntryPointsTest.class
                .getClassLoader()
                .getResourceAsStream("META-INF/resources/webjars/swagger-ui/" + version + "/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
