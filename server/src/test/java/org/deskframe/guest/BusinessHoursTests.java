package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BusinessHoursTests {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private final BusinessHours weekdays = new BusinessHours(BERLIN, List.of(
            new BusinessHours.Period(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(17, 0)),
            new BusinessHours.Period(DayOfWeek.FRIDAY, LocalTime.of(22, 0), LocalTime.of(2, 0))));

    @Test
    void whenWithinAPeriodInTheDeploymentsTimeZoneThenOpen() {
        // 2026-11-30 is a Monday; 08:30 UTC is 09:30 in Berlin (CET, UTC+1).
        assertThat(weekdays.isOpen(Instant.parse("2026-11-30T08:30:00Z"))).isTrue();
        assertThat(weekdays.isOpen(Instant.parse("2026-11-30T07:59:00Z"))).isFalse();
        assertThat(weekdays.isOpen(Instant.parse("2026-11-30T16:00:00Z"))).as("17:00 closes").isFalse();
        assertThat(weekdays.isOpen(Instant.parse("2026-12-01T08:30:00Z"))).as("Tuesday").isFalse();
    }

    @Test
    void whenAPeriodClosesAfterMidnightThenItRunsIntoTheNextDay() {
        assertThat(weekdays.isOpen(Instant.parse("2026-12-04T21:30:00Z"))).as("Friday 22:30").isTrue();
        assertThat(weekdays.isOpen(Instant.parse("2026-12-05T00:30:00Z"))).as("Saturday 01:30").isTrue();
        assertThat(weekdays.isOpen(Instant.parse("2026-12-05T01:30:00Z"))).as("Saturday 02:30").isFalse();
    }

    @Test
    void whenClosedThenTheCustomerIsToldTheOfflineMessageInsteadOfTheGreeting() {
        MessengerDeployment d = new MessengerDeployment("web", "demo", "Web", Set.of("https://shop.example"), "q", "Hello!",
                weekdays, "We are closed; we answer on Monday.", List.of(), null, Instant.EPOCH, Instant.EPOCH);
        assertThat(d.openingMessage(Instant.parse("2026-11-30T08:30:00Z"))).isEqualTo("Hello!");
        assertThat(d.openingMessage(Instant.parse("2026-12-01T08:30:00Z"))).isEqualTo("We are closed; we answer on Monday.");
        MessengerDeployment always = new MessengerDeployment("web", "demo", "Web", Set.of("https://shop.example"), "q", "Hello!",
                null, null, List.of(), null, Instant.EPOCH, Instant.EPOCH);
        assertThat(always.openingMessage(Instant.parse("2026-12-01T08:30:00Z"))).isEqualTo("Hello!");
        assertThat(always.allows("https://shop.example")).isTrue();
        assertThat(always.allows("https://shop.example:443")).as("exact, like OAuth clients").isFalse();
        assertThat(always.allows(null)).isFalse();
    }
}
