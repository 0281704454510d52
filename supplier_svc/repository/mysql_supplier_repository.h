#ifndef CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_
#define CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_

#include <cppconn/connection.h>

#include <memory>

#include "common/mysql/pool.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// The SupplierStore of an open transaction on `connection`, for another
// repository whose transaction also changes suppliers (e.g. consolidation).
std::unique_ptr<SupplierStore> MakeMySqlSupplierStore(sql::Connection& connection);

// SupplierRepository over the crm_supplier schema (migrations/V001...):
// prepared statements only, keyset pagination only, every connector error
// mapped by common::SqlErrorToStatus.
class MySqlSupplierRepository final : public SupplierRepository {
 public:
  explicit MySqlSupplierRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(SupplierStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(SupplierStore&)> body) override;
  absl::StatusOr<std::optional<StoredSupplier>> GetSupplier(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredSupplier>> ListSuppliers(
      absl::Time deadline, const SupplierListQuery& query) override;
  absl::StatusOr<std::vector<StoredStatusChange>> ListStatusChanges(
      absl::Time deadline, const StatusChangeListQuery& query) override;
  absl::StatusOr<v1::SupplierSummary> ComputeSummary(
      absl::Time deadline, const std::vector<SupplierCondition>& conditions,
      absl::Time spend_since) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_REPOSITORY_MYSQL_SUPPLIER_REPOSITORY_H_
