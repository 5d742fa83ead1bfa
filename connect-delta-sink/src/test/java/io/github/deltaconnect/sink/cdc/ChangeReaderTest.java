package io.github.deltaconnect.sink.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.convert.DataException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Debezium-shaped envelopes as the JSON (schemas on) or Avro converters hand them to the sink. */
class ChangeReaderTest {
  static final Schema KEY = SchemaBuilder.struct().name("dbserver1.inventory.customers.Key")
      .field("id", Schema.INT32_SCHEMA).build();
  static final Schema ROW = SchemaBuilder.struct().name("dbserver1.inventory.customers.Value")
      .optional()
      .field("id", Schema.INT32_SCHEMA)
      .field("email", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
      .field("ts_ms", Schema.INT64_SCHEMA)
      .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
  static final Schema ENVELOPE = SchemaBuilder.struct()
      .name("dbserver1.inventory.customers.Envelope")
      .field("before", ROW).field("after", ROW).field("source", SOURCE)
      .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

  static Struct row(int id, String email) {
    return new Struct(ROW).put("id", id).put("email", email);
  }

  static SinkRecord change(String op, Struct before, Struct after, long lsn) {
    Struct v = new Struct(ENVELOPE).put("op", op).put("before", before).put("after", after)
        .put("source", new Struct(SOURCE).put("ts_ms", 1000L + lsn).put("lsn", lsn));
    int id = (after != null ? after : before).getInt32("id");
    return new SinkRecord("customers", 0, KEY, new Struct(KEY).put("id", id), ENVELOPE, v, lsn);
  }

  final ChangeReader reader = new ChangeReader("source.lsn", "delta.upsert.order.field");

  @Test
  void createsSnapshotReadsAndUpdatesUpsertTheAfterImage() {
    for (String op : new String[] {"c", "r", "u"}) {
      ChangeEvent e = reader.read(change(op, row(1, "old"), row(1, "new"), 42));
      assertEquals(ChangeEvent.Op.UPSERT, e.op(), op);
      assertEquals("new", ((Struct) e.image().value()).getString("email"));
      assertSame(ROW, e.image().valueSchema());
      assertEquals(42L, e.order());
      assertEquals(42L, e.image().kafkaOffset(), "the image keeps the record's coordinates");
    }
  }

  @Test
  void aDeleteDeletesTheBeforeImagesKeyOrElseTheRecordKey() {
    ChangeEvent withBefore = reader.read(change("d", row(7, "x"), null, 50));
    assertEquals(ChangeEvent.Op.DELETE, withBefore.op());
    assertEquals(7, ((Struct) withBefore.image().value()).getInt32("id"));
    assertEquals(50L, withBefore.order());

    Struct v = new Struct(ENVELOPE).put("op", "d")
        .put("source", new Struct(SOURCE).put("ts_ms", 1L).put("lsn", 51L));
    ChangeEvent keyOnly = reader.read(new SinkRecord("customers", 0, KEY,
        new Struct(KEY).put("id", 8), ENVELOPE, v, 51));
    assertEquals(8, ((Struct) keyOnly.image().value()).getInt32("id"));
    assertSame(KEY, keyOnly.image().valueSchema());
  }

  @Test
  void aTombstoneDeletesTheRecordKeyWithoutAnOrder() {
    ChangeEvent e = reader.read(new SinkRecord("customers", 0, KEY, new Struct(KEY).put("id", 3),
        null, null, 9));
    assertEquals(ChangeEvent.Op.DELETE, e.op());
    assertEquals(3, ((Struct) e.image().value()).getInt32("id"));
    assertNull(e.order());
    DataException keyless = assertThrows(DataException.class,
        () -> reader.read(new SinkRecord("customers", 0, null, null, null, null, 10)));
    assertTrue(keyless.getMessage().contains("tombstone without a key"));
  }

  @Test
  void schemalessEnvelopesFromJsonWithoutSchemasAreReadToo() {
    Map<String, Object> after = new HashMap<>(Map.of("id", 5, "email", "a@b"));
    Map<String, Object> source = Map.of("lsn", 77, "ts_ms", 1L);
    Map<String, Object> envelope = new HashMap<>();
    envelope.put("op", "u");
    envelope.put("before", null);
    envelope.put("after", after);
    envelope.put("source", source);
    ChangeEvent e = reader.read(new SinkRecord("t", 0, null, Map.of("id", 5), null, envelope, 3));
    assertEquals(ChangeEvent.Op.UPSERT, e.op());
    assertSame(after, e.image().value());
    assertEquals(77L, e.order(), "integers of any width compare as longs");
  }

  @Test
  void plainRecordsUpsertTheirValue() {
    Struct plain = row(4, "p");
    ChangeEvent e = new ChangeReader("", "p").read(
        new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 4), ROW, plain, 1));
    assertEquals(ChangeEvent.Op.UPSERT, e.op());
    assertSame(plain, e.image().value());
    assertNull(e.order());
  }

  @Test
  void eventsThatAreNotRowChangesOrLackTheirOrderAreRefusedWithTheReason() {
    DataException truncate = assertThrows(DataException.class,
        () -> reader.read(change("t", row(1, "x"), null, 1)));
    assertTrue(truncate.getMessage().contains("op 't' is not applied"), truncate.getMessage());
    Struct v = new Struct(ENVELOPE).put("op", "c").put("after", row(1, "x"))
        .put("source", new Struct(SOURCE).put("ts_ms", 1L));
    DataException noLsn = assertThrows(DataException.class, () -> reader.read(
        new SinkRecord("customers", 0, KEY, new Struct(KEY).put("id", 1), ENVELOPE, v, 1)));
    assertTrue(noLsn.getMessage().contains("source.lsn (delta.upsert.order.field) is missing"),
        noLsn.getMessage());
  }

  @Test
  void anOrderingValueThatIsTextIsRefusedWithTheReason() {
    Map<String, Object> envelope = new HashMap<>();
    envelope.put("op", "u");
    envelope.put("after", new HashMap<>(Map.of("id", 5)));
    envelope.put("source", Map.of("lsn", "mysql-bin.000003:1024"));
    DataException e = assertThrows(DataException.class,
        () -> reader.read(new SinkRecord("t", 0, null, null, null, envelope, 1)));
    assertTrue(e.getMessage().contains("must be an integer or a timestamp"), e.getMessage());
  }
}
