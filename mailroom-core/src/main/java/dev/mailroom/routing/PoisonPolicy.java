package dev.mailroom.routing;

/**
 * What a dead event (attempts used up, or refused as poison) does to the later events of its key,
 * chosen per route. The relay and the inbox worker both honour it; it needs key-ordered claims.
 */
public enum PoisonPolicy {
    /** The key moves on past the dead event (the default): later events of the key are delivered. */
    CONTINUE,
    /**
     * The dead event holds back every later event of its key until an operator skips it (it stays
     * dead, the key moves on) or retries it (it is delivered first, then the rest in order).
     */
    HOLD_KEY
}
