package io.github.deltaconnect.sink.buffer;

/**
 * Strings (as UTF-8) and binary values read where they are buffered: the array holding a row's
 * bytes, where they start and how many there are. Lets the Parquet writer hand buffered bytes to
 * the encoder without a copy per value.
 */
public interface ByteSlices {
  byte[] array(int rowId);

  int offset(int rowId);

  int length(int rowId);
}
