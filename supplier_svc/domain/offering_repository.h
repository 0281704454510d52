#ifndef CRM_SUPPLIER_SVC_DOMAIN_OFFERING_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_OFFERING_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/supplier/v1/offering.pb.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// An offering as stored: its id, its version (the etag's source) and the
// message with every field, output-only ones included.
struct StoredOffering {
  int64_t id = 0;
  int64_t supplier_id = 0;
  int64_t version = 0;
  v1::Offering offering;
};

// Columns an offering filter can compare.
enum class OfferingColumn {
  kSupplier,
  kItem,
  kSupplierItemCode,
  kContract,
  kValidFrom,
  kValidUntil,
  kCurrency,
};
using OfferingCondition = common::Condition<OfferingColumn>;

enum class OfferingOrder { kItem, kUnitPrice, kValidFrom };

// Offerings without a valid_from sort as if they had this one.
inline constexpr char kNoValidFromSortValue[] = "1000-01-01";

// Where a keyset page starts: after the row with this sort value (an integer
// for kUnitPrice, text otherwise) and id, in the query's direction.
struct OfferingCursor {
  std::variant<int64_t, std::string> sort_value;
  int64_t id = 0;
};

struct OfferingListQuery {
  std::vector<OfferingCondition> conditions;
  OfferingOrder order = OfferingOrder::kItem;
  bool descending = false;
  bool show_deleted = false;
  std::optional<OfferingCursor> after;
  int limit = 50;
};

// What makes two offerings compete for the same validity window: one live
// offering per supplier, item, currency and minimum quantity on any day, among
// the list prices (no contract) and among the prices of each contract. A
// contract price may run alongside the list price it undercuts.
struct OfferingKey {
  int64_t supplier_id = 0;
  std::string item;
  std::string currency_code;
  int64_t minimum_quantity = 0;
  std::optional<int64_t> contract_id;  // nullopt: list prices
};

// BestPrice candidates: live offerings of `item` valid on `date` whose minimum
// quantity is at most `quantity`, from live ACTIVE or PREFERRED suppliers.
struct PriceCandidateQuery {
  std::string item;
  int64_t quantity = 0;
  common::CalendarDate date;
  std::string currency_code;       // "" for every currency
  int32_t max_lead_time_days = 0;  // 0 for no limit
  int limit = 1000;                // the cheapest unit prices first
};

// One BestPrice candidate as read: the offering's fields plus its supplier's.
struct PriceCandidateRow {
  int64_t offering_id = 0;
  int64_t supplier_id = 0;
  std::string supplier_display_name;
  v1::SupplierStatus supplier_status = v1::SUPPLIER_STATUS_UNSPECIFIED;
  int64_t unit_price_minor = 0;
  std::string currency_code;
  int32_t lead_time_days = 0;
  bool from_contract = false;
};

// A contract an offering refers to: whose it is.
struct ContractOwner {
  int64_t supplier_id = 0;
};

// What a change does inside one transaction. Reads lock the rows they return
// until the transaction ends.
class OfferingStore {
 public:
  virtual ~OfferingStore() = default;

  // The suppliers of the same transaction (lock the supplier first: that
  // serializes changes of its offerings).
  virtual SupplierStore& suppliers() = 0;
  // The offering (deleted or not) locked for update, or nullopt.
  virtual absl::StatusOr<std::optional<StoredOffering>> LockOffering(int64_t id) = 0;
  // Live offerings with `key`, other than `except_id`.
  virtual absl::StatusOr<std::vector<StoredOffering>> ListLiveWithKey(const OfferingKey& key,
                                                                      int64_t except_id) = 0;
  // The supplier of contracts/{id}, or nullopt when there is no such contract.
  virtual absl::StatusOr<std::optional<ContractOwner>> FindContract(int64_t contract_id) = 0;
  // Inserts with version 1; returns the stored offering.
  virtual absl::StatusOr<StoredOffering> InsertOffering(const v1::Offering& offering) = 0;
  // Writes every stored field of `offering` (id from its name) and bumps the
  // version from `expected_version` (ABORTED when it moved).
  virtual absl::StatusOr<StoredOffering> UpdateOffering(const v1::Offering& offering,
                                                        int64_t expected_version) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of offerings (price lists).
class OfferingRepository {
 public:
  virtual ~OfferingRepository() = default;

  // Runs `body` in one transaction (see SupplierRepository::Transact).
  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(OfferingStore&)> body) = 0;
  // Like Transact, exactly once per (method, request_id) (common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(OfferingStore&)> body) = 0;

  virtual absl::StatusOr<std::optional<StoredOffering>> GetOffering(absl::Time deadline,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredOffering>> ListOfferings(
      absl::Time deadline, const OfferingListQuery& query) = 0;
  // One query: the candidates of `query`, cheapest unit price first.
  virtual absl::StatusOr<std::vector<PriceCandidateRow>> FindPriceCandidates(
      absl::Time deadline, const PriceCandidateQuery& query) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_OFFERING_REPOSITORY_H_
