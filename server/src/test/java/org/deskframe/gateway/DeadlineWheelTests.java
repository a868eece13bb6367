package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The timing wheel against a plain map of due times: whatever the order of placing, moving, cancelling and draining,
 * nothing comes out early, nothing due stays in, nothing cancelled comes out, and nothing comes out twice.
 */
class DeadlineWheelTests {

    private static final long TICK = 500;
    private static final int SLOTS = 16; // 8 s a turn: the operations below cross many turns and pauses longer than one

    static final class Item extends DeadlineWheel.Entry {
        final int id;

        Item(int id) {
            this.id = id;
        }
    }

    /** kind 0: place (or move) item {@code id} due {@code value} ms from now; 1: cancel it; 2: advance the clock by {@code value} ms and drain. */
    record Op(int kind, int id, long value) {}

    @Property(tries = 2000)
    void drainsExactlyWhatIsDueByTheTickAndNothingElse(@ForAll("operations") List<Op> ops, @ForAll("starts") long start) {
        DeadlineWheel<Item> wheel = new DeadlineWheel<>(TICK, SLOTS, start);
        Item[] items = new Item[12];
        for (int i = 0; i < items.length; i++) items[i] = new Item(i);
        Map<Integer, Long> model = new HashMap<>();
        // The tick each waiting item is due at: its time's, or the first tick not drained yet if that one was drained.
        Map<Integer, Long> dueTick = new HashMap<>();
        long firstUndrained = Math.floorDiv(start, TICK);
        long now = start;
        for (Op op : ops) {
            switch (op.kind()) {
                case 0 -> {
                    wheel.schedule(items[op.id()], now + op.value());
                    model.put(op.id(), now + op.value());
                    dueTick.put(op.id(), Math.max(firstUndrained, Math.ceilDiv(now + op.value(), TICK)));
                }
                case 1 -> {
                    wheel.cancel(items[op.id()]);
                    model.remove(op.id());
                }
                default -> {
                    now += op.value();
                    long tick = Math.floorDiv(now, TICK);
                    Set<Integer> out = new HashSet<>();
                    for (Item item : wheel.drainDue(now)) {
                        assertThat(out.add(item.id)).as("item %d came out twice", item.id).isTrue();
                        assertThat(model).as("item %d came out but was not waiting", item.id).containsKey(item.id);
                        assertThat(model.get(item.id)).as("item %d came out early", item.id).isLessThanOrEqualTo(now);
                        model.remove(item.id);
                    }
                    for (int id : model.keySet()) {
                        assertThat(dueTick.get(id)).as("item %d was due by the tick but stayed in", id).isGreaterThan(tick);
                    }
                    firstUndrained = Math.max(firstUndrained, tick + 1);
                }
            }
            assertThat(wheel.size()).isEqualTo(model.size());
        }
    }

    @Test
    void anEntryDueSeveralTurnsAheadWaitsThroughThemAndComesOutOnItsTick() {
        DeadlineWheel<Item> wheel = new DeadlineWheel<>(TICK, SLOTS, 0);
        Item far = new Item(1);
        long due = 3 * SLOTS * TICK + 250; // in slot 1 of the fourth turn
        wheel.schedule(far, due);
        for (long now = TICK; now < due + TICK; now += TICK) {
            List<Item> out = wheel.drainDue(now);
            if (now < due) assertThat(out).as("at %d ms", now).isEmpty();
            else assertThat(out).containsExactly(far);
        }
        assertThat(wheel.size()).isZero();
    }

    @Test
    void aTimeAlreadyPastComesOutWithTheNextTickAndMovingAnEntryLeavesNoCopy() {
        DeadlineWheel<Item> wheel = new DeadlineWheel<>(TICK, SLOTS, 10_000);
        Item item = new Item(1);
        wheel.schedule(item, 20_000);
        wheel.schedule(item, 1_000);
        assertThat(wheel.size()).isOne();
        assertThat(wheel.drainDue(10_000)).containsExactly(item);
        wheel.schedule(item, 9_000); // in the tick just drained: out with the next one
        assertThat(wheel.drainDue(10_400)).isEmpty();
        assertThat(wheel.drainDue(10_500)).containsExactly(item);
        assertThat(wheel.drainDue(30_000)).isEmpty();
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> place = Combinators.combine(Arbitraries.integers().between(0, 11),
                Arbitraries.longs().between(-3_000, 40_000)).as((id, in) -> new Op(0, id, in));
        Arbitrary<Op> cancel = Arbitraries.integers().between(0, 11).map(id -> new Op(1, id, 0));
        // Mostly short steps, sometimes a pause of several turns.
        Arbitrary<Op> drain = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(0, 1_500)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1_500, 60_000))).map(step -> new Op(2, 0, step));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, place), net.jqwik.api.Tuple.of(1, cancel),
                net.jqwik.api.Tuple.of(4, drain)).list().ofMinSize(1).ofMaxSize(80);
    }

    @Provide
    Arbitrary<Long> starts() {
        return Arbitraries.longs().between(-1_000_000, 2_000_000_000_000L);
    }
}
