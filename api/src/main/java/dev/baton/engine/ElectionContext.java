package dev.baton.engine;

import dev.baton.ElectionSettings;

/**
 * What every part of one group's election shares and never changes: who competes for which group, with which
 * timing, on which clock, and whether the store answers. One object instead of the same five parameters on every
 * part ({@link ElectionState}, {@link StepChain}, {@link StepAnswers}).
 *
 * @param group the group's name
 * @param participant this participant's id
 * @param settings the group's timing
 * @param scheduler the clock and timer of every step and deadline
 * @param health whether the store answers (written under the election's lock)
 */
record ElectionContext(String group, String participant, ElectionSettings settings, Scheduler scheduler,
        BackendHealth health) {}
