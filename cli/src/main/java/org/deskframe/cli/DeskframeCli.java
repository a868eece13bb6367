package org.deskframe.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code deskframe} command. */
@Command(name = "deskframe", mixinStandardHelpOptions = true, version = "deskframe 0.1.0",
        description = "Deskframe command line: check an integration end to end (doctor), obtain an agent's token as a backend"
                + " would (token), and administer a deployment (admin).",
        subcommands = {DoctorCommand.class, TokenCommand.class, AdminCommand.class, CommandLine.HelpCommand.class})
public final class DeskframeCli {

    public static void main(String[] args) {
        System.exit(commandLine(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)).execute(args));
    }

    /** The command line with its output streams (tests pass their own). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new DeskframeCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    static String stripSlash(String url) {
        String u = url.trim();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }
}
