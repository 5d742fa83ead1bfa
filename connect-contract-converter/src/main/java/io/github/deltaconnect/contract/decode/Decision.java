package io.github.deltaconnect.contract.decode;

import io.github.deltaconnect.avro.AvroToConnect;
import io.github.deltaconnect.registry.Contract;
import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.rules.ConditionRules;
import org.apache.avro.generic.GenericDatumReader;

/** What becomes of every record written with one schema id, decided once per contract version. */
sealed interface Decision permits Decision.Admit, Decision.Refuse {

  /** The contract the decision was made against; a new contract version means deciding again. */
  Contract contract();

  /**
   * Records with this schema id are decoded with their writer schema, resolved to the contract's
   * ({@code reader}), converted to the contract's Connect schema ({@code toConnect}) and checked
   * against the contract's rules ({@code rules}, null when it has none).
   */
  record Admit(Contract contract, int schemaId, GenericDatumReader<Object> reader,
      AvroToConnect toConnect, ConditionRules rules) implements Decision {}

  /**
   * Records with this schema id are refused for {@code reason}; {@code contract} is null when the
   * refusal came before a contract was known. Refusals are reconsidered after a while
   * ({@code decidedAt}, nanoTime): the schema may get registered.
   */
  record Refuse(Contract contract, Reason reason, String message, long decidedAt)
      implements Decision {
    ContractViolation violation() {
      return new ContractViolation(reason, message);
    }
  }
}
