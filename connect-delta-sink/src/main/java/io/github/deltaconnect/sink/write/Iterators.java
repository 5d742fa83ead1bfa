package io.github.deltaconnect.sink.write;

import io.delta.kernel.utils.CloseableIterator;
import java.util.Iterator;

/** Adapts plain iterators to Kernel's {@link CloseableIterator} without Kernel's internal utils. */
public final class Iterators {
  private Iterators() {}

  public static <T> CloseableIterator<T> closeable(Iterator<T> it) {
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
