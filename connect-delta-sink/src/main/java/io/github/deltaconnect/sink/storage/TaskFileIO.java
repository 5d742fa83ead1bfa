package io.github.deltaconnect.sink.storage;

import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.defaults.engine.hadoopio.HadoopInputFile;
import io.delta.kernel.defaults.engine.hadoopio.HadoopPositionOutputStream;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Kernel's storage access for one task: every read, listing and write of its engine goes through
 * the task's own filesystems ({@link TaskFileSystems}), and log files are written with
 * {@code logWriter}'s put-if-absent. Kernel's {@code HadoopFileIO} would look each filesystem up
 * in Hadoop's JVM-wide cache and make log stores by reflection from the configuration alone.
 */
public final class TaskFileIO implements FileIO {
  private final TaskFileSystems fileSystems;
  private final LogWriter logWriter;

  public TaskFileIO(TaskFileSystems fileSystems, LogWriter logWriter) {
    this.fileSystems = fileSystems;
    this.logWriter = logWriter;
  }

  /** Files in {@code path}'s directory whose names sort at or after its name, sorted by name. */
  @Override
  public CloseableIterator<FileStatus> listFrom(String path) throws IOException {
    Path from = new Path(path);
    FileSystem fs = fileSystems.get(from);
    Path dir = from.getParent();
    if (!fs.exists(dir)) {
      throw new FileNotFoundException("No such directory: " + dir);
    }
    String name = from.getName();
    Iterator<FileStatus> files = Arrays.stream(fs.listStatus(dir))
        .filter(f -> f.getPath().getName().compareTo(name) >= 0)
        .sorted(Comparator.comparing(f -> f.getPath().getName()))
        .map(f -> FileStatus.of(f.getPath().toString(), f.getLen(), f.getModificationTime()))
        .iterator();
    return Utils.toCloseableIterator(files);
  }

  @Override
  public FileStatus getFileStatus(String path) throws IOException {
    Path p = new Path(path);
    org.apache.hadoop.fs.FileStatus status = fileSystems.get(p).getFileStatus(p);
    return FileStatus.of(status.getPath().toString(), status.getLen(),
        status.getModificationTime());
  }

  @Override
  public String resolvePath(String path) throws IOException {
    Path p = new Path(path);
    return fileSystems.get(p).makeQualified(p).toString();
  }

  @Override
  public boolean mkdirs(String path) throws IOException {
    Path p = new Path(path);
    return fileSystems.get(p).mkdirs(p);
  }

  @Override
  public InputFile newInputFile(String path, long fileSize) {
    Path p = new Path(path);
    return new HadoopInputFile(fileSystems.get(p), p, fileSize);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return new Output(new Path(path));
  }

  @Override
  public boolean delete(String path) throws IOException {
    Path p = new Path(path);
    return fileSystems.get(p).delete(p, false);
  }

  @Override
  public Optional<String> getConf(String key) {
    return Optional.ofNullable(fileSystems.conf().get(key));
  }

  @Override
  public void copyFileAtomically(String from, String to, boolean overwrite) throws IOException {
    Path source = new Path(from);
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        fileSystems.get(source).open(source), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    }
    Path target = new Path(to);
    logWriter.write(fileSystems.get(target), target, lines.iterator(), overwrite);
  }

  /** A file Kernel writes: checkpoints and other whole files, or log files written at once. */
  private final class Output implements OutputFile {
    private final Path path;

    Output(Path path) {
      this.path = path;
    }

    @Override
    public String path() {
      return path.toString();
    }

    /**
     * {@code atomic}: the file must appear whole or not at all. Writes of S3 and GCS objects are;
     * elsewhere the file is written under a temporary name and renamed into place.
     */
    @Override
    public PositionOutputStream create(boolean atomic) throws IOException {
      FileSystem fs = fileSystems.get(path);
      String scheme = fs.makeQualified(path).toUri().getScheme();
      if (!atomic || scheme.startsWith("s3") || scheme.equals("gs")) {
        return new HadoopPositionOutputStream(fs.create(path));
      }
      Path temp = new Path(path.getParent(), "." + path.getName() + "." + java.util.UUID.randomUUID()
          + ".tmp");
      return new HadoopPositionOutputStream(fs.create(temp, false)) {
        @Override
        public void close() throws IOException {
          super.close();
          if (!fs.rename(temp, path)) {
            fs.delete(temp, false);
            if (fs.exists(path)) {
              throw new java.nio.file.FileAlreadyExistsException(path.toString());
            }
            throw new IOException("could not rename " + temp + " to " + path);
          }
        }
      };
    }

    @Override
    public void writeAtomically(CloseableIterator<String> lines, boolean overwrite)
        throws IOException {
      try (lines) {
        logWriter.write(fileSystems.get(path), path, lines, overwrite);
      }
    }
  }
}
