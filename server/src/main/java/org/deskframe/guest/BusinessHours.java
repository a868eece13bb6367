package org.deskframe.guest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * When a deployment's team answers: weekly periods in one time zone. A period that closes at or before it opens runs
 * past midnight into the next day.
 */
public record BusinessHours(ZoneId timeZone, List<Period> periods) {

    public BusinessHours {
        periods = List.copyOf(periods);
    }

    public record Period(DayOfWeek day, LocalTime opens, LocalTime closes) {}

    public boolean isOpen(Instant at) {
        ZonedDateTime local = at.atZone(timeZone);
        LocalTime time = local.toLocalTime();
        for (Period p : periods) {
            boolean overnight = !p.closes().isAfter(p.opens());
            if (p.day() == local.getDayOfWeek()) {
                if (!time.isBefore(p.opens()) && (overnight || time.isBefore(p.closes()))) return true;
            }
            if (overnight && p.day().plus(1) == local.getDayOfWeek() && time.isBefore(p.closes())) return true;
        }
        return false;
    }
}
