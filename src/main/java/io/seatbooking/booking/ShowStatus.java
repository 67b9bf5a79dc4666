package io.seatbooking.booking;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Where a show stands, derived from its times and the clock (only CANCELLED is stored):
 * SCHEDULED before its sales window opens, ON_SALE while holds are taken, OVER once the window
 * closed or the show started, CANCELLED once cancelled. Holds are taken only ON_SALE.
 */
@RegisterForReflection
public enum ShowStatus {
    SCHEDULED,
    ON_SALE,
    CANCELLED,
    OVER
}
