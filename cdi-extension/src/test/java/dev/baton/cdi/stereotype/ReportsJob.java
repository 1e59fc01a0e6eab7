package dev.baton.cdi.stereotype;

import dev.baton.Leader;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stereotype that guards every business method of its beans in the reports group. */
@Stereotype
@Leader("reports")
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ReportsJob {}
