package dev.baton.cdi.stereotype;

import dev.baton.Leader;
import dev.baton.OnFollower;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stereotype that guards in the reports group and throws on a follower. */
@Stereotype
@Leader(value = "reports", onFollower = OnFollower.THROW)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StrictReportsJob {}
