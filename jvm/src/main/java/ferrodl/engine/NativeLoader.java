package ferrodl.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 *   <li>Otherwise the library bundled in the jar under {@code /ferrodl/native/<os>-<arch>/} (for
 *       {@code linux-x86_64} and {@code linux-aarch64}, chosen by {@code os.arch}) is
 *       checked against the SHA-256 the jar records next to it, and extracted to
 *       {@code libferrodl-<sha256>.so} in a directory only its owner may use: {@code
 *       ferrodl.native.dir}, {@code FERRODL_NATIVE_DIR}, or {@code java.io.tmpdir}. An existing
 *       file is loaded only if its hash matches; otherwise the loader refuses and says why. Other
 *       versions left there for more than a day are removed.
 * </ol>
 */
public final class NativeLoader {
  private static final Object LOCK = new Object();
  private static volatile Path loaded;
  private static final long STALE_AFTER_MS = 24L * 3600 * 1000;

  private NativeLoader() {}

  /** The platforms the jar carries a library for (glibc 2.17 or newer). */
  public static final List<String> BUNDLED_PLATFORMS =
      java.util.Collections.unmodifiableList(java.util.Arrays.asList("linux-x86_64", "linux-aarch64"));

  /** The platform directory name of this JVM, e.g. {@code linux-x86_64}. */
  public static String platform() {
    return platform(System.getProperty("os.name", "unknown"), System.getProperty("os.arch", "unknown"));
  }

  /**
   * The platform directory name for an {@code os.name} and {@code os.arch}: {@code amd64} and
   * {@code x86_64} are {@code x86_64}, {@code aarch64} and {@code arm64} are {@code aarch64}; other
   * names are kept as they are (lower case), and no library is bundled for them.
   */
  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    String o = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : os;
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
    return o + "-" + a;
  }

  /** Why no bundled library fits this platform, or null when one does. */
  static String unsupportedReason(String platform) {
    if (BUNDLED_PLATFORMS.contains(platform)) {
      return null;
    }
    return "ferrodl bundles native libraries for "
        + String.join(" and ", BUNDLED_PLATFORMS)
        + " (glibc 2.17 or newer) only, not for "
        + platform
        + "; build libferrodl for this platform from source (scripts/build-native.sh) and point"
        + " -Dferrodl.native.library (or FERRODL_NATIVE_LIBRARY) at it";
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
    String unsupported = unsupportedReason(platform());
    if (unsupported != null) {
      tried.add("no bundled library");
      throw new IOException(unsupported);
    }
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
    String recorded = null;
    try (InputStream in = NativeLoader.class.getResourceAsStream(resource + ".sha256")) {
      if (in != null) {
        recorded = new String(readAll(in), StandardCharsets.US_ASCII).trim();
      }
    }
    String base = firstNonEmpty(System.getProperty("ferrodl.native.dir"), System.getenv("FERRODL_NATIVE_DIR"));
    Path dir = base != null ? Paths.get(base) : Paths.get(System.getProperty("java.io.tmpdir"), "ferrodl-" + System.getProperty("user.name", "user"));
    Path target = extractTo(dir, bytes, recorded);
    tried.add("extracted " + target);
    return target;
  }

  /**
   * Writes {@code bytes} (a library whose SHA-256 the jar records as {@code recordedHash}, or null
   * when the jar records none) to a content-hashed file in {@code dir}, a directory only its owner
   * may use, and returns that file. An existing file of that name is reused only if its hash
   * matches; a mismatch means somebody changed it, and the loader refuses rather than load it.
   * Other libraries and temporary files older than a day are removed.
   */
  static Path extractTo(Path dir, byte[] bytes, String recordedHash) throws IOException {
    String hash = sha256(bytes);
    if (recordedHash != null && !recordedHash.equals(hash)) {
      throw new IOException(
          "the library in the jar is corrupt: its SHA-256 is " + hash + " but the jar records " + recordedHash);
    }
    createPrivateDir(dir);
    String name = libraryFileName();
    int dot = name.lastIndexOf('.');
    String prefix = name.substring(0, dot) + "-";
    Path target = dir.resolve(prefix + hash.substring(0, 32) + name.substring(dot));
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("refusing to load " + target + ": it is not a regular file");
      }
      String found = sha256(Files.readAllBytes(target));
      if (!found.equals(hash)) {
        throw new IOException(
            "refusing to load "
                + target
                + ": its SHA-256 is "
                + found
                + " but the jar's library has "
                + hash
                + "; the file was modified after extraction. Delete it or set ferrodl.native.dir to another directory");
      }
    } else {
      Path tmp = Files.createTempFile(dir, prefix, ".tmp");
      try {
        Files.write(tmp, bytes);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target);
        } catch (FileAlreadyExistsException e) {
          // Another JVM extracted the same library at the same moment; check what it wrote.
          return extractTo(dir, bytes, recordedHash);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    removeStale(dir, prefix, target);
    return target;
  }

  /** Deletes other versions of the library and abandoned temporary files older than a day. */
  private static void removeStale(Path dir, String prefix, Path keep) {
    long cutoff = System.currentTimeMillis() - STALE_AFTER_MS;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path f : files) {
        try {
          if (!f.equals(keep)
              && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
              && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
            Files.deleteIfExists(f);
          }
        } catch (IOException e) {
          // Another JVM may be removing it too; a leftover file is harmless.
        }
      }
    } catch (IOException e) {
      // Listing failed: cleaning up is best effort.
    }
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
    if (posix) {
      String owner = Files.getOwner(dir).getName();
      if (!owner.equals(System.getProperty("user.name"))) {
        throw new IOException(
            "refusing to extract into " + dir + ": it belongs to " + owner + ", not to " + System.getProperty("user.name")
                + "; set ferrodl.native.dir to a directory of your own");
      }
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
