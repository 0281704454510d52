#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SCORECARD_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SCORECARD_REPOSITORY_H_

#include <cppconn/connection.h>

#include <vector>

#include "common/mysql/pool.h"
#include "supplier_svc/domain/scorecard_repository.h"

namespace crm::supplier {

// The stored weights on an open connection (locked when `for_update`).
absl::StatusOr<StoredScorecardWeights> SelectScorecardWeights(sql::Connection& connection,
                                                              bool for_update);

// ScorecardRepository::ComputeFigures on an open connection, for other
// repositories that rank suppliers (consolidation planning). Five set-based
// queries whatever the number of suppliers. Throws sql::SQLException.
absl::StatusOr<std::vector<ScorecardFigures>> SelectScorecardFigures(sql::Connection& connection,
                                                                     const ScorecardScope& scope);

// ScorecardRepository over the crm_supplier schema (migrations V002, V004).
class MySqlScorecardRepository final : public ScorecardRepository {
 public:
  explicit MySqlScorecardRepository(common::MySqlPool& pool);

  absl::StatusOr<StoredScorecardWeights> GetWeights(absl::Time deadline) override;
  absl::Status TransactWeights(
      absl::Time deadline, absl::FunctionRef<absl::Status(ScorecardWeightsStore&)> body) override;
  absl::StatusOr<std::vector<ScorecardFigures>> ComputeFigures(
      absl::Time deadline, const ScorecardScope& scope) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SCORECARD_REPOSITORY_H_
