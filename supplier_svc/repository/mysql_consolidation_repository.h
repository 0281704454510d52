#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONSOLIDATION_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONSOLIDATION_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "supplier_svc/domain/consolidation_repository.h"

namespace crm::supplier {

// ConsolidationRepository over the crm_supplier schema (V001, V002, V004):
// planning reads a fixed number of set-based queries; execution moves the
// documents with UPDATE ... JOIN on consolidation_item_mappings /
// consolidation_suppliers, never a statement per document.
class MySqlConsolidationRepository final : public ConsolidationRepository {
 public:
  explicit MySqlConsolidationRepository(common::MySqlPool& pool);

  absl::StatusOr<PlanLoad> LoadPlanInputs(absl::Time deadline, v1::SupplierCategory category,
                                          const common::CalendarDate& period_start,
                                          const common::CalendarDate& period_end) override;
  absl::StatusOr<int64_t> InsertPlan(absl::Time deadline, const v1::ConsolidationPlan& plan,
                                     const std::vector<MappingRow>& mappings,
                                     std::string_view actor, absl::Time now) override;
  absl::StatusOr<std::optional<StoredPlan>> GetPlan(absl::Time deadline, int64_t plan_id) override;
  absl::StatusOr<std::optional<std::vector<StoredItemMapping>>> ListItemMappings(
      absl::Time deadline, const ItemMappingListQuery& query) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ConsolidationStore&)> body) override;
  absl::StatusOr<std::optional<StoredConsolidation>> GetConsolidation(absl::Time deadline,
                                                                      int64_t id) override;
  absl::StatusOr<std::vector<StoredConsolidation>> ListConsolidations(
      absl::Time deadline, const ConsolidationListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_CONSOLIDATION_REPOSITORY_H_
