package org.deskframe.cluster;

/** A registered handler or listener; closing it stops further calls (one already running finishes). */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
