package org.deskframe.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Counts what reaches the database as a commit: every {@link Connection#commit()} and every writing statement run in
 * auto-commit mode that changed a row (each its own commit), with the Deskframe code that asked for it; and every statement
 * run (each a round trip). A test imports {@link Config} to have the context's data source wrapped, then reads the commits
 * of one step between two {@link #mark()}s and its statements between two {@link #statementMark()}s.
 */
public final class CommitCounter {

    /** One commit: who asked for it (the first Deskframe frame outside this package), its thread and its SQL (auto-commit). */
    public record Commit(String caller, String thread, String sql) {
        @Override
        public String toString() {
            return caller + (sql == null ? "" : " [auto-commit: " + sql + "]") + " (" + thread + ")";
        }
    }

    /** One statement run: who asked for it, the Deskframe methods it ran within (innermost first) and the start of its SQL. */
    public record Executed(String caller, List<String> within, String sql) {
        public boolean within(String method) {
            return within.contains(method);
        }

        @Override
        public String toString() {
            return caller + ": " + sql;
        }
    }

    private static final List<Commit> COMMITS = new ArrayList<>();
    private static final List<Executed> STATEMENTS = new ArrayList<>();

    private CommitCounter() {}

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        static BeanPostProcessor commitCountingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && !Proxy.isProxyClass(bean.getClass()) ? wrap(ds) : bean;
                }
            };
        }
    }

    /** The number of commits so far: pass it to {@link #since(int)}. */
    public static synchronized int mark() {
        return COMMITS.size();
    }

    public static synchronized List<Commit> since(int mark) {
        return List.copyOf(COMMITS.subList(mark, COMMITS.size()));
    }

    /** The number of statements run so far: pass it to {@link #statementsSince(int)}. */
    public static synchronized int statementMark() {
        return STATEMENTS.size();
    }

    public static synchronized List<Executed> statementsSince(int mark) {
        return List.copyOf(STATEMENTS.subList(mark, STATEMENTS.size()));
    }

    private static synchronized void recorded(String sql) {
        COMMITS.add(new Commit(caller(), Thread.currentThread().getName(), sql));
    }

    private static synchronized void executed(String sql) {
        List<String> within = deskframeFrames();
        STATEMENTS.add(new Executed(within.isEmpty() ? "?" : within.getFirst(), within,
                sql == null ? "?" : sql.length() > 80 ? sql.substring(0, 80) + "…" : sql));
    }

    private static String caller() {
        List<String> within = deskframeFrames();
        return within.isEmpty() ? "?" : within.getFirst();
    }

    /** The Deskframe methods on this thread's stack outside this package, innermost first, as Class.method. */
    private static List<String> deskframeFrames() {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
            String c = e.getClassName();
            if (c.startsWith("org.deskframe.") && !c.startsWith("org.deskframe.testing.")) {
                String name = c.substring(c.lastIndexOf('.') + 1).replaceAll("\\$\\$SpringCGLIB\\$\\$\\d+$", "") + "." + e.getMethodName();
                if (!name.equals(frames.isEmpty() ? null : frames.getLast())) frames.add(name);
            }
        }
        return frames;
    }

    static DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target, (p, m, args) -> {
            Object result = invoke(target, m, args);
            return result instanceof Connection c ? connection(c) : result;
        });
    }

    private static Connection connection(Connection target) {
        return proxy(Connection.class, target, (p, m, args) -> {
            if (m.getName().equals("commit")) {
                Object r = invoke(target, m, args);
                recorded(null);
                return r;
            }
            Object result = invoke(target, m, args);
            if (result instanceof PreparedStatement ps && m.getName().equals("prepareStatement")) {
                return statement(PreparedStatement.class, ps, target, (String) args[0]);
            }
            if (result instanceof Statement s && m.getName().equals("createStatement")) return statement(Statement.class, s, target, null);
            return result;
        });
    }

    private static <S extends Statement> S statement(Class<S> type, S target, Connection connection, String prepared) {
        return proxy(type, target, (p, m, args) -> {
            Object result = invoke(target, m, args);
            if (m.getName().startsWith("execute")) {
                String sql = prepared != null ? prepared : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                executed(sql);
                // A statement that changed no row commits nothing to write (neither H2 nor PostgreSQL writes then).
                if (sql != null && writes(sql) && connection.getAutoCommit() && changed(result, target)) {
                    recorded(sql.length() > 80 ? sql.substring(0, 80) + "…" : sql);
                }
            }
            return result;
        });
    }

    private static boolean changed(Object result, Statement s) throws java.sql.SQLException {
        if (result instanceof Integer n) return n > 0;
        if (result instanceof Long n) return n > 0;
        if (result instanceof int[] batch) return java.util.Arrays.stream(batch).anyMatch(n -> n != 0);
        if (result instanceof long[] batch) return java.util.Arrays.stream(batch).anyMatch(n -> n != 0);
        return result instanceof Boolean b && !b && s.getUpdateCount() != 0;
    }

    private static boolean writes(String sql) {
        String s = sql.stripLeading().toLowerCase(Locale.ROOT);
        return s.startsWith("insert") || s.startsWith("update") || s.startsWith("delete") || s.startsWith("merge");
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(CommitCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
