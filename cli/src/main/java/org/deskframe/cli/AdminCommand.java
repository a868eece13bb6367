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

/**
 * {@code deskframe admin}: admin API calls with an admin client's client_credentials token (lists, the messenger
 * deployments' create and delete, canned responses).
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Admin API calls (an admin client's own token: client_credentials, scope admin).",
        subcommands = {AdminCommand.Orgs.class, AdminCommand.Agents.class, AdminCommand.MessengerDeployments.class,
                AdminCommand.Canned.class, AdminCommand.Queues.class})
final class AdminCommand {

    /** Where and as whom: the env and the admin client's credentials. */
    static final class Connection {
        /** Any 2xx answer counts as success (the commands that do not name one). */
        static final int ANY_SUCCESS = -1;
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
            return call(spec, "GET", path, null, 200, columns);
        }

        /** {@link #call(CommandSpec, String, String, String, int, String[])} accepting any 2xx answer. */
        int call(CommandSpec spec, String method, String path, String jsonBody, String[] columns) {
            return call(spec, method, path, jsonBody, ANY_SUCCESS, columns);
        }

        /**
         * Calls an admin API path and prints what it answered (a list or one object as a table, or the JSON); exit code
         * 0 when it answered {@code expected} (or any 2xx for {@link #ANY_SUCCESS}), or 1 with the problem's code,
         * message and fix.
         */
        int call(CommandSpec spec, String method, String path, String jsonBody, int expected, String[] columns) {
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
                PlatformHttp.Answer answer = http.call(method, path, token.text("access_token"), jsonBody);
                boolean success = expected == ANY_SUCCESS ? answer.status() / 100 == 2 : answer.status() == expected;
                if (success && answer.status() == 204) {
                    out.println("done (" + method + " " + path + ")");
                    out.flush();
                    return 0;
                }
                JsonNode body = PlatformHttp.parseAny(answer.body());
                if (!success || body == null || !(body.isArray() || body.isObject())) {
                    return problem(err, method + " " + path + " failed (HTTP " + answer.status() + ")", answer);
                }
                if (body.isObject()) body = PlatformHttp.JSON.createArrayNode().add(body);
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

    // --- staples (issue 11): canned responses ---
    @Command(name = "canned", description = "Canned responses of an organisation (texts agents insert into the composer).",
            subcommands = {Canned.ListCanned.class, Canned.AddCanned.class, Canned.EditCanned.class, Canned.RemoveCanned.class})
    static final class Canned {
        static final String[] COLUMNS = {"id", "title", "text"};

        /** What every canned-response command takes: the connection and the organisation. */
        abstract static class OnOrg implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;
            @Option(names = "--org", required = true, paramLabel = "ID", description = "The organisation.") String org;

            String path() {
                return "/api/v2/admin/orgs/" + PlatformHttp.form(org) + "/canned-responses";
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List an organisation's canned responses.")
        static final class ListCanned extends OnOrg {
            @Override
            public Integer call() {
                return connection.list(spec, path(), COLUMNS);
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a canned response.")
        static final class AddCanned extends OnOrg {
            @Option(names = "--title", required = true, description = "What agents pick it by (unique in the organisation).") String title;
            @Option(names = "--text", required = true, description = "The text inserted into the composer.") String text;

            @Override
            public Integer call() {
                return connection.call(spec, "POST", path(), json("title", title, "text", text), 201, COLUMNS);
            }
        }

        @Command(name = "edit", mixinStandardHelpOptions = true, description = "Change a canned response's title or text.")
        static final class EditCanned extends OnOrg {
            @Option(names = "--id", required = true, description = "The canned response (cr_...).") String id;
            @Option(names = "--title", description = "A new title.") String title;
            @Option(names = "--text", description = "A new text.") String text;

            @Override
            public Integer call() {
                return connection.call(spec, "PATCH", path() + "/" + PlatformHttp.form(id), json("title", title, "text", text), 200, COLUMNS);
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete a canned response.")
        static final class RemoveCanned extends OnOrg {
            @Option(names = "--id", required = true, description = "The canned response (cr_...).") String id;

            @Override
            public Integer call() {
                return connection.call(spec, "DELETE", path() + "/" + PlatformHttp.form(id), null, 204, COLUMNS);
            }
        }

        /** A JSON object of the fields given (null ones left out). */
        static String json(String... keysAndValues) {
            var node = PlatformHttp.JSON.createObjectNode();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                if (keysAndValues[i + 1] != null) node.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return node.toString();
        }
    }
    // --- end staples ---

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

    // guest
    @Command(name = "messenger-deployments", description = "Customer messenger deployments of an organisation (docs/messenger.md).",
            subcommands = {MessengerDeployments.ListDeployments.class, MessengerDeployments.Create.class, MessengerDeployments.Delete.class})
    static final class MessengerDeployments {
        private static final String[] COLUMNS = {"id", "name", "queue", "allowedOrigins", "prechatFields"};

        /** The organisation whose deployments a command reaches. */
        static final class OrgOption {
            @Option(names = "--org", required = true, paramLabel = "ID", description = "The organisation.")
            String id;

            String path() {
                return "/api/v2/admin/orgs/" + PlatformHttp.form(id) + "/messenger-deployments";
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List an organisation's messenger deployments.")
        static final class ListDeployments implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;
            @Mixin OrgOption org;

            @Override
            public Integer call() {
                return connection.list(spec, org.path(), COLUMNS);
            }
        }

        @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a messenger deployment.")
        static final class Create implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;
            @Mixin OrgOption org;
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The deployment's id (the snippet's deployment option).")
            String id;
            @Option(names = "--name", required = true, paramLabel = "TEXT", description = "Its name, shown in the messenger's header.")
            String name;
            @Option(names = "--origin", required = true, paramLabel = "URL", description = "An allowed origin of the customer site (repeatable; exact scheme://host[:port]).")
            java.util.List<String> origins;
            @Option(names = "--queue", required = true, paramLabel = "ID", description = "The queue its conversations enter.")
            String queue;
            @Option(names = "--greeting", paramLabel = "TEXT", description = "What the customer is told first.")
            String greeting;
            @Option(names = "--prechat", split = ",", paramLabel = "FIELD", description = "Pre-chat fields: name, email.")
            java.util.List<String> prechat;
            @Option(names = "--jwks-url", paramLabel = "URL", description = "Verify customer tokens (RS256/ES256) with the keys at this URL.")
            String jwksUrl;
            @Option(names = "--secret-env", paramLabel = "VAR", description = "Verify customer tokens (HS256) with the secret in this environment variable (never on the command line).")
            String secretEnv;
            @Option(names = "--attachment-max-bytes", paramLabel = "BYTES", description = "The largest file a customer may send (default: the platform's).")
            Long attachmentMaxBytes;
            @Option(names = "--attachment-types", split = ",", paramLabel = "TYPE", description = "Content types customers may send, as sniffed from the bytes (image/png, image/*, ...; default: the platform's).")
            java.util.List<String> attachmentTypes;

            @Override
            public Integer call() {
                java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("id", id);
                body.put("name", name);
                body.put("allowedOrigins", origins);
                body.put("queue", queue);
                if (greeting != null) body.put("greeting", greeting);
                if (prechat != null) body.put("prechatFields", prechat);
                if (jwksUrl != null || secretEnv != null) {
                    java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
                    if (jwksUrl != null) v.put("jwksUrl", jwksUrl);
                    if (secretEnv != null) v.put("secret", System.getenv(secretEnv));
                    body.put("verification", v);
                }
                if (attachmentMaxBytes != null || attachmentTypes != null) {
                    java.util.Map<String, Object> a = new java.util.LinkedHashMap<>();
                    a.put("maxBytes", attachmentMaxBytes);
                    a.put("allowedTypes", attachmentTypes);
                    body.put("attachments", a);
                }
                return connection.call(spec, "POST", org.path(), PlatformHttp.JSON.writeValueAsString(body), COLUMNS);
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a messenger deployment (its messengers stop at their next handshake).")
        static final class Delete implements Callable<Integer> {
            @Spec CommandSpec spec;
            @Mixin Connection connection;
            @Mixin OrgOption org;
            @Option(names = "--id", required = true, paramLabel = "ID", description = "The deployment.")
            String id;

            @Override
            public Integer call() {
                return connection.call(spec, "DELETE", org.path() + "/" + PlatformHttp.form(id), null, COLUMNS);
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
