package ferrodl.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads ferrodl's native library once per JVM.
 *
 * <ol>
 *   <li>An explicit path wins: system property {@code ferrodl.native.library} or environment
 *       variable {@code FERRODL_NATIVE_LIBRARY}.
 *   <li>Otherwise the library bundled in the jar under {@code /ferrodl/native/<os>-<arch>/} is
 *       extracted to {@code libferrodl-<sha256>.so} in a directory only its owner may use:
 *       {@code ferrodl.native.dir}, {@code FERRODL_NATIVE_DIR}, or {@code java.io.tmpdir}. An
 *       existing file is reused only if its hash matches.
 * </ol>
 */
public final class NativeLoader {
  private static final Object LOCK = new Object();
  private static volatile Path loaded;

  private NativeLoader() {}

  /** The platform directory name, e.g. {@code linux-x86_64}. */
  public static String platform() {
    String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : os;
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
    return o + "-" + a;
  }

  /** The library file name on this OS. */
  public static String libraryFileName() {
    String p = platform();
    return p.startsWith("darwin") ? "libferrodl.dylib" : p.startsWith("windows") ? "ferrodl.dll" : "libferrodl.so";
  }

  /** The path the library was loaded from, or null before {@link #load()}. */
  public static Path loadedPath() {
    return loaded;
  }

  /** Loads the library if no thread has yet; thread-safe and idempotent. */
  public static void load() {
    if (loaded != null) {
      return;
    }
    synchronized (LOCK) {
      if (loaded != null) {
        return;
      }
      List<String> tried = new ArrayList<>();
      String override = firstNonEmpty(System.getProperty("ferrodl.native.library"), System.getenv("FERRODL_NATIVE_LIBRARY"));
      try {
        Path path = override != null ? Paths.get(override).toAbsolutePath() : extract(tried);
        if (override != null) {
          tried.add("override " + path);
        }
        System.load(path.toString());
        loaded = path;
      } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
        throw new UnsatisfiedLinkError(
            "ferrodl: could not load the native library for os="
                + System.getProperty("os.name")
                + " arch="
                + System.getProperty("os.arch")
                + " (platform "
                + platform()
                + "); tried: "
                + String.join("; ", tried)
                + "; cause: "
                + e);
      }
    }
  }

  private static String firstNonEmpty(String a, String b) {
    if (a != null && !a.isEmpty()) {
      return a;
    }
    return b != null && !b.isEmpty() ? b : null;
  }

  private static Path extract(List<String> tried) throws IOException {
    String resource = "/ferrodl/native/" + platform() + "/" + libraryFileName();
    byte[] bytes;
    try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        tried.add("resource " + resource + " (not in the jar: no build for this platform)");
        throw new IOException("no bundled library " + resource);
      }
      bytes = readAll(in);
    }
    tried.add("resource " + resource);
    String hash = sha256(bytes);
    String base = firstNonEmpty(System.getProperty("ferrodl.native.dir"), System.getenv("FERRODL_NATIVE_DIR"));
    Path dir = base != null ? Paths.get(base) : Paths.get(System.getProperty("java.io.tmpdir"), "ferrodl-" + System.getProperty("user.name", "user"));
    createPrivateDir(dir);
    String name = libraryFileName();
    int dot = name.lastIndexOf('.');
    Path target = dir.resolve(name.substring(0, dot) + "-" + hash.substring(0, 32) + name.substring(dot));
    tried.add("extracted " + target);
    if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).equals(hash)) {
      return target;
    }
    Path tmp = Files.createTempFile(dir, "libferrodl-", ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  private static void createPrivateDir(Path dir) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    if (posix && Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 24);
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
