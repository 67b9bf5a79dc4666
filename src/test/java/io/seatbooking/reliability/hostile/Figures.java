package io.seatbooking.reliability.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures of the hostile-input suite, one line per property, printed with a fixed prefix
 * ({@code HOSTILE-SUMMARY}) and appended to {@code target/hostile-summary.txt}, for
 * docs/reliability.md.
 */
public final class Figures {

    public static final String PREFIX = "HOSTILE-SUMMARY ";
    private static final Path FILE = Path.of("target", "hostile-summary.txt");

    private Figures() {
    }

    public static void print(String line) {
        System.out.println(PREFIX + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, PREFIX + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(could not write " + FILE + ": " + e.getMessage() + ")");
        }
    }
}
