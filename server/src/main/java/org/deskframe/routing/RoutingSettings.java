package org.deskframe.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Routing settings (per queue settings live in the database, set through the admin API).
 *
 * @param offlineGrace            how long an agent whose last gateway session dropped keeps its presence before it
 *                                goes {@code offline} (a reload or a network blip must not cost it its conversations)
 * @param sweepInterval           how often every node looks for expired offers, ended after-contact work, agents past
 *                                the grace period and waiting work (offer timers are stored, this only finds them)
 * @param ignoredOffersBeforeAway offers an agent may let expire in a row before it is set {@code away}; 0: never
 * @param requeueUnansweredAfter  an assigned conversation its agent has not answered for this long goes back to its
 *                                queue at its original place; 0: never
 * @param retellUnansweredAfter   an assigned conversation its agent has not answered for this long is told again
 *                                ({@code conversation_assigned}) to each open session of the agent, once per session: a
 *                                push lost where no sequence shows it cannot hold a conversation unseen; 0: never
 * @param requeueWhenOffline      whether an agent going offline returns its assigned conversations to their queues
 *                                (at their original places); its open offers are always withdrawn
 * @param closeInactiveAfter      a routed conversation without any message for this long is closed by the system
 *                                (reason {@code inactivity}); 0: never
 * @param defaultHandleTime       the handling time assumed for the estimated wait until a queue has closed conversations
 * @param supervisorDebounce      how long the supervisor view collects routing changes before it pushes {@code queues}
 *                                (a burst of arrivals gives one push per watcher)
 * @param supervisorResync        how often every watched view is read again even without a change heard of (a
 *                                {@code routing.queues_changed} lost while Redis was away, a change made outside
 *                                routing): the longest a watcher's view stays stale; pushed only when it differs
 */
@ConfigurationProperties("deskframe.routing")
public record RoutingSettings(@DefaultValue("30s") Duration offlineGrace, @DefaultValue("1s") Duration sweepInterval,
                              @DefaultValue("3") int ignoredOffersBeforeAway, @DefaultValue("0s") Duration requeueUnansweredAfter,
                              @DefaultValue("10s") Duration retellUnansweredAfter,
                              @DefaultValue("true") boolean requeueWhenOffline, @DefaultValue("0s") Duration closeInactiveAfter,
                              @DefaultValue("2m") Duration defaultHandleTime,
                              @DefaultValue("500ms") Duration supervisorDebounce,
                              @DefaultValue("15s") Duration supervisorResync) {

    /**
     * How stale a conversation's stored activity time may be: a message within this of the stored time writes nothing
     * (issue 11: a commit per message for a timer of minutes), so the inactivity close waits this much longer to
     * never close early. A tenth of {@code closeInactiveAfter}, at most 10 s (10 s while the close is off).
     */
    public Duration activityResolution() {
        Duration max = Duration.ofSeconds(10);
        if (closeInactiveAfter.isZero()) return max;
        Duration tenth = closeInactiveAfter.dividedBy(10);
        return tenth.compareTo(max) < 0 ? tenth : max;
    }
}
