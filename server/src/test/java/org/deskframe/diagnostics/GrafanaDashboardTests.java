package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/grafana/deskframe.json is valid JSON and in step with docs/observability.md: every metric the table lists has a
 * panel, and every panel queries only metrics the table lists (a histogram's {@code _bucket} series included).
 */
class GrafanaDashboardTests {

    private static final Path DASHBOARD = Path.of("../docs/grafana/deskframe.json");
    private static final Path OBSERVABILITY = Path.of("../docs/observability.md");
    private static final Pattern METRIC = Pattern.compile("deskframe_[a-z_]+");

    @Test
    void theDashboardIsValidJsonAndQueriesEveryDocumentedMetricAndNoOther() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        List<String> expressions = new ArrayList<>();
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel ids are unique: %s", panel.get("id")).isTrue();
            assertThat(panel.get("targets").isEmpty()).as("panel %s has a query", panel.get("title")).isFalse();
            panel.get("targets").forEach(t -> expressions.add(t.get("expr").asString()));
        }
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("^\\| `(deskframe_[a-z_]+)` \\|", Pattern.MULTILINE).matcher(Files.readString(OBSERVABILITY));
        while (row.find()) documented.add(row.group(1));
        assertThat(documented).as("metrics in observability.md's table").isNotEmpty();

        Set<String> queried = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) queried.add(m.group());
        }
        for (String metric : documented) {
            assertThat(queried).as("a panel shows %s", metric).anyMatch(q -> q.equals(metric) || q.equals(metric + "_bucket"));
        }
        for (String q : queried) {
            assertThat(documented).as("%s, queried by a panel, is in observability.md's table", q)
                    .anyMatch(d -> q.equals(d) || q.equals(d + "_bucket"));
        }
    }
}
