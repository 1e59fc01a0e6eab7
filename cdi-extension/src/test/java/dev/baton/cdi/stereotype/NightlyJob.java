package dev.baton.cdi.stereotype;

import dev.baton.Leader;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stereotype that guards in the nightly group (disagrees with ReportsJob). */
@Stereotype
@Leader("nightly")
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface NightlyJob {}
