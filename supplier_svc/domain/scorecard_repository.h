#ifndef CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/calendar_date.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/supplier/v1/scorecard.pb.h"
#include "supplier_svc/domain/scorecard_rules.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// The weights as stored, with the version behind their etag.
struct StoredScorecardWeights {
  int64_t version = 0;
  v1::ScorecardWeights weights;  // name, etag and update_time filled in
};

// Which suppliers to score and over which days (both inclusive).
struct ScorecardScope {
  std::optional<int64_t> supplier_id;
  // When set: only suppliers of this category, and spend shares are of this
  // category's spend; otherwise of the spend of every category of the supplier.
  std::optional<v1::SupplierCategory> category;
  // When not empty: only suppliers with one of these statuses.
  std::vector<v1::SupplierStatus> statuses;
  std::vector<SupplierCondition> conditions;  // ListSuppliers filter
  common::CalendarDate period_start;
  common::CalendarDate period_end;
};

class ScorecardWeightsStore {
 public:
  virtual ~ScorecardWeightsStore() = default;
  virtual absl::StatusOr<StoredScorecardWeights> LockWeights() = 0;
  // Writes the weights and thresholds, bumping the version from `expected_version`.
  virtual absl::StatusOr<StoredScorecardWeights> UpdateWeights(const v1::ScorecardWeights& weights,
                                                               int64_t expected_version,
                                                               absl::Time update_time) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage behind ScorecardService.
class ScorecardRepository {
 public:
  virtual ~ScorecardRepository() = default;

  virtual absl::StatusOr<StoredScorecardWeights> GetWeights(absl::Time deadline) = 0;
  // Runs `body` in one transaction (see SupplierRepository::Transact).
  virtual absl::Status TransactWeights(
      absl::Time deadline, absl::FunctionRef<absl::Status(ScorecardWeightsStore&)> body) = 0;
  // The figures of every live supplier in `scope`, in ascending id order,
  // computed with a fixed number of set-based queries whatever the count.
  virtual absl::StatusOr<std::vector<ScorecardFigures>> ComputeFigures(
      absl::Time deadline, const ScorecardScope& scope) = 0;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SCORECARD_REPOSITORY_H_
