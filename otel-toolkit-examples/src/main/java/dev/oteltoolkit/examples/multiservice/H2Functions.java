package dev.oteltoolkit.examples.multiservice;

/**
 * What the scenario's slow query needs from PostgreSQL when it runs on the embedded H2 fallback:
 * {@code PG_SLEEP(seconds)}, registered with {@code CREATE ALIAS}. H2 calls it by reflection, hence
 * public.
 */
public final class H2Functions {

  private H2Functions() {}

  /**
   * Sleeps as PostgreSQL's {@code pg_sleep} does.
   *
   * @param seconds how long to sleep
   * @throws InterruptedException if interrupted while sleeping
   */
  public static void pgSleep(double seconds) throws InterruptedException {
    Thread.sleep((long) (seconds * 1000));
  }
}
