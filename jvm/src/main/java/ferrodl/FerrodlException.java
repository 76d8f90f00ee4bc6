package ferrodl;

/** An error from ferrodl's native engine: corrupt data, an unknown layer, or a native panic. */
public class FerrodlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FerrodlException(String message) {
    super(message);
  }

  public FerrodlException(String message, Throwable cause) {
    super(message, cause);
  }
}
