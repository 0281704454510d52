#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/supplier/v1/supplier.pb.h"

namespace crm::supplier {

// A supplier as stored: its id, its version (the etag's source) and the
// message with every field, output-only ones included.
struct StoredSupplier {
  int64_t id = 0;
  int64_t version = 0;
  v1::Supplier supplier;
};

// Columns a supplier filter can compare. kCategory matches suppliers having
// that category among theirs.
enum class SupplierColumn {
  kDisplayName, kStatus, kCategory, kIntegrationLevel, kWebDomain, kTaxId, kConsolidatedInto,
  kRelationshipStartDate, kRegionCode, kCreateTime,
};
using SupplierCondition = common::Condition<SupplierColumn>;

enum class SupplierOrder { kDisplayName, kCreateTime, kRelationshipStartDate };

// Suppliers without a relationship start date sort as if they had this one
// (first in ascending order).
inline constexpr char kNoStartDateSortValue[] = "1000-01-01";

// Where a keyset page starts: after the row with this sort value and id (in
// the query's direction).
struct SupplierCursor {
  std::string sort_value;
  int64_t id = 0;
};

struct SupplierListQuery {
  std::vector<SupplierCondition> conditions;
  SupplierOrder order = SupplierOrder::kDisplayName;
  bool descending = false;
  bool show_deleted = false;
  std::optional<SupplierCursor> after;
  int limit = 50;  // rows to return at most
};

enum class StatusChangeColumn { kFromStatus, kToStatus, kConsolidation, kChangeTime };
using StatusChangeCondition = common::Condition<StatusChangeColumn>;

// Status changes newest first (descending id); `before_id` continues a listing.
struct StatusChangeListQuery {
  std::optional<int64_t> supplier_id;  // nullopt: every supplier
  std::vector<StatusChangeCondition> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

struct StoredStatusChange {
  int64_t id = 0;
  int64_t supplier_id = 0;
  v1::SupplierStatusChange change;  // name filled in by the repository
};

// What a change does inside one transaction. Reads lock the rows they return
// until the transaction ends.
class SupplierStore {
 public:
  virtual ~SupplierStore() = default;

  // The supplier (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredSupplier>> LockSupplier(int64_t id) = 0;
  // Id of the live supplier with this web domain / tax id, other than `except_id`.
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveByWebDomain(std::string_view web_domain,
                                                                     int64_t except_id) = 0;
  virtual absl::StatusOr<std::optional<int64_t>> FindLiveByTaxId(std::string_view tax_id,
                                                                 int64_t except_id) = 0;
  // Inserts with version 1 (and its categories); returns the stored supplier.
  virtual absl::StatusOr<StoredSupplier> InsertSupplier(const v1::Supplier& supplier) = 0;
  // Writes every stored field of `supplier` (id from its name, categories
  // included) and bumps the version from `expected_version`.
  virtual absl::StatusOr<StoredSupplier> UpdateSupplier(const v1::Supplier& supplier,
                                                        int64_t expected_version) = 0;
  virtual absl::StatusOr<StoredStatusChange> InsertStatusChange(
      int64_t supplier_id, const v1::SupplierStatusChange& change) = 0;
  // Open purchase orders and contracts in force on `today` (ACTIVE and not
  // past their end date) that keep a supplier from being deleted
  // ("2 open purchase orders"), or "" when there are none.
  virtual absl::StatusOr<std::string> DescribeOpenCommitments(
      int64_t supplier_id, const common::CalendarDate& today) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of suppliers and their status history.
class SupplierRepository {
 public:
  virtual ~SupplierRepository() = default;

  // Runs `body` in one transaction: everything it writes commits together
  // when it returns OK and nothing is kept otherwise. May run `body` again
  // after a deadlock.
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(SupplierStore&)> body) = 0;

  // Like Transact, exactly once per (method, request_id): a replay returns
  // the bytes the first run returned (see common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(SupplierStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredSupplier>> GetSupplier(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredSupplier>> ListSuppliers(
      absl::Time deadline, const SupplierListQuery& query) = 0;
  virtual absl::StatusOr<std::vector<StoredStatusChange>> ListStatusChanges(
      absl::Time deadline, const StatusChangeListQuery& query) = 0;
  // Live suppliers matching `conditions`: count, per status, per category,
  // and spend of non-cancelled purchase orders since `spend_since`.
  virtual absl::StatusOr<v1::SupplierSummary> ComputeSummary(
      absl::Time deadline, const std::vector<SupplierCondition>& conditions,
      absl::Time spend_since) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_REPOSITORY_H_
