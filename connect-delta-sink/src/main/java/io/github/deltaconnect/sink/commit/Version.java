package io.github.deltaconnect.sink.commit;

/** The plugin version, from the jar manifest (Implementation-Version). */
public final class Version {
  private Version() {}

  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
