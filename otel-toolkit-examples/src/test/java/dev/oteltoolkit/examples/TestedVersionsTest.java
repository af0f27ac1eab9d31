package dev.oteltoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The root README's "Tested with" table names the versions the build really tests with: each row
 * equals the pom property that pins that library, and every row is checked.
 */
class TestedVersionsTest {

  private static final Path ROOT = Path.of("..");

  /** Coordinates in the table, and the pom and property that pin them. */
  private static final Map<String, String[]> PINNED = new LinkedHashMap<>();

  static {
    PINNED.put(
        "io.opentelemetry:opentelemetry-bom", new String[] {"pom.xml", "opentelemetry.version"});
    PINNED.put(
        "com.zaxxer:HikariCP", new String[] {"otel-toolkit-jdbc/pom.xml", "hikaricp.version"});
    PINNED.put(
        "org.postgresql:postgresql",
        new String[] {"otel-toolkit-jdbc/pom.xml", "postgresql.version"});
    PINNED.put(
        "org.mariadb.jdbc:mariadb-java-client",
        new String[] {"otel-toolkit-jdbc/pom.xml", "mariadb-java-client.version"});
    PINNED.put(
        "com.rabbitmq:amqp-client",
        new String[] {"otel-toolkit-messaging/pom.xml", "amqp-client.version"});
    PINNED.put("io.nats:jnats", new String[] {"otel-toolkit-messaging/pom.xml", "jnats.version"});
    PINNED.put("org.slf4j:slf4j-api", new String[] {"pom.xml", "slf4j.version"});
    PINNED.put("ch.qos.logback:logback-classic", new String[] {"pom.xml", "logback.version"});
    PINNED.put("org.apache.logging.log4j:log4j-core", new String[] {"pom.xml", "log4j2.version"});
    PINNED.put("com.openai:openai-java-core", new String[] {"pom.xml", "openai-java.version"});
    PINNED.put("com.anthropic:anthropic-java", new String[] {"pom.xml", "anthropic-java.version"});
    PINNED.put("dev.langchain4j:langchain4j", new String[] {"pom.xml", "langchain4j.version"});
  }

  @Test
  void theTestedWithTableAgreesWithThePoms() throws Exception {
    Map<String, String> table = testedWithTable();
    assertThat(table.keySet())
        .as("rows of the README's Tested with table; each needs its pom property here")
        .containsExactlyInAnyOrderElementsOf(PINNED.keySet());

    Map<String, String> fromPoms = new LinkedHashMap<>();
    for (Map.Entry<String, String[]> pinned : PINNED.entrySet()) {
      fromPoms.put(pinned.getKey(), property(pinned.getValue()[0], pinned.getValue()[1]));
    }
    assertThat(table).as("README Tested with table vs the poms").isEqualTo(fromPoms);
  }

  @Test
  void thePostgresqlDriverOfTheExamplesIsTheTestedOne() throws Exception {
    // the examples pin the driver by hand: keep it the version the table names
    String examplesPom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
    assertThat(examplesPom)
        .contains(
            "<version>"
                + property("otel-toolkit-jdbc/pom.xml", "postgresql.version")
                + "</version>");
  }

  /** Coordinates to version, from the rows {@code | name | `g:a` | version |} of the section. */
  private static Map<String, String> testedWithTable() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("\n## Tested with\n");
    assertThat(start).as("README has a '## Tested with' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : section.split("\n")) {
      String[] cells = line.split("\\|");
      if (cells.length < 4 || !cells[2].trim().startsWith("`")) {
        continue;
      }
      String coordinates = cells[2].trim().replace("`", "");
      assertThat(rows.put(coordinates, cells[3].trim())).as("row " + coordinates).isNull();
    }
    return rows;
  }

  private static String property(String pom, String name) throws Exception {
    Element project =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(ROOT.resolve(pom).toFile())
            .getDocumentElement();
    NodeList children = project.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node node = children.item(i);
      if (node instanceof Element && ((Element) node).getTagName().equals("properties")) {
        NodeList values = ((Element) node).getElementsByTagName(name);
        if (values.getLength() == 1) {
          return values.item(0).getTextContent().trim();
        }
      }
    }
    throw new AssertionError(pom + " has no property " + name);
  }
}
