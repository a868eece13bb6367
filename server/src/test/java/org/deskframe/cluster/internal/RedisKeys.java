package org.deskframe.cluster.internal;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A namespace of its own per test run on a shared Redis, read and removed through a plain connection. */
final class RedisKeys implements AutoCloseable {

    final String namespace = "test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisKeys(String url) {
        client = RedisClient.create(url);
        connection = client.connect();
    }

    String prefix() {
        return RedisState.keyPrefix(namespace);
    }

    io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
        return connection.sync();
    }

    List<String> keys() {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix() + "*").limit(500));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    @Override
    public void close() {
        List<String> keys = keys();
        if (!keys.isEmpty()) connection.sync().del(keys.toArray(new String[0]));
        connection.close();
        client.shutdown();
    }
}
