package dev.baton.cdi.stereotype;

import dev.baton.Leader;
import jakarta.enterprise.inject.Stereotype;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stereotype that names a group that is not valid. */
@Stereotype
@Leader("Nightly_Job")
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BadlyNamedJob {}
