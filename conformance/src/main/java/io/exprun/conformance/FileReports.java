package io.exprun.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** JUnit XML (one testsuite per category, one testcase per check: what CI servers render) and JSON for machines. */
final class FileReports {

    private FileReports() {}

    static void junitXml(Report r, Path file) throws IOException {
        createParent(file);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(w);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "exprun conformance of " + r.target());
            x.writeAttribute("tests", Integer.toString(r.cases().size()));
            x.writeAttribute("failures", Long.toString(r.count(CaseResult.Outcome.FAILED)));
            x.writeAttribute("skipped", Long.toString(r.count(CaseResult.Outcome.SKIPPED)));
            for (Map.Entry<String, int[]> category : r.byCategory().entrySet()) {
                List<CaseResult> cases = r.cases().stream()
                        .filter(c -> c.category().equals(category.getKey()))
                        .toList();
                x.writeStartElement("testsuite");
                x.writeAttribute("name", "exprun.conformance." + category.getKey());
                x.writeAttribute("tests", Integer.toString(cases.size()));
                x.writeAttribute("failures", Integer.toString(category.getValue()[1]));
                x.writeAttribute("errors", "0");
                x.writeAttribute("skipped", Integer.toString(category.getValue()[2]));
                x.writeAttribute(
                        "time",
                        seconds(cases.stream().mapToLong(CaseResult::millis).sum()));
                for (CaseResult c : cases) {
                    x.writeStartElement("testcase");
                    x.writeAttribute("classname", "exprun.conformance." + c.category());
                    x.writeAttribute("name", c.name());
                    x.writeAttribute("time", seconds(c.millis()));
                    if (c.outcome() == CaseResult.Outcome.FAILED) {
                        x.writeStartElement("failure");
                        x.writeAttribute("message", firstLine(c.message()));
                        x.writeCharacters(c.message());
                        x.writeEndElement();
                    } else if (c.outcome() == CaseResult.Outcome.SKIPPED) {
                        x.writeEmptyElement("skipped");
                        x.writeAttribute("message", c.message());
                    }
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + file, e);
        }
    }

    static void json(Report r, Path file) throws IOException {
        createParent(file);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("target", r.target())
                .put("spec_title", r.specTitle())
                .put("spec_version", r.specVersion())
                .put("spec_source", r.specSource())
                .put("read_only", r.readOnly())
                .put("experiment_id", r.experimentId())
                .put("exit_code", r.exitCode());
        ObjectNode totals = root.putObject("totals");
        totals.put("passed", r.count(CaseResult.Outcome.PASSED))
                .put("failed", r.count(CaseResult.Outcome.FAILED))
                .put("skipped", r.count(CaseResult.Outcome.SKIPPED));
        ObjectNode categories = root.putObject("categories");
        r.byCategory()
                .forEach((k, n) -> categories
                        .putObject(k)
                        .put("passed", n[0])
                        .put("failed", n[1])
                        .put("skipped", n[2]));
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : r.cases()) {
            cases.addObject()
                    .put("category", c.category())
                    .put("name", c.name())
                    .put("outcome", c.outcome().name().toLowerCase(Locale.ROOT))
                    .put("message", c.message())
                    .put("millis", c.millis());
        }
        ArrayNode coverage = root.putArray("coverage");
        for (Coverage.Row row : r.coverage().rows()) {
            ObjectNode o = coverage.addObject()
                    .put("operation", row.operationId())
                    .put("status", row.status())
                    .put("declared", row.declared())
                    .put("answers", row.answers());
            row.variantsSeen().forEach(o.putArray("variants_seen")::add);
            row.variantsNotSeen().forEach(o.putArray("variants_not_seen")::add);
        }
        ObjectNode effects = root.putObject("side_effects");
        r.createdRuns().forEach(effects.putArray("created_runs")::add);
        effects.put("cancelled_at_end", r.cancelledAtEnd());
        r.createdExperiments().forEach(effects.putArray("created_experiments")::add);
        effects.put("experiments_deleted_at_end", r.deletedAtEnd());
        json.writeValue(file.toFile(), root);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
