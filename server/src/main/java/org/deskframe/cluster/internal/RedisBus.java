package org.deskframe.cluster.internal;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import org.deskframe.cluster.ClusterSettings;

/**
 * The bus over Redis pub/sub: broadcasts on {@code deskframe:<namespace>:bus}, messages to one node on
 * {@code ...:bus:<node>}, all published from the link's one command connection (so in call order) and received on its
 * subscribed connection. After an outage it subscribes again and reports the outage as a loss.
 */
final class RedisBus extends AbstractBus implements RedisLink.Listener {

    private final RedisLink link;
    private final String everyone;
    private final String channelPrefix;
    private final String mine;

    RedisBus(RedisLink link, ClusterSettings settings) {
        super(settings);
        this.link = link;
        this.channelPrefix = RedisState.keyPrefix(settings.namespace()) + "bus";
        this.everyone = channelPrefix;
        this.mine = channelPrefix + ":" + settings.nodeId();
        link.addListener(this);
        link.onMessage((channel, payload) -> {
            if (everyone.equals(channel)) dispatcher.offer(Dispatcher.Stream.ALL, payload);
            else if (mine.equals(channel)) dispatcher.offer(Dispatcher.Stream.DIRECT, payload);
        });
    }

    @Override
    public void connected(StatefulRedisPubSubConnection<String, String> pubsub) {
        pubsub.async().subscribe(everyone, mine);
    }

    /** Subscribes again each time Redis is back (the first subscription is not awaited, and Lettuce's own may lag). */
    @Override
    public void up(Instant downSince) {
        try {
            link.pubsubAsync().subscribe(everyone, mine);
        } catch (RuntimeException e) {
            link.reportFailure(e);
        }
        if (downSince != null) dispatcher.reportLoss(downSince);
    }

    @Override
    protected boolean transportReady() {
        return link.isUp();
    }

    @Override
    protected boolean transmit(String target, String payload) {
        try {
            link.async().publish(target == null ? everyone : channelPrefix + ":" + target, payload).whenComplete((receivers, e) -> {
                if (e != null) {
                    failedOnTheWay(e);
                    link.reportFailure(e);
                }
            });
            return true;
        } catch (RuntimeException e) {
            link.reportFailure(e);
            return false;
        }
    }
}
