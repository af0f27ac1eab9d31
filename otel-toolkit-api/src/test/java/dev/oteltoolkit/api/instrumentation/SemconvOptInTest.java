package dev.oteltoolkit.api.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oteltoolkit.api.instrumentation.SemconvOptIn.Mode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The opt-in list read as OpenTelemetry's Java instrumentations 2.31.1 read it. */
class SemconvOptInTest {

  private static final String[] DOMAINS = {"database", "http", "gen_ai_latest_experimental"};

  /** Entries that belong to nobody, or look like ours and are not. */
  private static final String[] UNKNOWN = {
    "messaging",
    "rpc",
    "code",
    "DATABASE",
    "Http/dup",
    "database/DUP",
    "database/",
    "/dup",
    "database/dupx",
    "databases",
    "http /dup",
    "dup",
    "*"
  };

  private static final String[] BLANKS = {"", " ", "\t", "  ", " \t "};

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL | UNSET | UNSET",
        "'' | UNSET | UNSET",
        "' , ,, ' | UNSET | UNSET",
        "database | OPT_IN | UNSET",
        "database/dup | DUP | UNSET",
        "http/dup,database/dup | DUP | DUP",
        "' http/dup , database ' | OPT_IN | DUP",
        // /dup wins wherever it stands
        "database,database/dup | DUP | UNSET",
        "database/dup,database | DUP | UNSET",
        // exact entries: no case folding, no prefixes, no inner whitespace
        "DATABASE/dup,Http | UNSET | UNSET",
        "database /dup | UNSET | UNSET",
        "db/dup | UNSET | UNSET",
      })
  void readsEachDomainAsTheOfficialInstrumentationsDo(String list, Mode database, Mode http) {
    SemconvOptIn optIn = SemconvOptIn.parse(list);
    assertThat(optIn.mode("database")).isEqualTo(database);
    assertThat(optIn.mode("http")).isEqualTo(http);
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironmentVariable() {
    Map<String, String> env = Map.of(SemconvOptIn.ENV, "database/dup");
    assertThat(SemconvOptIn.resolve(key -> null, env::get).mode("database")).isEqualTo(Mode.DUP);
    assertThat(
            SemconvOptIn.resolve(Map.of(SemconvOptIn.PROPERTY, "http")::get, env::get)
                .mode("database"))
        .isEqualTo(Mode.UNSET);
    // set but empty: still the property's word, as System.getProperty's "" is for OpenTelemetry
    assertThat(SemconvOptIn.resolve(Map.of(SemconvOptIn.PROPERTY, "")::get, env::get).entries())
        .isEmpty();
    assertThat(SemconvOptIn.resolve(key -> null, key -> null).entries()).isEmpty();
  }

  @Test
  void fromSystemReadsTheSystemProperty() {
    String before = System.getProperty(SemconvOptIn.PROPERTY);
    try {
      System.setProperty(SemconvOptIn.PROPERTY, "http/dup");
      assertThat(SemconvOptIn.fromSystem().mode("http")).isEqualTo(Mode.DUP);
    } finally {
      if (before == null) {
        System.clearProperty(SemconvOptIn.PROPERTY);
      } else {
        System.setProperty(SemconvOptIn.PROPERTY, before);
      }
    }
  }

  /**
   * Random lists of known and unknown entries, repeats, blank entries and whitespace around
   * entries: the parsed entries and each domain's mode match what the generator put in.
   */
  @Test
  void randomListsGiveTheExpectedSet() {
    long seed = 0x5EC0_2025L;
    Random random = new Random(seed);
    for (int run = 0; run < 2_000; run++) {
      List<String> written = new ArrayList<>();
      Set<String> expected = new LinkedHashSet<>();
      int count = random.nextInt(7);
      for (int i = 0; i < count; i++) {
        String entry;
        switch (random.nextInt(4)) {
          case 0:
            entry = DOMAINS[random.nextInt(DOMAINS.length)];
            break;
          case 1:
            entry = DOMAINS[random.nextInt(DOMAINS.length)] + "/dup";
            break;
          case 2:
            entry = UNKNOWN[random.nextInt(UNKNOWN.length)];
            break;
          default:
            entry = "";
            break;
        }
        if (!entry.isEmpty()) {
          expected.add(entry);
        }
        written.add(pad(random) + entry + pad(random));
      }
      String list = String.join(",", written);
      SemconvOptIn optIn = SemconvOptIn.parse(list);
      String context = "seed " + seed + ", run " + run + ": '" + list + "'";
      assertThat(optIn.entries()).as(context).containsExactlyElementsOf(expected);
      for (String domain : DOMAINS) {
        Mode mode =
            expected.contains(domain + "/dup")
                ? Mode.DUP
                : expected.contains(domain) ? Mode.OPT_IN : Mode.UNSET;
        assertThat(optIn.mode(domain)).as(context + " " + domain).isEqualTo(mode);
      }
      assertThat(SemconvOptIn.parse(list)).as(context).isEqualTo(optIn);
    }
  }

  private static String pad(Random random) {
    return BLANKS[random.nextInt(BLANKS.length)];
  }
}
