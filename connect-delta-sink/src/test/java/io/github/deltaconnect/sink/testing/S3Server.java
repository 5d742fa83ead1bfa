package io.github.deltaconnect.sink.testing;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An S3 server in this JVM (S3Proxy on an in-memory store, on 127.0.0.1), recording every PUT with
 * its {@code If-None-Match} header and outcome, so tests can see conditional writes happen.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET_KEY = "test-secret-key-0123456789";

  /** One PUT as the server saw it. */
  public record Put(String key, String ifNoneMatch, boolean accepted) {}

  private final List<Put> puts = new CopyOnWriteArrayList<>();
  private final String accessKey;
  private final String secretKey;
  private final S3Proxy proxy;
  private final BlobStore store;
  private final String endpoint;

  public S3Server() throws Exception {
    this(ACCESS_KEY, SECRET_KEY);
  }

  /** A server that accepts only this identity. */
  public S3Server(String accessKey, String secretKey) throws Exception {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    store = new Recording(new TransientNio2BlobStore());
    proxy = S3Proxy.builder().blobStore(store)
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    endpoint = "http://127.0.0.1:" + proxy.getPort();
  }

  public void createBucket(String bucket) {
    store.createContainer(CreateBucketRequest.builder().bucket(bucket).build());
  }

  public List<Put> puts() {
    return List.copyOf(puts);
  }

  /** S3A settings for this server, without the {@code hadoop.} prefix. */
  public Map<String, String> s3aSettings() {
    Map<String, String> s = new HashMap<>();
    s.put("fs.s3a.endpoint", endpoint);
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.access.key", accessKey);
    s.put("fs.s3a.secret.key", secretKey);
    s.put("fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.attempts.maximum", "2");
    s.put("fs.s3a.retry.limit", "2");
    return s;
  }

  public Configuration hadoopConf() {
    Configuration conf = new Configuration();
    s3aSettings().forEach(conf::set);
    return conf;
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      // Jetty's graceful stop timed out waiting on a connection (seen once on a loaded 2-core
      // machine after the fault tests had passed). The in-memory store goes with the test JVM;
      // a slow teardown is not a test result, so it is reported, not failed.
      System.err.println("S3Proxy did not stop gracefully in time: " + e);
    }
  }

  /** Records PUTs; S3Proxy still sees the in-memory store underneath and applies If-None-Match. */
  private final class Recording extends ForwardingBlobStore {
    Recording(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
      try {
        PutObjectResponse response = super.putBlob(request, input);
        puts.add(new Put(request.key(), request.ifNoneMatch(), true));
        return response;
      } catch (RuntimeException e) {
        puts.add(new Put(request.key(), request.ifNoneMatch(), false));
        throw e;
      }
    }
  }
}
