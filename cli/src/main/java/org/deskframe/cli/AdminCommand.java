package org.deskframe.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code deskframe admin}: a few read-only admin API calls with an admin client's client_credentials token. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Admin API calls (an admin client's own token: client_credentials, scope admin).",
        subcommands = {AdminCommand.Orgs.class, AdminCommand.Agents.class, AdminCommand.Queues.class})
final class AdminCommand {

    /** Where and as whom: the env and the admin client's credentials. */
    static final class Connection {
        @Option(names = "--env", paramLabel = "URL", defaultValue = "${env:DESKFRAME_ENV:-http://localhost:8080}",
                description = "The deployment's base URL (default: env DESKFRAME_ENV or ${DEFAULT-VALUE}).")
        String env;

        @Option(names = "--client-id", paramLabel = "ID", defaultValue = "${env:DESKFRAME_ADMIN_CLIENT_ID}",
                description = "An admin client (deployment admin, or an org's admin client) (default: env DESKFRAME_ADMIN_CLIENT_ID).")
        String clientId;

        @Option(names = "--client-secret", paramLabel = "SECRET", defaultValue = "${env:DESKFRAME_ADMIN_CLIENT_SECRET}",
                description = "Its secret (default: env DESKFRAME_ADMIN_CLIENT_SECRET).")
        String clientSecret;

        @Option(names = "--json", description = "Print the API's JSON instead of a table.")
        boolean json;

        /** GETs an admin API path and prints it; exit code 0, or 1 with the problem's code, message and fix. */
        int list(CommandSpec spec, String path, String[] columns) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
                err.println("Missing --client-id/--client-secret (or env DESKFRAME_ADMIN_CLIENT_ID/DESKFRAME_ADMIN_CLIENT_SECRET):"
                        + " an admin client's credentials.");
                err.flush();
                return 2;
            }
            PlatformHttp http = new PlatformHttp(DeskframeCli.stripSlash(env), Duration.ofSeconds(10));
            try {
                PlatformHttp.Answer token = http.clientCredentials(clientId, clientSecret, "admin");
                if (token.status() != 200 || token.text("access_token") == null) {
                    return problem(err, "no admin token for client " + clientId + " (HTTP " + token.status() + ")", token);
                }
                PlatformHttp.Answer answer = http.get(path, token.text("access_token"));
                JsonNode body = PlatformHttp.parseAny(answer.body());
                if (answer.status() != 200 || body == null || !body.isArray()) {
                    return problem(err, "GET " + path + " failed (HTTP " + answer.status() + ")", answer);
                }
                if (json) {
                    out.println(PlatformHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
                } else {
                    table(out, body, columns);
                }
                out.flush();
                return 0;
            } catch (PlatformHttp.Unreachable e) {
                err.println("✗ " + e.getMessage());
                err.println("  fix: check --env and that the platform is running.");
                err.flush();
                return DoctorCommand.EXIT_UNREACHABLE;
            }
        }

        private static int problem(PrintWriter err, String what, PlatformHttp.Answer a) {
            err.println("✗ " + what);
            String code = a.text("code") != null ? a.text("code") : a.text("error");
            String message = a.text("message") != null ? a.text("message") : a.text("error_description");
            if (code != null || message != null) err.println("  " + (code == null ? "" : code + ": ") + (message == null ? "" : message));
            if (a.text("hint") != null) err.println("  fix: " + a.text("hint"));
            err.flush();
            return 1;
        }

        private static void table(PrintWriter out, JsonNode rows, String[] columns) {
            List<String[]> cells = new ArrayList<>();
            cells.add(columns);
            for (JsonNode row : rows) {
                String[] r = new String[columns.length];
                for (int i = 0; i < columns.length; i++) {
                    JsonNode v = row.path(columns[i]);
                    r[i] = v.isArray() ? String.join(",", v.valueStream().map(JsonNode::asString).toList())
                            : v.isMissingNode() || v.isNull() ? "" : v.asString();
                }
                cells.add(r);
            }
            int[] width = new int[columns.length];
            for (String[] r : cells) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
            for (String[] r : cells) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            out.println("(" + (cells.size() - 1) + ")");
        }
    }

    @Command(name = "orgs", description = "Organisations.", subcommands = Orgs.ListOrgs.class)
    static final class Orgs {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List the organisations this admin client can see.")
        static final class ListOrgs implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;

            @Override
            public Integer call() {
                return connection.list(spec, "/api/v2/admin/orgs", new String[]{"id", "name", "region"});
            }
        }
    }

    @Command(name = "agents", description = "Agents of an organisation.", subcommands = Agents.ListAgents.class)
    static final class Agents {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List an organisation's agents.")
        static final class ListAgents implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;

            @Option(names = "--org", required = true, paramLabel = "ID", description = "The organisation.")
            String org;

            @Override
            public Integer call() {
                return connection.list(spec, "/api/v2/admin/orgs/" + PlatformHttp.form(org) + "/agents",
                        new String[]{"id", "username", "displayName", "enabled", "roles"});
            }
        }
    }

    // routing
    @Command(name = "queues", description = "Routing queues of an organisation.", subcommands = Queues.Members.class)
    static final class Queues {
        @Command(name = "members", mixinStandardHelpOptions = true,
                description = "List a queue's member agents with their presence, chat capacity, load and skills.")
        static final class Members implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;

            @Option(names = "--org", required = true, paramLabel = "ID", description = "The organisation.")
            String org;

            @Option(names = "--queue", required = true, paramLabel = "ID", description = "The queue.")
            String queue;

            @Override
            public Integer call() {
                return connection.list(spec, "/api/v2/admin/orgs/" + PlatformHttp.form(org) + "/queues/" + PlatformHttp.form(queue) + "/members",
                        new String[]{"agentId", "status", "capacity", "load", "skills"});
            }
        }
    }
    // routing end
}
