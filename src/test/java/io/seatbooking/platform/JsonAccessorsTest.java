package io.seatbooking.platform;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;

import io.quarkus.test.junit.QuarkusTest;

/** The ObjectMapper that serves the API and writes the events uses generated accessors on the JVM. */
@QuarkusTest
class JsonAccessorsTest {

    @Inject
    ObjectMapper json;

    @Test
    void theApplicationsObjectMapperHasBlackbird() {
        assertThat(json.getRegisteredModuleIds()).contains(new BlackbirdModule().getTypeId());
    }
}
