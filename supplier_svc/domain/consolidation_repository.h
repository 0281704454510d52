#ifndef CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_REPOSITORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/supplier/v1/consolidation.pb.h"
#include "supplier_svc/domain/consolidation_rules.h"
#include "supplier_svc/domain/scorecard_repository.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

struct StoredConsolidation {
  int64_t id = 0;
  v1::Consolidation consolidation;
};

// A stored plan: name, expire_time and (once executed) consolidation filled in.
struct StoredPlan {
  int64_t id = 0;
  v1::ConsolidationPlan plan;
};

// How long a plan stays executable (and stored).
inline constexpr absl::Duration kConsolidationPlanLifetime = absl::Hours(7 * 24);

// What PlanConsolidation reads, in one consistent snapshot.
struct PlanLoad {
  StoredScorecardWeights weights;
  // Scorecards of the candidates (live ACTIVE/PREFERRED/ON_HOLD suppliers of
  // the category) over the period, with the category's spend shares.
  std::vector<ScorecardFigures> figures;
  // The candidates' versions and open documents, by id.
  struct SupplierState {
    int64_t version = 0;
    int64_t open_purchase_order_count = 0;
    int64_t contract_count = 0;
  };
  std::map<int64_t, SupplierState> states;
  std::vector<PlanOffering> offerings;  // the candidates' live offerings
  AnnualQuantities quantities;          // units ordered in the period
};

// One item mapping of a plan, as stored.
struct MappingRow {
  int64_t from_offering_id = 0;
  int64_t from_supplier_id = 0;
  std::string item;
  std::string currency;
  int64_t to_supplier_id = 0;
  int64_t to_offering_id = 0;
  int64_t from_unit_price_minor = 0;
  int64_t to_unit_price_minor = 0;
  int64_t annual_quantity = 0;
  bool sole_source = false;
};

struct MovedCounts {
  int64_t purchase_orders = 0;
  int64_t contracts = 0;
  int64_t offerings = 0;
};

enum class ItemMappingColumn { kFromSupplier, kToSupplier, kItem, kSoleSource };
using ItemMappingCondition = common::Condition<ItemMappingColumn>;

// The item mappings of a plan or of an executed consolidation, in
// from_offering id order; `after_offering_id` continues a listing.
struct ItemMappingListQuery {
  enum class Owner { kPlan, kConsolidation };
  Owner owner = Owner::kPlan;
  int64_t owner_id = 0;
  std::vector<ItemMappingCondition> conditions;
  std::optional<int64_t> after_offering_id;
  int limit = 50;
};

struct StoredItemMapping {
  int64_t from_offering_id = 0;
  v1::ItemMapping mapping;
};

enum class ConsolidationColumn { kCategory, kKeeper, kRetiredSupplier, kExecuteTime };
using ConsolidationCondition = common::Condition<ConsolidationColumn>;

// Newest first (descending id); `before_id` continues a listing.
struct ConsolidationListQuery {
  std::vector<ConsolidationCondition> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

// The writes of ExecuteConsolidation inside its one transaction.
class ConsolidationStore {
 public:
  virtual ~ConsolidationStore() = default;

  // The suppliers' status changes go through this store (same transaction).
  virtual SupplierStore& suppliers() = 0;
  // The plan, locked (so that one plan is executed once); nullopt if absent.
  virtual absl::StatusOr<std::optional<StoredPlan>> LockPlan(int64_t plan_id) = 0;
  // Versions of the given suppliers (live or not), locked; absent ids are missing.
  virtual absl::StatusOr<std::map<int64_t, int64_t>> LockSupplierVersions(
      const std::vector<int64_t>& supplier_ids) = 0;
  // (id, version) of the live offerings of `supplier_ids` and of the live
  // offerings plan `plan_id` maps to, locked.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> LockLiveOfferingVersions(
      const std::vector<int64_t>& supplier_ids, int64_t plan_id) = 0;
  // Inserts the record (counts as in `consolidation`), its suppliers and a
  // copy of plan `plan_id`'s mappings, and marks the plan executed by it;
  // returns the new id.
  virtual absl::StatusOr<int64_t> InsertConsolidation(
      const v1::Consolidation& consolidation, int64_t plan_id,
      const std::vector<int64_t>& keeper_ids, const std::map<int64_t, int64_t>& retired_into) = 0;
  // Moves the retired suppliers' open orders (OPEN/CONFIRMED), DRAFT/ACTIVE
  // contracts and live offerings of consolidation `id` to keepers with a fixed
  // number of set-based statements.
  virtual absl::StatusOr<MovedCounts> MoveDocuments(int64_t consolidation_id, absl::Time now) = 0;
  // Rewrites the record (final counts and details).
  virtual absl::Status FinishConsolidation(int64_t consolidation_id,
                                           const v1::Consolidation& consolidation) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
  // The given suppliers (live or not, already locked by LockSupplierVersions),
  // read with one statement; absent ids are missing.
  virtual absl::StatusOr<std::map<int64_t, StoredSupplier>> LockSuppliers(
      const std::vector<int64_t>& supplier_ids) = 0;
  // Marks every retired supplier of consolidation `id` CONSOLIDATED into its
  // consolidated_into (update_time `now`, version + 1) if it still has
  // `expected_versions` (ABORTED otherwise) and writes `changes` (supplier id,
  // status change) as history rows, in order, with a fixed number of statements.
  virtual absl::Status RetireSuppliers(
      int64_t consolidation_id, const std::map<int64_t, int64_t>& expected_versions,
      const std::vector<std::pair<int64_t, v1::SupplierStatusChange>>& changes,
      absl::Time now) = 0;
  // Writes many audit entries with a few multi-row statements.
  virtual absl::Status InsertAuditEntries(
      const std::vector<crm::common::v1::AuditEntry>& entries) = 0;
};

class ConsolidationRepository {
 public:
  virtual ~ConsolidationRepository() = default;

  virtual absl::StatusOr<PlanLoad> LoadPlanInputs(absl::Time deadline,
                                                  v1::SupplierCategory category,
                                                  const common::CalendarDate& period_start,
                                                  const common::CalendarDate& period_end) = 0;
  // Stores `plan` (without name) and its mappings in one transaction, after
  // deleting a few plans that expired before `now`; returns the new id.
  virtual absl::StatusOr<int64_t> InsertPlan(absl::Time deadline, const v1::ConsolidationPlan& plan,
                                             const std::vector<MappingRow>& mappings,
                                             std::string_view actor, absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<StoredPlan>> GetPlan(absl::Time deadline,
                                                            int64_t plan_id) = 0;
  // nullopt when the owner (plan or consolidation) does not exist.
  virtual absl::StatusOr<std::optional<std::vector<StoredItemMapping>>> ListItemMappings(
      absl::Time deadline, const ItemMappingListQuery& query) = 0;
  // Runs `body` in one transaction exactly once per (method, request_id) (see
  // common::RunIdempotent).
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ConsolidationStore&)> body) = 0;
  virtual absl::StatusOr<std::optional<StoredConsolidation>> GetConsolidation(absl::Time deadline,
                                                                              int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredConsolidation>> ListConsolidations(
      absl::Time deadline, const ConsolidationListQuery& query) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_CONSOLIDATION_REPOSITORY_H_
