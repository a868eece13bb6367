package org.deskframe.cluster.internal;

import org.deskframe.cluster.ClusterMessage;

/** Message types of the cluster tests. */
final class TestMessages {

    private TestMessages() {}

    @ClusterMessage.Name("test.numbered")
    record Numbered(String from, int n) implements ClusterMessage {}

    @ClusterMessage.Name("test.other")
    record Other(String text) implements ClusterMessage {}

    /** No wire name: refused. */
    record Unnamed(String text) implements ClusterMessage {}
}
