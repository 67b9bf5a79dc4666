package io.seatbooking.platform;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.ImageMode;

/**
 * Jackson reads and writes the service's records (request and response bodies, the events in the
 * outbox) through accessors generated once per property (Blackbird) instead of a reflective call
 * per property and value. On the JVM only: a native image cannot define classes at run time, and
 * there the reflective path is compiled ahead of time anyway (docs/decisions.md, "The service's
 * own CPU").
 */
@Singleton
public class JsonAccessors implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        if (ImageMode.current() == ImageMode.JVM) {
            mapper.registerModule(new BlackbirdModule());
        }
    }
}
