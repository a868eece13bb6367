package org.deskframe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.deskframe.messaging.ConversationLog;
import org.junit.jupiter.api.Test;

/** Runs the benchmark body on H2 (not JMH), so the benchmark never measures a failing or duplicate append. */
class GroupCommitLogBenchmarkTests {

    @Test
    void eachAppendIsANewDurableMessageInSequence() throws Exception {
        GroupCommitLogBenchmark bench = new GroupCommitLogBenchmark();
        bench.db = "h2";
        bench.conversations = 2;
        bench.setUp();
        try {
            ConversationLog.Appended first = bench.append();
            ConversationLog.Appended second = bench.append();
            ConversationLog.Appended third = bench.append();
            assertThat(first.duplicate()).isFalse();
            assertThat(first.message().seq()).isEqualTo(1);
            assertThat(second.message().conversationId()).isNotEqualTo(first.message().conversationId());
            assertThat(third.message().conversationId()).isEqualTo(first.message().conversationId());
            assertThat(third.message().seq()).isEqualTo(2);
            assertThat(bench.log.read(first.message().conversationId(), 0, 10)).hasSize(2);
            assertThat(bench.events.get()).isEqualTo(3);
        } finally {
            bench.tearDown();
        }
    }
}
