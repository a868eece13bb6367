package org.deskframe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deskframe.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The architecture, checked: each capability reaches another only through its root package (its API), only if its
 * {@code package-info.java} allows it, and without cycles. The module diagrams in {@code docs/modules/} are rendered
 * from the same model and kept in step like every generated doc.
 */
class ModularityTests {

    static final ApplicationModules MODULES = ApplicationModules.of(DeskframeApplication.class);

    @Test
    void capabilitiesUseOnlyTheApisTheyDeclare() {
        MODULES.verify();
    }

    @Test
    void moduleDiagramsMatchTheCode() throws IOException {
        Path out = Path.of("target", "modulith-docs");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(out.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();
        List<Path> files;
        try (Stream<Path> listing = Files.list(out)) {
            files = listing.filter(p -> p.toString().endsWith(".puml")).sorted().toList();
        }
        for (Path file : files) {
            GeneratedDocs.checkOrWrite("modules/" + file.getFileName(), canonical(Files.readString(file)));
        }
    }

    /** The documenter lists relations in hash order, which varies between runs: sort them so the files are stable. */
    static String canonical(String puml) {
        List<String> lines = List.of(puml.split("\n", -1));
        List<String> relations = lines.stream().filter(l -> l.startsWith("Rel(")).sorted().toList();
        StringBuilder out = new StringBuilder();
        boolean placed = false;
        for (String line : lines) {
            if (line.startsWith("Rel(")) {
                if (!placed) {
                    relations.forEach(r -> out.append(r).append('\n'));
                    placed = true;
                }
                continue;
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
