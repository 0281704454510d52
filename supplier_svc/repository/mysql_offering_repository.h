#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_OFFERING_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_OFFERING_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "supplier_svc/domain/offering_repository.h"

namespace crm::supplier {

// OfferingRepository over the offerings table of crm_supplier
// (migrations/V002, sort keys from V005): prepared statements only, keyset
// pagination only, every connector error mapped by common::SqlErrorToStatus.
class MySqlOfferingRepository final : public OfferingRepository {
 public:
  explicit MySqlOfferingRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(OfferingStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(OfferingStore&)> body) override;
  absl::StatusOr<std::optional<StoredOffering>> GetOffering(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredOffering>> ListOfferings(
      absl::Time deadline, const OfferingListQuery& query) override;
  absl::StatusOr<std::vector<PriceCandidateRow>> FindPriceCandidates(
      absl::Time deadline, const PriceCandidateQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_OFFERING_REPOSITORY_H_
