#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/offering.pb.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// A contract as stored: its id, version (the etag's source) and the message
// with every field, output-only ones included. `contract.state()` is the
// stored state; an ACTIVE contract whose term has ended is presented as
// EXPIRED (see EffectiveContractState).
struct StoredContract {
  int64_t id = 0;
  int64_t supplier_id = 0;
  int64_t version = 0;
  v1::Contract contract;
};

// Columns a contract filter can compare. kState compares the effective state
// (ACTIVE past its end date counts as EXPIRED); kItem matches contracts
// having a line for that item.
enum class ContractColumn { kSupplier, kState, kStartDate, kEndDate, kItem };
using ContractCondition = common::Condition<ContractColumn>;

enum class ContractOrder { kEndDate, kStartDate, kCreateTime };

// Where a keyset page starts: after the row with this sort value and id.
struct ContractCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct ContractListQuery {
  std::vector<ContractCondition> conditions;
  ContractOrder order = ContractOrder::kEndDate;
  bool descending = false;
  std::optional<ContractCursor> after;
  // The day (YYYY-MM-DD) that decides which ACTIVE contracts have expired.
  std::string today;
  int limit = 50;
};

// What a contract change does inside one transaction. Reads lock the rows they
// return until the transaction ends.
class ContractStore {
 public:
  virtual ~ContractStore() = default;

  // The contract and its lines locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredContract>> LockContract(int64_t id) = 0;
  // Inserts `contract` (supplier, title, term, state, lines with their
  // quantities, committed/ordered amounts, times) with version 1 and a new
  // contract number ("CT-000042"); returns it as stored.
  virtual absl::StatusOr<StoredContract> InsertContract(const v1::Contract& contract) = 0;
  // Writes every stored field of `contract` (id from its name) and bumps the
  // version from `expected_version` (ABORTED when it moved). With
  // `replace_lines` the lines are rewritten; otherwise only their ordered
  // quantities are (row by row, so nothing but those rows is locked).
  virtual absl::StatusOr<StoredContract> UpdateContract(const v1::Contract& contract,
                                                        int64_t expected_version,
                                                        bool replace_lines) = 0;
  // Inserts a live offering (version 1) and returns it with its name and etag.
  virtual absl::StatusOr<v1::Offering> InsertOffering(const v1::Offering& offering) = 0;
  // Soft-deletes the live offerings of the contract at `now`; returns each as
  // it was before and after.
  virtual absl::StatusOr<std::vector<std::pair<v1::Offering, v1::Offering>>>
  DeleteContractOfferings(int64_t contract_id, absl::Time now) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
  // The suppliers of the same transaction.
  virtual SupplierStore& Suppliers() = 0;
};

// Storage of contracts.
class ContractRepository {
 public:
  virtual ~ContractRepository() = default;

  // Runs `body` in one transaction (see SupplierRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(ContractStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ContractStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredContract>> GetContract(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredContract>> ListContracts(
      absl::Time deadline, const ContractListQuery& query) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONTRACT_REPOSITORY_H_
