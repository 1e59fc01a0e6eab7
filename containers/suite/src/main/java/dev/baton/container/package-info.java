/**
 * The in-container suite, written once and run unchanged on every container module (Weld embedded, WildFly, Open
 * Liberty, Payara Micro): {@link dev.baton.container.BatonIT} deploys one WAR holding Baton's jars as libraries
 * (with the memory backend, so no server is needed) and checks in the container that the extension registers its
 * beans without a {@code beans.xml}, that {@code @Leader} guards CDI calls and EJB timers, that events, the
 * readiness check and the WAR's configuration work; {@code errors} checks that a bad annotation fails the
 * deployment.
 */
package dev.baton.container;
