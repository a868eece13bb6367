package org.deskframe.storage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Storage settings.
 *
 * @param clockSampleInterval how often each node measures its clock's offset to the database's (the shared time base
 *                            of routing's and calls' timers, {@link SharedClock}, which runs on the monotonic clock in between, so a
 *                            local clock that steps moves it not at all)
 * @param clockOffsetWarning  an offset beyond this is logged as a warning (nodes' clocks should agree anyway: token
 *                            checks use each node's own clock)
 */
@ConfigurationProperties("deskframe.storage")
public record StorageSettings(@DefaultValue("30s") Duration clockSampleInterval, @DefaultValue("2s") Duration clockOffsetWarning) {
}
