package dev.baton.example.payara;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves the JAX-RS resources at the root of the application's context ({@code /baton}). */
@ApplicationPath("/")
public class RestApplication extends Application {}
