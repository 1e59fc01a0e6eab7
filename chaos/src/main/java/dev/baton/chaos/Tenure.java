package dev.baton.chaos;

/**
 * One participant's leadership under one token, as proven by its confirmed work: from the start stamp of its first
 * confirmed unit to the end stamp of its last. The store held that token for that participant during all of it.
 *
 * @param participant the incarnation id
 * @param token the fencing token
 * @param start first confirmed work started
 * @param end last confirmed work ended
 * @param ticks slots executed
 * @param firstSlot the first slot executed, or -1
 * @param lastSlot the last slot executed, or -1
 */
public record Tenure(String participant, long token, long start, long end, int ticks, long firstSlot, long lastSlot) {

    /** @return the participant slot, e.g. {@code p2} */
    public String slot() {
        int dot = participant.indexOf('.');
        return dot < 0 ? participant : participant.substring(0, dot);
    }
}
